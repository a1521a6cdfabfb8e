import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnalysedRevision } from '../../src/analysis/analyze-revision.js';
import { matrixLayer } from '../../src/analysis/external-layer.js';
import { buildLayerMatrices, lensFor } from '../../src/analysis/layers.js';
import { ruleKey } from '../../src/core/refs.js';
import { diffMatrices, type PairDiff } from '../../src/diff/pair-diff.js';
import type { L7Cell } from '../../src/l7/types.js';
import { type AccessMatrix, buildMatrix, type L7Layer } from '../../src/matrix/matrix.js';
import type { Peer } from '../../src/model/peers.js';
import type { IpRange } from '../../src/values/ip-range.js';
import { clientSideArb, withClientSide } from './client-side.js';
import { analyse, clusterWidePairArb, editedPairArb, type RandomRepo, repoArb } from './random-repo.js';

/** A cell as the report reads it, reasons verbatim. */
const shape = (c: L7Cell | undefined) =>
  c
    ? JSON.stringify([
        c.effective.toString(),
        c.conditional,
        c.external,
        c.approximate,
        c.uncertain,
        c.segments.map((s) => [
          s.protocol,
          s.ports.toString(),
          s.portClass,
          s.verdict,
          s.approximate,
          s.uncertain,
          s.outcomes.map((o) => [
            o.chain,
            o.verdict,
            o.requests.key(),
            o.rules.map(ruleKey),
            o.reasons.map((r) => [r.code, r.message, r.rule ? ruleKey(r.rule) : '']),
          ]),
        ]),
      ])
    : '-';

// Both namespaces in the mesh, every app behind a Service, half the time: principals and
// namespaces match only over mTLS, so the AuthorizationPolicies' edits reach the cells.
const meshed = (r: RandomRepo): RandomRepo => ({
  ...r,
  injected: { x: true, y: true },
  services: (['x', 'y'] as const).flatMap((ns) =>
    (['a', 'b', 'c'] as const).map((app) => ({ ns, app, name: 'http' as const })),
  ),
});
// An AuthorizationPolicy added for one app, or a pod's port changed: what its workloads read as
// destinations changes, not what they read as sources.
const destinationEdit = fc
  .tuple(
    repoArb,
    fc.boolean(),
    fc.record({
      ns: fc.constantFrom('x' as const, 'y' as const),
      target: fc.constantFrom('a' as const, 'b' as const, 'c' as const),
      action: fc.constantFrom('ALLOW' as const, 'DENY' as const),
      principal: fc.option(fc.constantFrom('s1' as const, 's2' as const), { nil: undefined }),
      path: fc.option(fc.constantFrom('/api/*' as const, '/admin' as const), { nil: undefined }),
      port: fc.option(fc.constantFrom(80 as const, 8080 as const), { nil: undefined }),
    }),
  )
  .map(([r, port, policy]): readonly [RandomRepo, RandomRepo] => {
    const base = meshed(r);
    const pods = base.pods.map((p, i) =>
      port && i === 0 ? { ...p, port: p.port === 80 ? (8080 as const) : (80 as const) } : p,
    );
    const added = { ...policy, fromNs: undefined, method: undefined };
    return [base, { ...base, pods, authz: [...base.authz, added] }];
  });
const edits = fc.oneof(
  destinationEdit,
  editedPairArb,
  clusterWidePairArb,
  editedPairArb.map(([b, h]) => [meshed(b), meshed(h)] as const),
);

/** Peers of both matrices (workloads by id, and the external ranges, which line up). */
function sharedPeers(base: AccessMatrix<L7Cell>, head: AccessMatrix<L7Cell>): [Peer, Peer][] {
  const inHead = new Map(head.workloads.map((w) => [w.id, w]));
  const workloads = base.workloads.flatMap((w): [Peer, Peer][] => {
    const h = inHead.get(w.id);
    return h ? [[w, h]] : [];
  });
  return [...workloads, ...base.externals.map((e): [Peer, Peer] => [e, e])];
}

/** The matrix without fingerprints nor candidates: the diff then computes every pair of classes. */
const blind = (m: AccessMatrix<L7Cell>): AccessMatrix<L7Cell> => ({
  ...m,
  fingerprint: () => undefined,
  l7Fingerprint: undefined,
  candidates: () => 'all',
});

