import type { PathChange } from '../report/types.js';

/** Changes grouped by destination namespace in report order; external destinations under `(external)`. */
export function groupByDestinationNamespace(changes: readonly PathChange[]): [string, PathChange[]][] {
  const groups = new Map<string, PathChange[]>();
  for (const c of changes) {
    const ns = c.destination.namespace ?? '(external)';
    const group = groups.get(ns);
    if (group) group.push(c);
    else groups.set(ns, [c]);
  }
  return [...groups.entries()];
}
