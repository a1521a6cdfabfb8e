import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLayerMatrices, lensFor } from '../../src/analysis/layers.js';
import { changeKind, diffMatrices, type PairDiff } from '../../src/diff/pair-diff.js';
import type { L7Cell } from '../../src/l7/types.js';
import type { Layer } from '../../src/report/types.js';
import { analyse, clusterWidePairArb, editedPairArb, type RandomRepo } from '../matrix/random-repo.js';

const line = (p: PairDiff<L7Cell>) =>
  `${changeKind(p.beforeConns, p.afterConns)} ${p.src.id} > ${p.dst.id}: ${p.beforeConns.toString()} -> ${p.afterConns.toString()}`;

const pairs = fc.oneof(editedPairArb, clusterWidePairArb) as fc.Arbitrary<readonly [RandomRepo, RandomRepo]>;

/**
 * Beyond the listing cap, counting the sources a destination cannot tell apart by bucket
 * (grouped-count.ts) gives what comparing every class pair gives: the same pairs listed, in the
 * same order, and the same counts, kind by kind.
 */
describe('grouped counting beyond the listing cap', () => {
  for (const layer of ['effective', 'l4'] as Layer[]) {
    it(`counts what the per-pair comparison counts (${layer})`, () => {
      let counted = 0;
      let runs = 0;
      fc.assert(
        fc.property(pairs, fc.integer({ min: 0, max: 4 }), ([b, h], cap) => {
          const diff = (counting: 'grouped' | 'plain') => {
            const [base, head] = buildLayerMatrices(analyse(b, 'base'), analyse(h, 'head'), layer);
            return diffMatrices(base, head, lensFor(layer), { maxPairs: cap, counting });
          };
          const grouped = diff('grouped');
          const plain = diff('plain');
          expect(grouped.pairs.map(line)).toEqual(plain.pairs.map(line));
          expect(grouped.omitted).toEqual(plain.omitted);
          runs++;
          if (Object.values(plain.omitted).some((n) => n > 0)) counted++;
        }),
        { numRuns: 150 },
      );
      // Not a vacuous law: many runs count pairs beyond the cap (many random edits change nothing).
      expect(counted).toBeGreaterThan(runs / 10);
    });
  }
});
