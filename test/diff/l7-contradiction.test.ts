import { describe, expect, it } from 'vitest';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { diffRevisions } from '../../src/analysis/diff-revisions.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import type { Layer, Report } from '../../src/report/types.js';

/**
 * Issue 12: an AuthorizationPolicy change printed `L7 scope widened: before: nothing / after:
 * nothing`. The ports where L7 lets nothing through are not printed, yet the comparison counted
 * them, and a regex over the printed text hid both scopes as "unrestricted".
 */
const MESH = `apiVersion: v1
kind: Namespace
metadata: {name: x, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: x, labels: {app: client}}
spec: {containers: [{name: c}]}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: x, labels: {app: server}}
spec: {containers: [{name: c, ports: [{containerPort: 80}, {containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: server, namespace: x}
spec: {selector: {app: server}, ports: [{name: http, port: 80}, {name: http-alt, port: 8080}]}
`;

const ap = (name: string, spec: string) =>
  `---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ${name}, namespace: x}\nspec: ${spec}\n`;

const DENY_8080 = ap('deny-8080', '{action: DENY, rules: [{to: [{operation: {ports: ["8080"]}}]}]}');
const ALLOW_GET = ap('allow-get', '{rules: [{to: [{operation: {methods: [GET]}}]}]}');
const DENY_POST = ap('deny-post', '{action: DENY, rules: [{to: [{operation: {methods: [POST]}}]}]}');

function diff(before: string, after: string, layer: Layer): Report {
  const rev = (extra: string, label: string) =>
    analyseRevision(
      { label, files: [{ path: 'all.yaml', text: MESH + extra }], diagnostics: [] },
      DEFAULT_CONFIG,
    );
  return diffRevisions(rev(before, 'base'), rev(after, 'head'), { layer });
}

/** What a reader must never see: a scope change word without a visible difference. */
function expectNoContradiction(report: Report): void {
  for (const c of report.changes) {
    if (c.l7Change) {
      expect(c.l7Before, `${c.source.id} -> ${c.destination.id}`).toBeDefined();
      expect(c.l7After).toBeDefined();
      expect(c.l7Before).not.toBe(c.l7After);
    }
  }
  expect(renderText(report)).not.toMatch(/before: nothing\n\s*after: +nothing/);
  expect(renderMarkdown(report)).not.toContain('`nothing` → `nothing`');
}

describe('the L7 scope line cannot contradict itself', () => {
  const cases: [string, string, string][] = [
    ['a DENY on a port removed', DENY_8080, ''],
    ['a DENY on a port added', '', DENY_8080],
  ];
  for (const layer of ['effective', 'l7'] as const) {
    it.each(cases)(`%s (${layer})`, (_name, before, after) => {
      expectNoContradiction(diff(before, after, layer));
      expectNoContradiction(diff(after, before, layer));
    });
  }

  it('a port that L7 opens is an added connection, explained by the rule that closed it', () => {
    const pair = (r: Report) =>
      r.changes.find((c) => c.source.id === 'x/client[Pod]' && c.destination.id === 'x/server[Pod]');
    const change = pair(diff(DENY_8080, '', 'effective'));
    expect(change).toMatchObject({ kind: 'changed', added: 'TCP 8080' });
    expect(change?.l7Change).toBeUndefined();
    expect(change?.l7Before).toBeUndefined();
    expect(change?.causes.map((c) => `${c.revision} ${c.effect} ${c.rule}`)).toContain(
      'base denies AuthorizationPolicy x/deny-8080 rules[0]: DENY rule matches all requests',
    );
    // Beside a port L7 restricts, the same change is a widening the scopes show.
    const restricted = pair(diff(ALLOW_GET + DENY_8080, ALLOW_GET, 'effective'));
    expect(restricted?.l7Change).toBe('widened');
    expect(restricted?.l7Before).toContain('TCP 80 (http): http {methods:GET}');
    expect(restricted?.l7After).toContain('TCP 80,8080 (http): http {methods:GET}');
  });
});

describe('a pair is listed for its L7 scope only when the printed scopes differ', () => {
  const renamed = (name: string) =>
    MESH.replace('{name: http-alt, port: 8080}', `{name: ${name}, port: 8080}`);
  function diffMeshes(before: string, after: string, extra = '') {
    const rev = (text: string, label: string) =>
      analyseRevision(
        { label, files: [{ path: 'all.yaml', text: text + extra }], diagnostics: [] },
        DEFAULT_CONFIG,
      );
    return diffRevisions(rev(before, 'base'), rev(after, 'head'), { layer: 'effective' });
  }

  it('a port declared http, then undeclared: listed only where an ALLOW rule makes the scopes differ', () => {
    // Istio lets every request through either way: nothing to show, so nothing to list.
    expect(diffMeshes(renamed('http-alt'), renamed('other')).changes).toEqual([]);
    // Nor when a DENY only names requests that ALLOW already excludes.
    expect(diffMeshes(MESH + ALLOW_GET, MESH + ALLOW_GET + DENY_POST).changes).toEqual([]);
    const report = diffMeshes(renamed('http-alt'), renamed('other'), ALLOW_GET);
    const change = report.changes.find(
      (c) => c.source.id === 'x/client[Pod]' && c.destination.id === 'x/server[Pod]',
    );
    expect(change?.l7Before).toContain('TCP 80,8080 (http): http {methods:GET}');
    expect(change?.l7After).toContain('TCP 80 (http): http {methods:GET}');
    expect(change?.l7After).not.toBe(change?.l7Before);
  });
});
