import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import { ruleKey } from '../../src/core/refs.js';
import type { L7Cell } from '../../src/l7/types.js';
import type { Peer } from '../../src/model/peers.js';
import { ConnSet } from '../../src/values/conn-set.js';
import { analyse, clusterWidePairArb, repoArb } from './random-repo.js';

/**
 * A cell as the report reads it. Reasons name the source the cell was computed for (a class's
 * representative, as before source keys), so workload names in messages are blanked.
 */
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
            o.reasons.map((r) => [r.code, r.message.replace(/[xy]\/d\d+\[Deployment\]/g, '<w>')]),
          ]),
        ]),
      ])
    : '-';

/**
 * Every pair of a random repository (and of its cluster-wide edits): the matrix's verdict, whose L7
 * cell is shared per (destination L7 class, source key, L4-allowed connections), equals the plain
 * computation of that very pair (L4 engine, then the L7 engine on the pair's own ends).
 */
describe('L7 cells keyed by the source as the destination distinguishes it', () => {
  it('give every pair the cell computed for it alone', () => {
    // Principals and namespaces match only over mTLS: two thirds of the repos put both namespaces
    // in the mesh, every app behind a Service, so sources differing only by account or namespace
    // meet the policies that name them (or do not).
    const meshed = repoArb.map((r) => ({
      ...r,
      injected: { x: true, y: true },
      services: (['x', 'y'] as const).flatMap((ns) =>
        (['a', 'b', 'c'] as const).map((app) => ({ ns, app, name: 'http' as const })),
      ),
    }));
    const repos = fc.oneof(
      { arbitrary: repoArb, weight: 1 },
      { arbitrary: meshed, weight: 4 },
      { arbitrary: clusterWidePairArb.map(([, head]) => head), weight: 1 },
    );
    fc.assert(
      fc.property(repos, (r) => {
        const rev = analyse(r, 'head');
        const [matrix] = buildLayerMatrices(rev, rev, 'effective');
        const peers: Peer[] = [...matrix.workloads, ...matrix.externals];
        for (const src of peers) {
          for (const dst of matrix.workloads) {
            if (src.id === dst.id) continue;
            const egress = src.kind === 'workload' ? rev.l4.egress(src.workload, dst).allowed : ConnSet.all;
            const allowed = egress.intersect(rev.l4.ingress(dst.workload, src).allowed);
            const plain = allowed.isEmpty() ? undefined : rev.l7.evaluate(src, dst.workload, allowed);
            const got = matrix.verdict(src, dst);
            expect(`${src.id} > ${dst.id} ${shape(got.l7)}`).toBe(`${src.id} > ${dst.id} ${shape(plain)}`);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('shares one cell among sources whose accounts the destination does not name', () => {
    // Three accounts in one namespace, one destination whose policy names s1 only: s2 and s3 share.
    const r = {
      injected: { x: true, y: false },
      teamX: 't1' as const,
      pods: (['s1', 's2', 's3', 's3'] as const).map((sa, i) => ({
        ns: 'x' as const,
        app: (['a', 'b', 'b', 'c'] as const)[i]!,
        tier: 'front' as const,
        sa,
        port: 80 as const,
        metrics: false,
        exclude: false,
      })),
      netpols: [],
      authz: [
        {
          ns: 'x' as const,
          target: 'c' as const,
          action: 'ALLOW' as const,
          principal: 's1' as const,
          fromNs: undefined,
          path: undefined,
          method: undefined,
          port: undefined,
        },
        {
          ns: 'x' as const,
          target: 'a' as const,
          action: 'ALLOW' as const,
          principal: 's2' as const,
          fromNs: undefined,
          path: undefined,
          method: undefined,
          port: undefined,
        },
      ],
      peerAuthn: [],
      services: [{ ns: 'x' as const, app: 'c' as const, name: 'http' as const }],
    };
    const rev = analyse(r, 'head');
    const [matrix] = buildLayerMatrices(rev, rev, 'effective');
    const [d0, d1, d2, d3] = matrix.workloads;
    // Toward d3 (app c, names s1) on port 80: d0 (s1) is allowed, d1 (s2) and d2 (s3) are not, with one cell
    // (d1's account is named, but by d0's policy only).
    const port80 = (v: { effective: ConnSet }) => v.effective.toString().includes('TCP 80,');
    expect(port80(matrix.verdict(d0!, d3!))).toBe(true);
    expect(port80(matrix.verdict(d1!, d3!))).toBe(false);
    expect(matrix.verdict(d1!, d3!).l7).toBe(matrix.verdict(d2!, d3!).l7);
  });

  it('keeps apart sources of the namespaces a destination names, and only those', () => {
    const pod = (ns: 'x' | 'y', app: 'a' | 'b' | 'c') => ({
      ns,
      app,
      tier: 'front' as const,
      sa: 's3' as const,
      port: 80 as const,
      metrics: false,
      exclude: false,
    });
    const r = {
      injected: { x: true, y: true },
      teamX: 't1' as const,
      pods: [pod('x', 'a'), pod('y', 'b'), pod('x', 'c')],
      netpols: [],
      authz: [
        {
          ns: 'x' as const,
          target: 'c' as const,
          action: 'ALLOW' as const,
          principal: undefined,
          fromNs: 'x' as const,
          path: undefined,
          method: undefined,
          port: undefined,
        },
      ],
      peerAuthn: [],
      services: [{ ns: 'x' as const, app: 'c' as const, name: 'http' as const }],
    };
    const rev = analyse(r, 'head');
    const [matrix] = buildLayerMatrices(rev, rev, 'effective');
    const [xa, xc, yb] = matrix.workloads;
    const port80 = (v: { effective: ConnSet }) => v.effective.toString().includes('TCP 80,');
    expect([xa!.id, xc!.id, yb!.id]).toEqual(['x/d0[Deployment]', 'x/d2[Deployment]', 'y/d1[Deployment]']);
    // Toward x/c (from namespace x only): x/a is allowed, y/b is not.
    expect(port80(matrix.verdict(xa!, xc!))).toBe(true);
    expect(port80(matrix.verdict(yb!, xc!))).toBe(false);
    // Toward x/a (no policy, no Sidecar or DestinationRule): the namespace is not read, one cell.
    expect(matrix.verdict(yb!, xa!).l7).toBe(matrix.verdict(xc!, xa!).l7);
  });
});
