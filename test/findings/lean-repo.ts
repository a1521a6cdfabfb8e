import fc from 'fast-check';
import { flipTier, type RandomRepo } from '../matrix/random-repo.js';

/**
 * Random repositories where the rule has something to find: sidecars in most namespaces, ingress
 * rules naming pod sources on TCP ports, Services, AuthorizationPolicies naming one service account (the others are denied
 * everything); head edits the base as editedPairArb does, on these shapes.
 */
const app = fc.constantFrom('a', 'b', 'c');
const ns = fc.constantFrom('x', 'x', 'y');
const leanPod = fc.record({
  ns,
  app,
  tier: fc.constantFrom<'front' | 'back'>('front', 'back'),
  sa: fc.constantFrom('s1', 's2', 's3'),
  port: fc.constantFrom(80, 8080),
  metrics: fc.boolean(),
  exclude: fc.boolean(),
});
export const leanRepoArb: fc.Arbitrary<RandomRepo> = fc.record({
  injected: fc.record({ x: fc.constant(true), y: fc.boolean() }),
  teamX: fc.constantFrom('t1', 't2'),
  pods: fc.array(leanPod, { minLength: 3, maxLength: 7 }),
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
export const pairArb = fc
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
 * Head = a lean base with one cluster-wide change, as clusterWidePairArb makes them: every tier
 * flipped, every NetworkPolicy removed, STRICT mesh-wide, every service account renamed, or the
 * first NetworkPolicy and AuthorizationPolicy dropped (the lines of everything after them move).
 */
export const leanClusterWidePairArb = fc
  .tuple(leanRepoArb, fc.constantFrom('tier', 'remove-all-np', 'strict', 'sa-rename', 'drop-first'))
  .map(([base, change]) => {
    const head: RandomRepo =
      change === 'tier'
        ? flipTier(base)
        : change === 'remove-all-np'
          ? { ...base, netpols: [] }
          : change === 'strict'
            ? {
                ...base,
                peerAuthn: [...base.peerAuthn, { ns: 'istio-system', mode: 'STRICT', target: undefined }],
              }
            : change === 'sa-rename'
              ? { ...base, pods: base.pods.map((p) => ({ ...p, sa: 's3' })) }
              : { ...base, netpols: base.netpols.slice(1), authz: base.authz.slice(1) };
    return [base, head] as const;
  });

/**
 * Head = a lean base with more pods, one of them added, removed or replaced: most workloads keep
 * their fingerprints while the lists a rule entry names (a namespace's, a service account's) change.
 */
export const podEditPairArb = podEdits(leanRepoArb);

/**
 * As podEditPairArb, on repositories where rule entries die: ALLOW rules naming a namespace, ingress
 * rules admitting their own namespace only (so a cross-namespace entry is dead unless some pod of it
 * gets through another way).
 */
export const deadEntryPairArb = podEdits(
  leanRepoArb.map((r) => ({
    ...r,
    authz: r.authz.map((a) => ({ ...a, action: 'ALLOW', fromNs: a.fromNs ?? 'y', path: undefined })),
    netpols: r.netpols.map((n) => ({ ...n, peerNs: undefined })),
  })),
);

/**
 * As podEditPairArb, on repositories where STRICT mTLS rejects plaintext clients: namespace y has no
 * sidecars, x is STRICT, and the ingress rules of x admit pods of y. The edited pod is often a
 * plaintext client whose pairs with stable servers only head has (or only base).
 */
export const strictEditPairArb = podEdits(
  leanRepoArb.map((r) => ({
    ...r,
    injected: { x: true, y: false },
    peerAuthn: [{ ns: 'x', mode: 'STRICT', target: undefined }, ...r.peerAuthn.filter((p) => p.ns !== 'x')],
    netpols: r.netpols.map((n, i) => (i % 2 === 0 ? { ...n, ns: 'x', peerNs: 'y' } : n)),
  })),
);

function podEdits(repos: fc.Arbitrary<RandomRepo>) {
  return fc
    .tuple(
      repos,
      fc.array(leanPod, { minLength: 3, maxLength: 6 }),
      leanPod,
      fc.constantFrom('add', 'remove', 'replace'),
      fc.nat(),
    )
    .map(([lean, more, pod, edit, at]) => {
      const base: RandomRepo = { ...lean, pods: [...lean.pods, ...more] };
      const i = at % base.pods.length;
      const pods =
        edit === 'add'
          ? [...base.pods, pod]
          : edit === 'remove'
            ? base.pods.filter((_, k) => k !== i)
            : base.pods.map((p, k) => (k === i ? pod : p));
      return [base, { ...base, pods }] as const;
    });
}