const line = (p: PairDiff<L7Cell>) =>
  `${p.src.id} > ${p.dst.id}: ${p.beforeConns.toString()} -> ${p.afterConns.toString()} ${shape(p.before?.l7)} ${shape(p.after?.l7)}`;

/**
 * For every pair of peers of both revisions whose ends have equal L7 fingerprints in both (the
 * source's as a source, toward a workload; its whole one too) and whose L4-allowed connections are
 * equal: equal L7 cells, reasons verbatim. How many pairs it held for.
 */
function expectAlikeCells(b: AnalysedRevision, h: AnalysedRevision): { alike: number; asSource: number } {
  const [base, head] = buildLayerMatrices(b, h, 'effective');
  const peers = sharedPeers(base, head);
  const same = (p: readonly [Peer, Peer], asSource: boolean) => {
    const f = base.l7Fingerprint!(p[0], asSource);
    return f !== undefined && f === head.l7Fingerprint!(p[1], asSource);
  };
  let alike = 0;
  let asSource = 0;
  for (const s of peers) {
    for (const d of peers) {
      if (s[0].id === d[0].id || (s[0].kind === 'external' && d[0].kind === 'external')) continue;
      const sourceAlike = [false, d[0].kind === 'workload'].some((asSource) => same(s, asSource));
      if (!sourceAlike || !same(d, false)) continue;
      const before = base.verdict(s[0], d[0]);
      const after = head.verdict(s[1], d[1]);
      if (!before.l4.allowed.equals(after.l4.allowed)) continue;
      alike++;
      if (!same(s, false)) asSource++;
      const pair = `${s[0].id} > ${d[0].id}`;
      expect(`${pair} ${shape(after.l7)}`).toEqual(`${pair} ${shape(before.l7)}`);
      expect(after.effective.toString()).toEqual(before.effective.toString());
    }
  }
  return { alike, asSource };
}

