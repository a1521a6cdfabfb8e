import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { enforced, type RevisionContext, revisionContext } from '../../src/findings/context.js';
import { meshDeniedPairs } from '../../src/findings/mesh-network.js';
import { policyApplies } from '../../src/l7/authz-model.js';
import { workloadPeer } from '../../src/model/peers.js';
import { analyse, type RandomRepo } from '../matrix/random-repo.js';

/**
 * Random repositories where the rule has something to find: sidecars in most namespaces, ingress
 * rules naming pod sources on TCP ports, Services, AuthorizationPolicies naming one service account (the others are denied
 * everything); head edits the base as editedPairArb does, on these shapes.
 */
const app = fc.constantFrom('a', 'b', 'c');
const ns = fc.constantFrom('x', 'x', 'y');
const leanRepoArb: fc.Arbitrary<RandomRepo> = fc.record({
  injected: fc.record({ x: fc.constant(true), y: fc.boolean() }),
  teamX: fc.constantFrom('t1', 't2'),
  pods: fc.array(
    fc.record({
      ns,
      app,
      tier: fc.constantFrom('front', 'back'),
      sa: fc.constantFrom('s1', 's2', 's3'),
      port: fc.constantFrom(80, 8080),
      metrics: fc.boolean(),
      exclude: fc.boolean(),
    }),
    { minLength: 3, maxLength: 7 },
  ),
  netpols: fc.array(
    fc.record({
      ns,
      target: fc.option(app, { nil: undefined }),
      types: fc.constantFrom(['Ingress'], ['Ingress', 'Egress']),
      peerApp: app,
      peerNs: fc.option(ns, { nil: undefined, freq: 3 }),
      ipBlock: fc.constant(false),
      // TCP ports only: UDP and SCTP are never proxied, so Istio would let something through anyway.
      port: fc.option(fc.constantFrom<number | string>(80, 8080, 'http', 'metrics'), {
        nil: undefined,
        freq: 8,
      }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  authz: fc.array(
    fc.record({
      ns,
      target: fc.option(app, { nil: undefined }),
      action: fc.constantFrom('ALLOW', 'ALLOW', 'DENY'),
      principal: fc.option(fc.constantFrom('s1', 's2'), { nil: undefined, freq: 3 }),
      fromNs: fc.option(fc.constantFrom('x', 'y'), { nil: undefined, freq: 2 }),
      path: fc.option(fc.constantFrom('/api/*', '/admin'), { nil: undefined }),
      method: fc.option(fc.constantFrom('GET', 'POST'), { nil: undefined }),
      port: fc.option(fc.constantFrom(80, 8080, 9102), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  peerAuthn: fc.array(
    fc.record({
      ns: fc.constantFrom('x', 'y', 'istio-system'),
      mode: fc.constantFrom('STRICT', 'PERMISSIVE', 'DISABLE'),
      target: fc.option(app, { nil: undefined }),
    }),
    { maxLength: 2 },
  ),
  // Services, so that clients send mTLS (a port no Service declares is reached as plaintext, E11).
  services: fc.array(fc.record({ ns, app, name: fc.constantFrom('http', 'tcp', 'grpc-web') }), {
    minLength: 1,
    maxLength: 3,
  }),
});
const pick = <T>(a: readonly T[], b: readonly T[], dice: readonly number[]): T[] =>
  Array.from({ length: Math.max(a.length, b.length) }, (_, i) =>
    (dice[i % dice.length] ?? 0) < 3 ? b[i] : a[i],
  ).filter((x): x is T => x !== undefined);
const pairArb = fc
  .tuple(leanRepoArb, leanRepoArb, fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 }))
  .map(([b, o, dice]) => {
    const h: RandomRepo = {
      ...b,
      pods: pick(b.pods, o.pods, dice),
      netpols: pick(b.netpols, o.netpols, dice.slice(1)),
      authz: pick(b.authz, o.authz, dice.slice(2)),
      peerAuthn: pick(b.peerAuthn, o.peerAuthn, dice.slice(3)),
    };
    if (h.pods.length === 0) h.pods.push(b.pods[0]!);
    return [b, h] as const;
  });

/**
 * The plain computation of network-allows-mesh-denies: every pair of the cluster, its full cell.
 * The rule's shortcuts (candidate sources, Istio asked without the cell, answers shared between the
 * revisions by fingerprint) must find exactly these pairs.
 */
function plainPairs(ctx: RevisionContext): string[] {
  const guarded = ctx.rev.model.workloads.filter(
    (d) =>
      ctx.injected(d) &&
      ctx.authz.some(
        ({ model }) =>
          enforced(model) &&
          (model.action === 'ALLOW' || model.action === 'DENY') &&
          (model.scope.kind !== 'namespace' || model.scope.namespace === d.namespace) &&
          policyApplies(model, d),
      ),
  );
  const out: string[] = [];
  for (const d of guarded) {
    for (const s of ctx.rev.model.workloads) {
      if (s === d || !ctx.injected(s)) continue;
      const v = ctx.matrix.verdict(workloadPeer(s), workloadPeer(d));
      const l4 = v.l4;
      const uncertain = l4.ingress?.uncertainBy.length || l4.egress?.uncertainBy.length;
      if (!l4.ingress?.isolatedBy.length || !l4.ingress.grants.length || uncertain) continue;
      if (l4.allowed.isEmpty() || !v.l7 || v.l7.uncertain || !v.effective.isEmpty()) continue;
      out.push(`${s.id} -> ${d.id}`);
    }
  }
  return out.sort();
}

describe('network-allows-mesh-denies without a cell per pair', () => {
  it('finds the pairs the plain computation finds, in both revisions of random repositories', () => {
    let found = 0;
    fc.assert(
      fc.property(pairArb, ([b, h]) => {
        const [base, head] = [analyse(b, 'base'), analyse(h, 'head')];
        const matrices = buildLayerMatrices(base, head, 'effective');
        const shared = new Map<string, unknown>();
        // The shortcut first, with the sharing between revisions the findings stage does.
        const fast = [base, head].map((rev, i) =>
          meshDeniedPairs(revisionContext(rev, matrices[i]!, DEFAULT_CONFIG, shared))
            .map((m) => `${m.source!.id} -> ${m.destination.id}`)
            .sort(),
        );
        const fresh = buildLayerMatrices(base, head, 'effective');
        const plain = [base, head].map((rev, i) =>
          plainPairs(revisionContext(rev, fresh[i]!, DEFAULT_CONFIG)),
        );
        found += plain[0]!.length + plain[1]!.length;
        expect(fast).toEqual(plain);
      }),
      { numRuns: 300 },
    );
    // The random repositories do reach the rule (else the law says nothing).
    console.log('FOUND', found);
    expect(found).toBeGreaterThan(0);
  });
});
