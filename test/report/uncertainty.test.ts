import { describe, expect, it } from 'vitest';
import { buildAnnotations } from '../../src/action/annotations.js';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { type Diagnostic, reachOf } from '../../src/core/diagnostics.js';
import { InputUncertainty, MAX_UNCERTAIN_REASONS, reachesPair } from '../../src/diff/uncertainty.js';
import { externalPeer, type Peer, workloadPeer } from '../../src/model/peers.js';
import type { Workload } from '../../src/model/types.js';
import { change, report } from '../action/report-fixture.js';

const peer = (namespace: string, name: string): Peer =>
  workloadPeer({ id: `${namespace}/${name}[Deployment]`, namespace, name } as unknown as Workload);
const outside = externalPeer({ family: 4, from: 0n, to: 2n ** 32n - 1n } as never);
const at = (file: string, line: number) => ({ revision: 'head', file, line, column: 1 });
const error = (code: string, extra: Partial<Diagnostic> = {}): Diagnostic => ({
  severity: 'error',
  code,
  message: code,
  location: at('policies/bad.yaml', 3),
  ...extra,
});

describe('reachOf: what an error could touch, failing closed', () => {
  it('an error without reach reaches everything; a warning or note without one, nothing', () => {
    expect(reachOf(error('yaml-syntax'))).toEqual({ kind: 'all' });
    expect(reachOf({ ...error('x'), severity: 'warning' })).toBeUndefined();
    expect(reachOf({ ...error('x'), severity: 'note' })).toBeUndefined();
    const ns = { kind: 'namespaces', namespaces: ['a'] } as const;
    expect(reachOf({ ...error('x'), severity: 'warning', reach: ns })).toBe(ns);
  });
});

describe('reachesPair', () => {
  const a = peer('a', 'api');
  const b = peer('b', 'api');
  it.each([
    [{ kind: 'all' } as const, [a, b], true],
    [{ kind: 'namespaces', namespaces: ['a'] } as const, [a, b], true],
    [{ kind: 'namespaces', namespaces: ['a'] } as const, [b, a], true],
    [{ kind: 'namespaces', namespaces: ['a'] } as const, [b, b], false],
    // An external peer is in no namespace.
    [{ kind: 'namespaces', namespaces: ['a'] } as const, [outside, b], false],
    [{ kind: 'namespaces', namespaces: ['b'] } as const, [outside, b], true],
    [{ kind: 'workloads', workloads: ['a/api[Deployment]'] } as const, [b, a], true],
    [{ kind: 'workloads', workloads: ['a/api[Deployment]'] } as const, [b, outside], false],
  ])('%j, case %#', (reach, [src, dst], expected) => {
    expect(reachesPair(reach, src!, dst!), `${src!.id} -> ${dst!.id}`).toBe(expected);
  });
});

describe('InputUncertainty', () => {
  const a = peer('a', 'api');
  const b = peer('b', 'api');

  it('names each diagnostic whose reach covers the pair, once, as revision:file:line code', () => {
    const input = new InputUncertainty([
      error('invalid-networkpolicy', { reach: { kind: 'namespaces', namespaces: ['a'] } }),
      error('invalid-networkpolicy', { reach: { kind: 'namespaces', namespaces: ['a'] } }),
      { ...error('duplicate-key'), severity: 'warning' },
    ]);
    expect(input.reasons(a, a)).toEqual(['head:policies/bad.yaml:3 invalid-networkpolicy']);
    expect(input.reasons(b, b)).toEqual([]);
  });

  it('its index answers as reachesPair does, for every kind of reach and end', () => {
    const reaches = [
      { kind: 'all' },
      { kind: 'namespaces', namespaces: ['a'] },
      { kind: 'namespaces', namespaces: ['b', 'c'] },
      { kind: 'workloads', workloads: ['b/api[Deployment]'] },
    ] as const;
    const peers = [a, b, peer('c', 'x'), outside];
    for (const reach of reaches) {
      const input = new InputUncertainty([error('x', { reach })]);
      for (const src of peers)
        for (const dst of peers)
          expect(input.reasons(src, dst).length > 0, `${reach.kind} ${src.id} -> ${dst.id}`).toBe(
            reachesPair(reach, src, dst),
          );
    }
  });

  it('caps the reasons with a count', () => {
    const many = Array.from({ length: 8 }, (_, i) => error('yaml-syntax', { location: at(`f${i}.yaml`, 1) }));
    const reasons = new InputUncertainty(many).reasons(a, b);
    expect(reasons).toHaveLength(MAX_UNCERTAIN_REASONS);
    expect(reasons.at(-1)).toBe(`and ${8 - MAX_UNCERTAIN_REASONS + 1} more`);
  });
});

describe('annotations of an uncertain change', () => {
  it('say uncertain in the title and why in the message', () => {
    const uncertain = change({ uncertain: true, uncertainBecause: ['head:policies/bad.yaml:3 yaml-syntax'] });
    const [annotation] = buildAnnotations(report({ changes: [uncertain], incomplete: true }), []);
    expect(annotation?.title).toBe('policy-diff: path opened (uncertain)');
    expect(annotation?.message).toContain(
      '[uncertain: could be explained by input not understood: head:policies/bad.yaml:3 yaml-syntax]',
    );
    const [certain] = buildAnnotations(report({ changes: [change()] }), []);
    expect(certain?.title).toBe('policy-diff: path opened');
    expect(certain?.message).not.toContain('uncertain');
  });
});

describe('the reach of invalid policies', () => {
  const diagnosticsOf = (text: string) =>
    analyseRevision({ label: 'head', diagnostics: [], files: [{ path: 'p.yaml', text }] }, DEFAULT_CONFIG)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => [d.code, d.reach]);
  const shop = { kind: 'namespaces', namespaces: ['shop'] };

  it('an invalid NetworkPolicy reaches its namespace only (it selects pods there)', () => {
    const text =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{protocol: HTTP, port: 80}]}]\n';
    expect(diagnosticsOf(text)).toEqual([['invalid-networkpolicy', shop]]);
  });

  it('an invalid AuthorizationPolicy reaches its namespace, or everything from the root namespace', () => {
    const policy = (ns: string) =>
      `apiVersion: security.istio.io/v1beta1\nkind: AuthorizationPolicy\nmetadata: {name: p, namespace: ${ns}}\nspec:\n  action: DENY\n`;
    expect(diagnosticsOf(policy('shop'))).toEqual([['istio-invalid-authz', shop]]);
    expect(diagnosticsOf(policy('istio-system'))).toEqual([['istio-invalid-authz', undefined]]);
  });

  it('an invalid PeerAuthentication likewise', () => {
    const policy = (ns: string) =>
      `apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata: {name: p, namespace: ${ns}}\nspec:\n  mtls: {mode: STRICTEST}\n`;
    expect(diagnosticsOf(policy('shop'))).toEqual([['istio-invalid-peerauthentication', shop]]);
    expect(diagnosticsOf(policy('istio-system'))).toEqual([['istio-invalid-peerauthentication', undefined]]);
  });
});