describe('the L7 fingerprint of the ends of a pair', () => {
  it('decides its L7 cell with its L4-allowed connections, across revisions', () => {
    const tried = { alike: 0, asSource: 0 };
    fc.assert(
      fc.property(edits, ([b, h]) => {
        const found = expectAlikeCells(analyse(b, 'base'), analyse(h, 'head'));
        tried.alike += found.alike;
        tried.asSource += found.asSource;
      }),
      { numRuns: 150 },
    );
    // The law was tried on many pairs, not vacuously, sources alike only as sources among them.
    expect(tried.alike).toBeGreaterThan(1_000);
    expect(tried.asSource).toBeGreaterThan(50);
  });

  it('decides it with client-side objects edited too (Sidecars, DestinationRules, capture annotations)', () => {
    // The client side is what a source's fingerprint keeps: the edits reach it, and the
    // destinations' Services and DestinationRules. Most often only the client side is edited, in
    // the mesh with a Service per app (a Sidecar's scope then decides what a client reaches).
    const extras = fc.tuple(clientSideArb, clientSideArb, fc.boolean());
    const repos = fc.oneof(
      { arbitrary: edits, weight: 1 },
      { arbitrary: repoArb.map((r) => [meshed(r), meshed(r)] as const), weight: 3 },
    );
    let alike = 0;
    fc.assert(
      fc.property(repos, extras, ([b, h], [x, y, same]) => {
        alike += expectAlikeCells(
          withClientSide(b, x, 'base'),
          withClientSide(h, same ? x : y, 'head'),
        ).alike;
      }),
      { numRuns: 150 },
    );
    expect(alike).toBeGreaterThan(300);
  });

  it('lets the diff find what comparing every pair finds when one end alone changes for the L7 layer', () => {
    // One workload's service account changed, in the mesh: its L7 fingerprint changes, as a
    // source and as a destination, while every other's stays; policies naming the account (or
    // not) tell the pairs it is the source of apart from their base verdicts.
    const accountEdit = fc
      .tuple(
        repoArb,
        fc.constantFrom('s1', 's2', 's3'),
        fc.constantFrom('x', 'y'),
        fc.constantFrom('ALLOW', 'DENY'),
        fc.constantFrom('s1', 's2'),
      )
      .map(([r, sa, ns, action, principal]) => {
        // The first pod in `x`, whose accounts principals name (random-repo.ts), and a policy of a
        // namespace naming one account of `x`.
        const pods = [{ ...r.pods[0]!, ns: 'x' as const }, ...r.pods.slice(1)];
        const naming = {
          ns,
          target: undefined,
          action,
          principal,
          fromNs: undefined,
          path: undefined,
          method: undefined,
          port: undefined,
        };
        const base = meshed({ ...r, pods, authz: [...r.authz.slice(0, 2), naming] });
        const edited = { ...pods[0]!, sa: pods[0]!.sa === sa ? 's1' : sa };
        const head: RandomRepo = { ...base, pods: [edited, ...base.pods.slice(1)] };
        return [base, head] as const;
      });
    let changed = 0;
    fc.assert(
      fc.property(accountEdit, ([b, h]) => {
        const lens = lensFor('effective');
        const [base, head] = buildLayerMatrices(analyse(b, 'base'), analyse(h, 'head'), 'effective');
        const pruned = diffMatrices(base, head, lens).pairs.map(line);
        const [base2, head2] = buildLayerMatrices(analyse(b, 'base'), analyse(h, 'head'), 'effective');
        const full = diffMatrices(blind(base2), blind(head2), lens).pairs.map(line);
        expect(pruned).toEqual(full);
        changed += full.length;
      }),
      { numRuns: 150 },
    );
    expect(changed).toBeGreaterThan(20);
  });

  it('lets the diff compute no L7 cell for a change only NetworkPolicy egress reads', () => {
    // Every pod of `x` egress-isolated in head (an Egress policy with no rule): its pairs close at
    // L4; the L7 layer reads the ends alike, so only L4 cells are computed to find that.
    const base: RandomRepo = {
      injected: { x: true, y: true },
      teamX: 't1',
      pods: [
        { ns: 'x', app: 'a', tier: 'front', sa: 's1', port: 80, metrics: false, exclude: false },
        { ns: 'x', app: 'b', tier: 'back', sa: 's2', port: 80, metrics: false, exclude: false },
        { ns: 'y', app: 'c', tier: 'back', sa: 's3', port: 8080, metrics: false, exclude: false },
      ],
      netpols: [],
      authz: [
        {
          ns: 'y',
          target: 'c',
          action: 'ALLOW',
          principal: 's1',
          fromNs: undefined,
          path: '/api/*',
          method: undefined,
          port: undefined,
        },
      ],
      peerAuthn: [],
      services: [{ ns: 'y', app: 'c', name: 'http' }],
    };
    const head: RandomRepo = {
      ...base,
      netpols: [
        {
          ns: 'x',
          target: undefined,
          types: ['Egress'],
          peerApp: 'c',
          peerNs: 'y',
          ipBlock: false,
          port: 9999,
        },
      ],
    };
    const evaluated: string[] = [];
    const build = (r: AnalysedRevision, boundaries: readonly IpRange[]) => {
      const layer = matrixLayer(r);
      // The engine's other methods as they are (it may be a class instance: its prototype's).
      const counting: L7Layer<L7Cell> = Object.create(layer);
      counting.evaluate = (src, dst, allowed) => {
        evaluated.push(`${src.id} > ${dst.id}`);
        return layer.evaluate(src, dst, allowed);
      };
      return buildMatrix(r.model, r.l4, counting, { extraIpBoundaries: boundaries });
    };
    const revisions = [analyse(base, 'base'), analyse(head, 'head')] as const;
    const boundaries = revisions.flatMap((r) => [...r.l4.ipBoundaries, ...r.l7.ipBoundaries]);
    const diff = diffMatrices(
      build(revisions[0], boundaries),
      build(revisions[1], boundaries),
      lensFor('effective'),
    );
    const changed = diff.pairs.map((p) => `${p.src.id} > ${p.dst.id}`);
    expect(changed).toContain('x/d0[Deployment] > y/d2[Deployment]');
    // y/d2's pairs toward x did not change (x's ingress is open in both revisions, y/d2's egress too):
    // compared at L4 only. Only the listed pairs' cells are computed, to be explained.
    expect(changed.filter((p) => p.startsWith('y/'))).toEqual([]);
    expect(evaluated.filter((p) => p.startsWith('y/'))).toEqual([]);
    expect(evaluated.length).toBeGreaterThan(0);
  });
});
