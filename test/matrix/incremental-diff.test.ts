import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLayerMatrices, lensFor } from '../../src/analysis/layers.js';
import { diffMatrices, type PairDiff } from '../../src/diff/pair-diff.js';
import type { L7Cell } from '../../src/l7/types.js';
import type { AccessMatrix } from '../../src/matrix/matrix.js';
import type { Layer } from '../../src/report/types.js';
import {
  analyse,
  clusterWidePairArb,
  editedPairArb,
  flipTier,
  type RandomRepo,
  repoArb,
} from './random-repo.js';

/** The matrix without fingerprints nor candidates: the diff then compares every pair of classes. */
const blind = (m: AccessMatrix<L7Cell>): AccessMatrix<L7Cell> => ({
  ...m,
  fingerprint: () => undefined,
  l7Fingerprint: undefined,
  candidates: () => 'all',
});

/** What the report explains a verdict with: the policies isolating each side, and the L7 segments. */
const why = (v: PairDiff<L7Cell>['before']) =>
  v
    ? JSON.stringify([
        v.l4.ingress?.isolatedBy.map((r) => r.name) ?? null,
        v.l4.egress?.isolatedBy.map((r) => r.name) ?? null,
        v.l7?.segments.length ?? null,
      ])
    : '-';

const show = (pairs: readonly PairDiff<L7Cell>[]) =>
  pairs.map(
    (p) =>
      `${p.src.id} > ${p.dst.id}: ${p.beforeConns.toString()} -> ${p.afterConns.toString()} ${why(p.before)} ${why(p.after)}`,
  );

describe('diff of only what can have changed', () => {
  for (const layer of ['effective', 'l4', 'l7'] as Layer[]) {
    it(`finds the same pairs as comparing every pair (${layer})`, () => {
      fc.assert(
        fc.property(editedPairArb, ([b, h]) => {
          const [base, head] = buildLayerMatrices(analyse(b, 'base'), analyse(h, 'head'), layer);
          const pruned = diffMatrices(base, head, lensFor(layer)).pairs;
          const [base2, head2] = buildLayerMatrices(analyse(b, 'base'), analyse(h, 'head'), layer);
          const full = diffMatrices(blind(base2), blind(head2), lensFor(layer)).pairs;
          expect(show(pruned)).toEqual(show(full));
        }),
        { numRuns: layer === 'effective' ? 100 : 50 },
      );
    });
  }

  for (const layer of ['effective', 'l4'] as Layer[]) {
    it(`finds the same pairs as comparing every pair after a cluster-wide change (${layer})`, () => {
      fc.assert(
        fc.property(clusterWidePairArb, ([b, h]) => {
          const [base, head] = buildLayerMatrices(analyse(b, 'base'), analyse(h, 'head'), layer);
          const pruned = diffMatrices(base, head, lensFor(layer)).pairs;
          const [base2, head2] = buildLayerMatrices(analyse(b, 'base'), analyse(h, 'head'), layer);
          const full = diffMatrices(blind(base2), blind(head2), lensFor(layer)).pairs;
          expect(show(pruned)).toEqual(show(full));
        }),
        { numRuns: 60 },
      );
    });
  }

  it('finds the same pairs as comparing every pair when a label one selector reads changes everywhere', () => {
    const tierFlip = fc
      .tuple(repoArb, fc.constantFrom<RandomRepo['tierReader']>('netpol', 'service', 'authz', 'peerAuthn'))
      .map(([r, tierReader]) => {
        const base: RandomRepo = { ...r, tierReader };
        return [base, flipTier(base)] as const;
      });
    fc.assert(
      fc.property(tierFlip, ([b, h]) => {
        const [base, head] = buildLayerMatrices(analyse(b, 'base'), analyse(h, 'head'), 'effective');
        const pruned = diffMatrices(base, head, lensFor('effective')).pairs;
        const [base2, head2] = buildLayerMatrices(analyse(b, 'base'), analyse(h, 'head'), 'effective');
        const full = diffMatrices(blind(base2), blind(head2), lensFor('effective')).pairs;
        expect(show(pruned)).toEqual(show(full));
      }),
      { numRuns: 150 },
    );
  });

  it('computes nothing for a label no selector reads, on every pod', () => {
    fc.assert(
      fc.property(editedPairArb, ([b]) => {
        const unread = { ...b, tierReader: undefined };
        const relabelled = { ...flipTier(unread), extraLabel: b.extraLabel === 'r1' ? 'r2' : 'r1' };
        const [base, head] = buildLayerMatrices(
          analyse(unread, 'base'),
          analyse(relabelled, 'head'),
          'effective',
        );
        expect(diffMatrices(base, head, lensFor('effective')).pairs).toEqual([]);
        expect(base.computedCells() + head.computedCells()).toBe(0);
      }),
      { numRuns: 50 },
    );
  });

  it('compares only the classes of the workloads a change touches', () => {
    fc.assert(
      fc.property(editedPairArb, ([b]) => {
        const [base, head] = buildLayerMatrices(analyse(b, 'base'), analyse(b, 'head'), 'effective');
        expect(diffMatrices(base, head, lensFor('effective')).pairs).toEqual([]);
        expect(base.computedCells() + head.computedCells()).toBe(0);
      }),
      { numRuns: 50 },
    );
  });
});
