import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import type { L7Cell } from '../../src/l7/types.js';
import type { AccessMatrix, CellVerdict } from '../../src/matrix/matrix.js';
import { renderMatrixJson, verdictJson } from '../../src/render/matrix.js';
import { type MatrixGroup, matrixGroups } from '../../src/render/matrix-groups.js';
import { matrixGroupsJson, matrixGroupsNdjson } from '../../src/render/matrix-stream.js';
import type { Layer } from '../../src/report/types.js';
import { analyse, repoArb } from '../matrix/random-repo.js';

/** The per-pair form: `source>destination` -> the cell without its ends. */
function pairCells(matrix: AccessMatrix<L7Cell>, layer: Layer): Map<string, string> {
  const { cells } = JSON.parse(renderMatrixJson(matrix, layer)) as { cells: Record<string, unknown>[] };
  return new Map(
    cells.map(({ source, destination, ...cell }) => [`${source}>${destination}`, JSON.stringify(cell)]),
  );
}

interface Group {
  sources: string[];
  destinations: string[];
  pairs: number;
  [field: string]: unknown;
}

/** Every group expanded back to its pairs; a pair listed twice, or a wrong count, fails. */
function expand(groups: readonly Group[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const { sources, destinations, pairs, ...cell } of groups) {
    let n = 0;
    for (const s of sources)
      for (const d of destinations) {
        if (s === d) continue;
        const key = `${s}>${d}`;
        if (out.has(key)) throw new Error(`${key} is in two groups`);
        out.set(key, JSON.stringify(cell));
        n++;
      }
    expect(n).toBe(pairs);
  }
  return out;
}

const text = (pieces: Iterable<string>) => [...pieces].join('');

/** The matrix without candidates: every class pair is computed. */
const blind = (m: AccessMatrix<L7Cell>): AccessMatrix<L7Cell> => ({ ...m, candidates: () => 'all' });

describe('the grouped matrix', () => {
  for (const layer of ['effective', 'l4', 'l7'] as Layer[]) {
    it(`expands to exactly the per-pair matrix (${layer})`, () => {
      fc.assert(
        fc.property(repoArb, (r) => {
          const [matrix] = buildLayerMatrices(analyse(r, 'head'), analyse(r, 'head'), layer);
          const doc = JSON.parse(text(matrixGroupsJson(matrix, layer))) as { groups: Group[] };
          expect(expand(doc.groups)).toEqual(pairCells(matrix, layer));
          // Skipping what the candidates close changes nothing.
          expect(text(matrixGroupsJson(blind(matrix), layer))).toBe(text(matrixGroupsJson(matrix, layer)));
          // No two groups of one destination class share a verdict: they would be one group.
          const rows = new Set(doc.groups.map(({ sources, pairs, ...rest }) => JSON.stringify(rest)));
          expect(rows.size).toBe(doc.groups.length);
        }),
        { numRuns: layer === 'effective' ? 60 : 30 },
      );
    });
  }

  it('ndjson is a header line, then the same groups one per line', () => {
    fc.assert(
      fc.property(repoArb, (r) => {
        const [matrix] = buildLayerMatrices(analyse(r, 'head'), analyse(r, 'head'), 'effective');
        const lines = text(matrixGroupsNdjson(matrix, 'effective')).split('\n');
        expect(lines.pop()).toBe('');
        const [header, ...groups] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(header).toEqual({ kind: 'matrix', revision: 'head', layer: 'effective' });
        const doc = JSON.parse(text(matrixGroupsJson(matrix, 'effective'))) as { groups: Group[] };
        expect(groups).toEqual(doc.groups.map((g) => ({ kind: 'group', ...g })));
      }),
      { numRuns: 20 },
    );
  });
});

/**
 * Every pair of the groups with its verdict, reason messages included: the matrix shares one L7
 * cell among destination classes of one L7 class and sources of one key, so a message must hold
 * for every pair it serves, whatever was computed before (a fresh matrix computes in another order).
 */
function pairsOf(groups: Iterable<MatrixGroup<L7Cell>>): Map<string, string> {
  const out = new Map<string, string>();
  const text = (v: CellVerdict<L7Cell>) => JSON.stringify(verdictJson(v));
  for (const g of groups)
    for (const s of g.sources)
      for (const d of g.destinations) if (s !== d) out.set(`${s.id}>${d.id}`, text(g.verdict));
  return out;
}

describe('the grouped matrix, renewed as it goes', () => {
  it('gives the same pairs when the matrix is rebuilt before every destination', () => {
    fc.assert(
      fc.property(repoArb, (r) => {
        const head = analyse(r, 'head');
        const fresh = () => buildLayerMatrices(head, head, 'effective')[0];
        let built = 0;
        const renew = () => {
          built++;
          return fresh();
        };
        const key = (v: CellVerdict<L7Cell>) => JSON.stringify(verdictJson(v));
        const once = [...matrixGroups(fresh(), 'effective', key)];
        expect(pairsOf(matrixGroups(fresh(), 'effective', key, renew, 0))).toEqual(pairsOf(once));
        // Renewed before each destination class after the first computed cell.
        if (new Set(once.map((g) => g.destinations)).size > 1) expect(built).toBeGreaterThan(0);
      }),
      { numRuns: 30 },
    );
  });
});
