import { describe, expect, it } from 'vitest';
import { normaliseResource } from '../../src/findings/accept.js';
import { RULE_IDS } from '../../src/findings/index.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { config, deployment, diff, NAMESPACES, SIDECAR_EGRESS } from './helpers.js';

const cpu = (name: string, value: string, extra: Record<string, string> = {}) =>
  deployment('shop', name, {
    annotations: { 'sidecar.istio.io/proxyCPU': value, 'sidecar.istio.io/proxyMemory': '128Mi', ...extra },
  });
const ground = NAMESPACES + SIDECAR_EGRESS('shop');

describe('new, fixed, existing, accepted', () => {
  const base = ground + cpu('a', '50m') + cpu('b', '50m');
  // a stays low (existing; its line moves), b is fixed, c is new.
  const head = `${ground}\n# moved\n${cpu('c', '10m')}${cpu('a', '50m')}${cpu('b', '200m')}`;

  it('matches by rule and subject, not by line', () => {
    const r = diff(base, head);
    const status = Object.fromEntries(r.findings.map((f) => [f.title.split(': ')[1], f.status]));
    expect(status).toEqual({
      'shop/a[Deployment]': 'existing',
      'shop/b[Deployment]': 'fixed',
      'shop/c[Deployment]': 'new',
    });
    expect(r.summary.findings).toEqual({ new: 1, fixed: 1, existing: 1, accepted: 0 });
    expect(r.findings.map((f) => f.status)).toEqual(['new', 'existing', 'fixed']);
    expect(r.findings.find((f) => f.status === 'fixed')!.locations[0]!.revision).toBe('base');
  });

  it('accepted by .policy-diff.yaml (rule + resource, either spelling) and by annotation', () => {
    const cfg = config({
      findings: {
        severity: {},
        accept: [{ rule: 'sidecar-cpu-request-low', resource: 'Deployment shop/c', reason: 'tiny job' }],
      },
    });
    const annotated = head.replace(
      '"sidecar.istio.io/proxyCPU":"50m"',
      '"sidecar.istio.io/proxyCPU":"50m","policy-diff.io/ignore":"sidecar-cpu-request-low","policy-diff.io/ignore-reason":"legacy"',
    );
    const r = diff(base, annotated, cfg);
    const accepted = r.findings.filter((f) => f.status === 'accepted');
    expect(accepted.map((f) => f.acceptedReason)).toEqual([
      'legacy (annotation policy-diff.io/ignore on shop/a[Deployment])',
      'tiny job',
    ]);
    expect(r.summary.findings.accepted).toBe(2);
    expect(renderText(r)).toMatch(/Accepted findings \(2\)/);
    expect(renderMarkdown(r)).toMatch(/<summary>Accepted findings \(2\)<\/summary>/);
  });

  it('accepted by source/destination pair', () => {
    const cfg = config({
      findings: {
        severity: {},
        accept: [{ rule: 'sidecar-cpu-request-low', destination: 'shop/c[Deployment]', reason: 'ok' }],
      },
    });
    expect(diff(base, head, cfg).findings.find((f) => f.status === 'accepted')?.title).toMatch(/shop\/c/);
  });

  it('severity override and off', () => {
    const cfg = config({
      findings: {
        severity: { 'sidecar-cpu-request-low': 'error', 'sidecar-request-missing': 'off' },
        accept: [],
      },
    });
    const r = diff(base, head, cfg);
    expect(r.findings.every((f) => f.severity === 'error')).toBe(true);
    const off = config({ findings: { severity: { 'sidecar-cpu-request-low': 'off' }, accept: [] } });
    expect(diff(base, head, off).findings).toEqual([]);
  });

  it('renders new first and in full, existing collapsed', () => {
    const r = diff(base, head);
    const text = renderText(r);
    expect(text.indexOf('New findings (1)')).toBeLessThan(text.indexOf('Existing findings (1)'));
    expect(text).toMatch(/at head:all\.yaml:\d+/);
    const md = renderMarkdown(r);
    expect(md).toMatch(/#### 🔎 New findings \(1\)/);
    expect(md).toMatch(/<details><summary>Existing findings \(1\)<\/summary>/);
    expect(md).toMatch(/<details><summary>Fixed findings \(1\)<\/summary>/);
  });

  it('JSON carries rule, severity, status, title, message, locations', () => {
    const f = JSON.parse(JSON.stringify(diff(base, head).findings[0]));
    expect(Object.keys(f)).toEqual(
      expect.arrayContaining(['rule', 'severity', 'status', 'title', 'message', 'locations', 'destination']),
    );
  });
});

describe('accept helpers', () => {
  it.each([
    ['Deployment shop/api', 'shop/api[Deployment]'],
    ['shop/api[Deployment]', 'shop/api[Deployment]'],
    ['api[Deployment]', 'default/api[Deployment]'],
    ['NetworkPolicy prod/deny', 'prod/deny[NetworkPolicy]'],
  ])('%s', (input, expected) => expect(normaliseResource(input)).toBe(expected));

  it('every rule is documented in docs/findings.md', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/findings.md', import.meta.url), 'utf8');
    for (const id of RULE_IDS) expect(doc).toContain(`\`${id}\``);
  });
});
