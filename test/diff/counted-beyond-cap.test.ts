import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLayerMatrices, lensFor } from '../../src/analysis/layers.js';
import type { ChangeKind } from '../../src/diff/changes.js';
import { changeKind, diffMatrices, type PairDiff } from '../../src/diff/pair-diff.js';
import type { L7Cell } from '../../src/l7/types.js';
import type { AccessMatrix } from '../../src/matrix/matrix.js';
import type { Layer } from '../../src/report/types.js';
import { analyse, clusterWidePairArb, editedPairArb, type RandomRepo } from '../matrix/random-repo.js';

/** The plain computation: no fingerprints, no candidates, every pair computed and kept. */
const blind = (m: AccessMatrix<L7Cell>): AccessMatrix<L7Cell> => ({
  ...m,
  fingerprint: () => undefined,
  l7Fingerprint: undefined,
  candidates: () => 'all',
  peek: (s, d) => m.verdict(s, d),
});

const line = (p: PairDiff<L7Cell>) =>
  `${changeKind(p.beforeConns, p.afterConns)} ${p.src.id} > ${p.dst.id}: ${p.beforeConns.toString()} -> ${p.afterConns.toString()}`;

const byKind = (pairs: readonly PairDiff<L7Cell>[]): Record<ChangeKind, number> => {
  const n: Record<ChangeKind, number> = { opened: 0, closed: 0, changed: 0 };
  for (const p of pairs) n[changeKind(p.beforeConns, p.afterConns)]++;
  return n;
};

const pairs = fc.oneof(editedPairArb, clusterWidePairArb) as fc.Arbitrary<readonly [RandomRepo, RandomRepo]>;

/**
 * Beyond the listing cap the diff only counts (its verdicts peeked at, not kept): the pairs it lists
 * are pairs of the plain diff, and listed + counted equals the plain diff's pairs, kind by kind.
 */
describe('counting beyond the listing cap', () => {
  for (const layer of ['effective', 'l4'] as Layer[]) {
    it(`lists a part of the plain diff and counts the rest exactly (${layer})`, () => {
      fc.assert(
        fc.property(pairs, fc.integer({ min: 0, max: 30 }), ([b, h], cap) => {
          const [base, head] = buildLayerMatrices(analyse(b, 'base'), analyse(h, 'head'), layer);
          const capped = diffMatrices(base, head, lensFor(layer), { maxPairs: cap });
          const [base2, head2] = buildLayerMatrices(analyse(b, 'base'), analyse(h, 'head'), layer);
          const plain = diffMatrices(blind(base2), blind(head2), lensFor(layer)).pairs;
          const all = new Set(plain.map(line));
          for (const p of capped.pairs) expect(all.has(line(p))).toBe(true);
          const workloadPairs = capped.pairs.filter(
            (p) => p.src.kind === 'workload' && p.dst.kind === 'workload',
          );
          expect(workloadPairs.length).toBeLessThanOrEqual(cap);
          const listed = byKind(capped.pairs);
          const total = {
            opened: listed.opened + capped.omitted.opened,
            closed: listed.closed + capped.omitted.closed,
            changed: listed.changed + capped.omitted.changed,
          };
          expect(total).toEqual(byKind(plain));
        }),
        { numRuns: layer === 'effective' ? 80 : 40 },
      );
    });
  }
});

/**
 * The destinations of an unstable class read from the reverse index of ingress candidates, or
 * asked per source class (both forced on with `indexFrom: 0`), are the ones scanning every class finds: the same pairs in the same order
 * (so the same ones are listed under a cap), the same counts, and without a cap the plain diff.
 */
describe('destinations from the reverse index of ingress candidates', () => {
  for (const layer of ['effective', 'l4'] as Layer[]) {
    it(`finds what scanning every class finds (${layer})`, () => {
      fc.assert(
        fc.property(pairs, fc.option(fc.integer({ min: 0, max: 30 })), ([b, h], cap) => {
          const options = cap === null ? {} : { maxPairs: cap };
          const diff = (indexFrom: number, reverse?: 'index' | 'per-source') => {
            const [base, head] = buildLayerMatrices(analyse(b, 'base'), analyse(h, 'head'), layer);
            return diffMatrices(base, head, lensFor(layer), {
              ...options,
              indexFrom,
              ...(reverse ? { reverse } : {}),
            });
          };
          const indexed = diff(0, 'index');
          const perSource = diff(0, 'per-source');
          const scanned = diff(Number.POSITIVE_INFINITY);
          expect(indexed.pairs.map(line)).toEqual(scanned.pairs.map(line));
          expect(indexed.omitted).toEqual(scanned.omitted);
          expect(perSource.pairs.map(line)).toEqual(scanned.pairs.map(line));
          expect(perSource.omitted).toEqual(scanned.omitted);
          if (cap !== null) return;
          const [base2, head2] = buildLayerMatrices(analyse(b, 'base'), analyse(h, 'head'), layer);
          const plain = diffMatrices(blind(base2), blind(head2), lensFor(layer)).pairs;
          expect(indexed.pairs.map(line).sort()).toEqual(plain.map(line).sort());
        }),
        { numRuns: layer === 'effective' ? 60 : 40 },
      );
    });
  }
});
