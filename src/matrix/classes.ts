import type { Workload } from '../model/types.js';

/**
 * Partitions workloads into classes of workloads that every engine treats alike (equal
 * signatures). The matrix computes one cell per pair of classes and expands them only for output,
 * so its cost grows with the number of distinct policy-relevant shapes, not with the number of
 * workloads.
 */
export interface WorkloadClasses {
  /** Class index of each workload id. */
  readonly classOf: ReadonlyMap<string, number>;
  /** A representative workload per class (the first by id). */
  readonly representatives: readonly Workload[];
}

export function classifyWorkloads(
  workloads: readonly Workload[],
  signatures: readonly ((w: Workload) => string)[],
): WorkloadClasses {
  const bySignature = new Map<string, number>();
  const classOf = new Map<string, number>();
  const representatives: Workload[] = [];
  for (const w of workloads) {
    const key = signatures.map((s) => s(w)).join('\u0001');
    let index = bySignature.get(key);
    if (index === undefined) {
      index = representatives.length;
      bySignature.set(key, index);
      representatives.push(w);
    }
    classOf.set(w.id, index);
  }
  return { classOf, representatives };
}
