import type { AccessMatrix, MatrixCandidates } from '../matrix/matrix.js';
import type { Peer, WorkloadPeer } from '../model/peers.js';
import type { JointClass } from './joint-classes.js';

/**
 * Up to this share of the classes unstable, each unstable source's admitting destinations are asked
 * (a walk over the revision's ingress rules per source class); beyond it, inverting every
 * destination's candidate list once costs less. At L (10,000 classes, 3,000 policies) a small pull
 * request has about 50 unstable classes; a cluster-wide one has them all.
 */
export const PER_SOURCE_SHARE = 0.05;

/**
 * Whether a pair may have a non-empty verdict in the matrix (false: NetworkPolicy closes it). The
 * candidates of a group are asked once: its members share a class, hence the policies selecting them.
 */
export function openness(matrix: AccessMatrix) {
  const memo = {
    sources: new Map<JointClass, Candidates>(),
    destinations: new Map<JointClass, Candidates>(),
  };
  const candidates = (group: JointClass, role: 'sources' | 'destinations'): Candidates => {
    let found = memo[role].get(group);
    if (!found) {
      found = matrix.candidates(group.members[0] as WorkloadPeer, role);
      memo[role].set(group, found);
    }
    return found;
  };
  const admits = (group: JointClass, role: 'sources' | 'destinations', other: Peer): boolean => {
    const found = candidates(group, role);
    return found === 'all' || found.has(other.id);
  };
  return (srcGroup: JointClass, src: Peer, dstGroup: JointClass, dst: Peer): boolean => {
    if (src.kind !== 'workload' || dst.kind !== 'workload') return true;
    // The changed end first: it meets every class, while the other end's candidates are only
    // needed (and computed) for the few classes it admits.
    return srcGroup.stable === 0
      ? admits(srcGroup, 'destinations', dst) && admits(dstGroup, 'sources', src)
      : admits(dstGroup, 'sources', src) && admits(srcGroup, 'destinations', dst);
  };
}

type Candidates = 'all' | MatrixCandidates;

/** The destinations of an unstable source group, read per source or from an inverted index. */
export function reverseReach(
  groups: readonly JointClass[],
  unstable: number,
  base: AccessMatrix,
  head: AccessMatrix,
  forced: 'per-source' | 'index' | undefined,
): (src: number) => readonly number[] | undefined {
  const canAsk = base.admitting !== undefined && head.admitting !== undefined;
  const perSource = forced ? forced === 'per-source' : unstable <= groups.length * PER_SOURCE_SHARE;
  return canAsk && perSource
    ? admittingPerSource(groups, base, head)
    : admittingDestinations(groups, base, head);
}

/**
 * For a source group, ascending, every destination group whose ingress may admit it in base or in
 * head, asked of each matrix for the group's first member (its members share a class in both):
 * the same as admittingDestinations, in time proportional to the ingress rules per group asked.
 */
function admittingPerSource(
  groups: readonly JointClass[],
  base: AccessMatrix,
  head: AccessMatrix,
): (src: number) => readonly number[] | undefined {
  const groupOf = groupsById(groups);
  const externals: number[] = [];
  groups.forEach((g, j) => {
    if (g.external) externals.push(j);
  });
  return (src) => {
    const g = groups[src]!;
    if (g.external) return undefined;
    const first = g.members[0] as WorkloadPeer;
    const found = new Set<number>(externals);
    for (const [matrix, present] of [
      [base, g.inBase],
      [head, g.inHead],
    ] as const) {
      if (!present) continue;
      const ids = matrix.admitting!(first);
      if (ids === 'all') return undefined;
      for (const id of ids) {
        const j = groupOf.get(id);
        // A destination present only in the other revision is that revision's to admit.
        if (j !== undefined && (matrix === base ? groups[j]!.inBase : groups[j]!.inHead)) found.add(j);
      }
    }
    return [...found].sort((a, b) => a - b);
  };
}

function groupsById(groups: readonly JointClass[]): Map<string, number> {
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => {
    for (const m of g.members) groupOf.set(m.id, i);
  });
  return groupOf;
}

/**
 * For a source group, ascending, every destination group whose ingress may admit it in base or in
 * head: the external ones, those admitting anyone (or not listing their candidates) in a revision
 * they are in, and those whose candidate list names one of its members. A superset of the
 * destinations `openness` lets through (it asks the first member), built in time proportional to
 * the candidate lists rather than to class x class. `undefined` for an external source (all).
 * With `only` (ascending), among those destination groups alone.
 */
export function admittingDestinations(
  groups: readonly JointClass[],
  base: AccessMatrix,
  head: AccessMatrix,
  only?: readonly number[],
): (src: number) => readonly number[] | undefined {
  const groupOf = groupsById(groups);
  const always: number[] = [];
  const admittedBy = new Map<number, number[]>();
  for (const j of only ?? groups.keys()) {
    const g = groups[j]!;
    const first = g.members[0]!;
    const lists: (readonly string[])[] = [];
    for (const [matrix, present] of [
      [base, g.inBase],
      [head, g.inHead],
    ] as const) {
      if (!present) continue;
      const found: Candidates = first.kind === 'workload' ? matrix.candidates(first, 'sources') : 'all';
      if (found === 'all' || !found.list) break;
      lists.push(found.list());
    }
    if (lists.length < Number(g.inBase) + Number(g.inHead)) {
      always.push(j);
      continue;
    }
    const sources = new Set<number>();
    for (const id of lists.flat()) {
      const i = groupOf.get(id);
      if (i !== undefined) sources.add(i);
    }
    for (const i of sources) {
      const list = admittedBy.get(i);
      if (list) list.push(j);
      else admittedBy.set(i, [j]);
    }
  }
  return (src) => (groups[src]!.external ? undefined : mergeAscending(always, admittedBy.get(src) ?? []));
}

/** Two ascending lists with no common element, merged. */
function mergeAscending(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}
