import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLayerMatrices, lensFor } from '../../src/analysis/layers.js';
import type { L7Cell } from '../../src/l7/types.js';
import type { AccessMatrix } from '../../src/matrix/matrix.js';
import type { Layer } from '../../src/report/types.js';
import { namedPairArb } from './named-repo.js';
import { analyse, clusterWidePairArb, editedPairArb, type RandomRepo } from './random-repo.js';

/**
 * Every NetworkPolicy also in the other namespace: equal specs in two namespaces, which act alike
 * only when no peer of theirs means their own namespace (EgressGroups).
 */
const mirrored = (r: RandomRepo): RandomRepo => ({
  ...r,
  netpols: [
    ...r.netpols,
    ...r.netpols.map((n) => ({ ...n, ns: n.ns === 'x' ? ('y' as const) : ('x' as const) })),
  ],
});

const pairs = fc.oneof(
  editedPairArb,
  clusterWidePairArb,
  editedPairArb.map(([b, h]) => [mirrored(b), mirrored(h)] as const),
  // Sources of one client key told apart by the names a destination's policies read.
  namedPairArb,
) as fc.Arbitrary<readonly [RandomRepo, RandomRepo]>;

/**
 * The promise of AccessMatrix.sourceGrouping, checked pair by pair on every workload destination
 * that makes it: two sources outside its named namespaces and its listed candidates with equal
 * group keys get verdicts no lens tells apart, and equal egress candidacy toward it; and so do two
 * sources of its named namespaces whose accounts it does not name, with equal `inNamed` keys.
 * Returns how many such pairs of sources were checked (the law must not hold vacuously).
 */
function checkGrouping(m: AccessMatrix<L7Cell>, layer: Layer): number {
  const lens = lensFor(layer);
  let checked = 0;
  for (const d of m.workloads) {
    const grouping = m.sourceGrouping?.(d);
    if (!grouping) continue;
    const listed = m.candidates(d, 'sources');
    const others = m.workloads.filter(
      (s) =>
        s.id !== d.id &&
        !(grouping.namespaces.has(s.workload.namespace) && grouping.namesAccount(s)) &&
        (listed === 'all' || !listed.has(s.id)),
    );
    const byKey = new Map<string, typeof others>();
    for (const s of others) {
      const inNamed = grouping.namespaces.has(s.workload.namespace);
      const key = `${inNamed}/${m.groupKey!(s, grouping.reader, inNamed)}`;
      byKey.set(key, [...(byKey.get(key) ?? []), s]);
    }
    for (const group of byKey.values()) {
      const [first, ...rest] = group;
      const egress = (s: typeof first) => {
        const c = m.candidates(s!, 'destinations');
        return c === 'all' || c.has(d.id);
      };
      for (const s of rest) {
        checked++;
        expect(egress(s)).toBe(egress(first));
        // Outside a listed revision's candidates both are closed at L4 (the diff never asks them).
        if (listed !== 'all') continue;
        const a = m.verdict(first!, d);
        const b = m.verdict(s, d);
        expect(lens.differs(a, b), `${first!.id} / ${s.id} > ${d.id}`).toBe(false);
        expect(a.l4.allowed.equals(b.l4.allowed)).toBe(true);
      }
    }
  }
  return checked;
}

describe('source group keys of the L7 engine', () => {
  it('tell sources outside the named namespaces apart exactly as sourceKey does', () => {
    let checked = 0;
    fc.assert(
      fc.property(pairs, ([b, h]) => {
        for (const r of [analyse(b, 'base'), analyse(h, 'head')]) {
          const ws = r.model.workloads;
          for (const d of ws) {
            const read = r.l7.sourceNamesRead(d);
            // Outside the named namespaces, and inside them the sources whose account is not named.
            for (const inNamed of [false, true]) {
              const others = ws.filter(
                (s) => read.namespaces.has(s.namespace) === inNamed && !(inNamed && read.namesAccount(s)),
              );
              const key = (s: (typeof ws)[number]) => r.l7.sourceGroupKey(s, read.patterns, inNamed);
              for (const s1 of others) {
                for (const s2 of others) {
                  checked++;
                  expect(key(s1) === key(s2)).toBe(r.l7.sourceKey(s1, d) === r.l7.sourceKey(s2, d));
                }
              }
            }
          }
        }
      }),
      { numRuns: 150 },
    );
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('source grouping of a matrix', () => {
  for (const layer of ['effective', 'l4'] as Layer[]) {
    it(`gives equal verdicts to the sources it cannot tell apart (${layer})`, () => {
      let checked = 0;
      fc.assert(
        fc.property(pairs, ([b, h]) => {
          const [base, head] = buildLayerMatrices(analyse(b, 'base'), analyse(h, 'head'), layer);
          checked += checkGrouping(base, layer) + checkGrouping(head, layer);
        }),
        { numRuns: 150 },
      );
      expect(checked).toBeGreaterThan(100);
    });
  }
});

describe('egress groups', () => {
  const pod = (ns: 'x' | 'y', app: 'a' | 'b') => ({
    ns,
    app,
    tier: 'front' as const,
    sa: 's1' as const,
    port: 80 as const,
    metrics: false,
    exclude: false,
  });
  // The same egress policy in both namespaces, toward pods labelled b: of its own namespace, or of x.
  const repo = (peerNs: 'x' | undefined): RandomRepo => ({
    injected: { x: false, y: false },
    teamX: 't1',
    pods: [pod('x', 'a'), pod('y', 'a'), pod('x', 'b')],
    netpols: (['x', 'y'] as const).map((ns) => ({
      ns,
      target: 'a' as const,
      types: ['Egress'],
      peerApp: 'b' as const,
      peerNs,
      ipBlock: false,
      port: undefined,
    })),
    authz: [],
    peerAuthn: [],
    services: [],
  });
  for (const peerNs of [undefined, 'x'] as const) {
    it(`are one for equal specs only when no peer means the own namespace (namespaceSelector: ${peerNs ?? 'none'})`, () => {
      const r = analyse(repo(peerNs), 'base');
      const [m] = buildLayerMatrices(r, r, 'l4');
      const [ax, ay, bx] = ['x/d0[Deployment]', 'y/d1[Deployment]', 'x/d2[Deployment]'].map(
        (id) => m.workloads.find((w) => w.id === id)!,
      );
      const reader = m.sourceGrouping!(bx!)!.reader;
      expect(m.groupKey!(ax!, reader) === m.groupKey!(ay!, reader)).toBe(peerNs !== undefined);
      // The law holds, and is not vacuous where the two sources group.
      expect(checkGrouping(m, 'l4') > 0).toBe(peerNs !== undefined);
    });
  }
});
