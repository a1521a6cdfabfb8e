import { describe, expect, it } from 'vitest';
import { config, deployment, diff, NAMESPACES } from './helpers.js';

const pa = (name: string, mode: string, created?: string) => `
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata:
  name: ${name}
  namespace: shop${created ? `\n  creationTimestamp: "${created}"` : ''}
spec:
  mtls: { mode: ${mode} }
`;
const APPS = NAMESPACES + deployment('shop', 'web');

/** Everything the report says about the duplicate pair, findings and diagnostics alike. */
function items(head: string, cfg = config()) {
  const r = diff('', head, cfg);
  const about = (text: string) => text.includes('zz-strict') && text.includes('aa-permissive');
  return {
    findings: r.findings.filter((f) => about(f.message)),
    diagnostics: r.diagnostics.filter((d) => about(d.message)),
    accepted: r.summary.findings.accepted,
    warnings: r.summary.warnings,
  };
}

describe('duplicate selector-less PeerAuthentications (E3)', () => {
  it('yield one report item, a finding that says which one is assumed to win', () => {
    const r = items(APPS + pa('zz-strict', 'STRICT') + pa('aa-permissive', 'PERMISSIVE'));
    expect(r.diagnostics).toEqual([]);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]!.rule).toBe('duplicate-peerauthentication');
    expect(r.findings[0]!.message).toContain('assumes aa-permissive (first by name)');
  });

  it('name the oldest when creation times are in the repository', () => {
    const r = items(
      APPS +
        pa('zz-strict', 'STRICT', '2024-01-01T00:00:00Z') +
        pa('aa-permissive', 'PERMISSIVE', '2024-02-01T00:00:00Z'),
    );
    expect(r.findings.map((f) => f.message)).toEqual([
      '2 namespace-level PeerAuthentications in shop (aa-permissive, zz-strict): the oldest, zz-strict, applies (rule E3). Fix: keep one.',
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it('accepted in the config, leave no warning or finding about them', () => {
    const head = APPS + pa('zz-strict', 'STRICT') + pa('aa-permissive', 'PERMISSIVE');
    // As many warnings as with a single PeerAuthentication: the duplicate adds none.
    const single = items(APPS + pa('zz-strict', 'STRICT')).warnings;
    const cfg = config({
      findings: {
        severity: {},
        accept: [
          {
            rule: 'duplicate-peerauthentication',
            resource: 'PeerAuthentication shop/zz-strict',
            reason: 'migration',
          },
        ],
      },
    });
    const r = items(head, cfg);
    expect(r.diagnostics).toEqual([]);
    expect(r.findings.map((f) => f.status)).toEqual(['accepted']);
    expect(r.accepted).toBe(1);
    expect(r.warnings).toBe(single);
  });
});
