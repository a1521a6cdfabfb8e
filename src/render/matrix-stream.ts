import type { L7Cell } from '../l7/types.js';
import type { AccessMatrix, CellVerdict } from '../matrix/matrix.js';
import type { Layer } from '../report/types.js';
import { verdictJson } from './matrix.js';
import { groupPairs, matrixGroups } from './matrix-groups.js';

/**
 * The grouped matrix (docs/json.md): per destination class, the sources that reach it with the same
 * verdict, members listed. The output grows with the distinct answers, not with the workload pairs,
 * and is yielded group by group as each destination is computed. `renew` builds the same matrix
 * afresh, so the verdicts computed so far can be let go (matrixGroups).
 */
function* groupLines(
  matrix: AccessMatrix<L7Cell>,
  layer: Layer,
  prefix: string,
  renew?: () => AccessMatrix<L7Cell>,
): Generator<string> {
  // The rendered verdict both tells verdicts apart and is the line's tail: serialised once.
  const rendered = new WeakMap<object, string>();
  const key = (verdict: CellVerdict<L7Cell>) => {
    const text = JSON.stringify(verdictJson(verdict));
    rendered.set(verdict, text);
    return text;
  };
  for (const group of matrixGroups(matrix, layer, key, renew)) {
    const head = JSON.stringify({
      sources: group.sources.map((p) => p.id),
      destinations: group.destinations.map((p) => p.id),
      pairs: groupPairs(group),
    });
    yield `${prefix}${head.slice(1, -1)},${rendered.get(group.verdict)!.slice(1)}`;
  }
}

/** `--format json`: one JSON document, one group per line so it stays greppable. */
export function* matrixGroupsJson(
  matrix: AccessMatrix<L7Cell>,
  layer: Layer,
  renew?: () => AccessMatrix<L7Cell>,
): Generator<string> {
  yield `{"revision":${JSON.stringify(matrix.revision)},"layer":${JSON.stringify(layer)},"groups":[`;
  let first = true;
  for (const line of groupLines(matrix, layer, '{', renew)) {
    yield `${first ? '' : ','}\n${line}`;
    first = false;
  }
  yield `${first ? '' : '\n'}]}\n`;
}

/**
 * `--format ndjson`: a first line `{"kind":"matrix",revision,layer}`, then one line per group
 * `{"kind":"group",...}`, so a reader can process each as it arrives.
 */
export function* matrixGroupsNdjson(
  matrix: AccessMatrix<L7Cell>,
  layer: Layer,
  renew?: () => AccessMatrix<L7Cell>,
): Generator<string> {
  yield `${JSON.stringify({ kind: 'matrix', revision: matrix.revision, layer })}\n`;
  for (const line of groupLines(matrix, layer, '{"kind":"group",', renew)) yield `${line}\n`;
}
