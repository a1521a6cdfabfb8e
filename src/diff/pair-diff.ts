import type { AccessMatrix, CellVerdict, L7CellLike, MatrixCandidates } from '../matrix/matrix.js';
import type { Peer, WorkloadPeer } from '../model/peers.js';
import { ConnSet } from '../values/conn-set.js';
import type { ChangeKind } from './changes.js';
import { countGrouped } from './grouped-count.js';
import { type JointClass, jointClasses } from './joint-classes.js';

/** One pair whose connections differ. `before`/`after` are undefined when a peer is missing on that side. */
export interface PairDiff<C extends L7CellLike = L7CellLike> {
  readonly src: Peer;
  readonly dst: Peer;
  readonly before: CellVerdict<C> | undefined;
  readonly after: CellVerdict<C> | undefined;
  readonly beforeConns: ConnSet;
  readonly afterConns: ConnSet;
}

/** Opened (nothing before), closed (nothing after), or changed. */
export function changeKind(beforeConns: ConnSet, afterConns: ConnSet): ChangeKind {
  return beforeConns.isEmpty() ? 'opened' : afterConns.isEmpty() ? 'closed' : 'changed';
}

export interface DiffOptions {
  /** Pairs of workloads listed at most, a prefix in class pair order; the rest only counted (`omitted`). */
  readonly maxPairs?: number;
  /**
   * From how many (unstable class, class) pairs on the destinations of an unstable class are read
   * from a reverse index of the ingress candidates instead of scanning every class (default
   * INDEX_FROM; tests set 0 to check both ways agree).
   */
  readonly indexFrom?: number;
  /**
   * How the destinations of an unstable class are read from then: `per-source` asks each unstable
   * source's admitting destinations (AccessMatrix.admitting: work in the ingress rules, per changed
   * class), `index` inverts every destination's candidate list (work in all the lists, once). By
   * default `per-source` while few classes are unstable and the matrices can answer it.
   */
  readonly reverse?: 'per-source' | 'index';
  /**
   * How changed pairs beyond the listing cap are counted: `grouped` counts the sources a destination
   * cannot tell apart at once (grouped-count.ts: visits every destination), `plain` compares each
   * class pair the change affects (tests check both agree). Default: grouped beyond PER_SOURCE_SHARE
   * unstable (a cluster-wide change), else plain (an XL small PR counted 150-250 s grouped, ~10 plain).
   */
  readonly counting?: 'grouped' | 'plain';
}

/** Below this, asking each pair's candidates costs less than building the reverse index. */
const INDEX_FROM = 250_000;

/**
 * Up to this share of the classes unstable, each unstable source's admitting destinations are asked
 * (a walk over the revision's ingress rules per source class); beyond it, inverting every
 * destination's candidate list once costs less. At L (10,000 classes, 3,000 policies) a small pull
 * request has about 50 unstable classes; a cluster-wide one has them all.
 */
const PER_SOURCE_SHARE = 0.05;

export interface MatrixDiff<C extends L7CellLike = L7CellLike> {
  readonly pairs: PairDiff<C>[];
  /** Pairs that differ but were not listed, by kind (beyond `maxPairs`). */
  readonly omitted: Readonly<Record<ChangeKind, number>>;
}

/** Which connections of a verdict are compared (the layer), and whether two verdicts differ. */
export interface DiffLens<C extends L7CellLike = L7CellLike> {
  conns(v: CellVerdict<C> | undefined): ConnSet;
  differs(before: CellVerdict<C> | undefined, after: CellVerdict<C> | undefined): boolean;
}

/**
 * All pairs whose verdicts differ between two matrices built over the same external cuts.
 *
 * Peers are grouped into joint classes (their class in base, their class in head); all pairs of
 * two joint classes share both verdicts, so each class pair is compared once and expanded only
 * when it differs. The cost follows the number of distinct shapes, not the number of pairs.
 *
 * Only what can have changed is compared: a joint class with a member whose fingerprint is the
 * same in both matrices (the same policies, labels, ports, ... apply to it) is stable, and the
 * pairs of two stable classes keep their verdicts. So a pull request that touches a few policies
 * costs (changed classes) x (all classes), not (all classes)^2. And of those, a pair is computed
 * only when NetworkPolicy may let it through in base or in head (the candidates of its ends): a
 * pair closed at L4 in both revisions is empty in both. When many classes are unstable (a
 * cluster-wide change), the destinations an unstable class may reach are read from a reverse index
 * of the destinations' ingress candidates rather than found by asking every class.
 */
export function diffMatrices<C extends L7CellLike>(
  base: AccessMatrix<C>,
  head: AccessMatrix<C>,
  lens: DiffLens<C>,
  options: DiffOptions = {},
): MatrixDiff<C> {
  const maxPairs = options.maxPairs ?? Number.POSITIVE_INFINITY;
  const omitted: Record<ChangeKind, number> = { opened: 0, closed: 0, changed: 0 };
  const groups = jointClasses(base, head);
  const unstable: number[] = [];
  const externals: number[] = [];
  groups.forEach((g, i) => {
    if (g.stable === 0) unstable.push(i);
    if (g.external) externals.push(i);
  });
  const out: PairDiff<C>[] = [];
  let listed = 0;
  const compare = comparer(groups, base, head, lens);
  const reach =
    unstable.length * groups.length >= (options.indexFrom ?? INDEX_FROM)
      ? reverseReach(groups, unstable.length, base, head, options.reverse)
      : undefined;
  const counting =
    options.counting ?? (unstable.length > groups.length * PER_SOURCE_SHARE ? 'grouped' : 'plain');
  const grouped = counting === 'grouped' && [base, head].every((m) => m.sourceGrouping && m.groupKey);
  // Pairs of workloads are listed up to the limit in class pair order, and from the first changed
  // class pair that does not fit on, counted: a PR that opens or closes the whole cluster must not
  // expand into millions of pairs. Pairs with an external peer are always listed (ranges merge).
  let full: number | undefined;
  groups.forEach((srcGroup, i) => {
    // Beyond the row where listing stopped, countGrouped counts the pairs of workloads.
    const deferred = grouped && full !== undefined && i > full && !srcGroup.external;
    // A stable group meets a stable group unchanged, except itself when it has a single stable
    // member (no pair of two distinct stable members stands for it).
    const dsts =
      srcGroup.stable === 0
        ? deferred
          ? externals
          : (reach?.(i) ?? groups.keys())
        : srcGroup.stable === 1
          ? [...unstable, i].sort((a, b) => a - b)
          : unstable;
    for (const j of dsts) {
      const dstGroup = groups[j]!;
      if (srcGroup.external && dstGroup.external) continue;
      const workloads = !srcGroup.external && !dstGroup.external;
      if (deferred && workloads) continue;
      // A pair that may be listed keeps its L7 cell (its verdict is asked again to be kept).
      const c = compare(i, j, !workloads || full === undefined);
      if (!c) continue;
      if (workloads && full === undefined && listed + c.size > maxPairs) full = i;
      if (workloads && full !== undefined) {
        omitted[c.kind] += c.size;
        continue;
      }
      // Only the verdicts of the pairs listed are kept (and computed where closed, to explain them).
      const kept = {
        before: c.before && base.verdict(c.src, c.dst),
        after: c.after && head.verdict(c.src, c.dst),
      };
      for (const s of srcGroup.members) {
        for (const d of dstGroup.members) {
          if (s.id === d.id) continue;
          out.push({
            src: s,
            dst: d,
            before: kept.before,
            after: kept.after,
            beforeConns: c.beforeConns,
            afterConns: c.afterConns,
          });
          listed++;
        }
      }
    }
  });
  if (grouped && full !== undefined) countGrouped(groups, full + 1, base, head, compare, omitted);
  return { pairs: out, omitted };
}

/** One class pair compared: its first pair of peers, its peeked verdicts and what the lens sees. */
interface Compared<C extends L7CellLike> extends PairDiff<C> {
  readonly kind: ChangeKind;
  /** Its pairs of peers. */
  readonly size: number;
}

/**
 * Compares a class pair: `undefined` when NetworkPolicy closes it in both revisions (its cell is
 * not computed) or when the lens sees no difference.
 */
function comparer<C extends L7CellLike>(
  groups: readonly JointClass[],
  base: AccessMatrix<C>,
  head: AccessMatrix<C>,
  lens: DiffLens<C>,
): (i: number, j: number, listing?: boolean) => Compared<C> | undefined {
  const baseOpen = openness(base);
  const headOpen = openness(head);
  return (i, j, listing = false) => {
    const srcGroup = groups[i]!;
    const dstGroup = groups[j]!;
    const src = srcGroup.members[0]!;
    // Groups are disjoint, so this only skips a group of one workload paired with itself.
    const dst = dstGroup.members.find((d) => d.id !== src.id);
    if (!dst) return undefined;
    const inBase = srcGroup.inBase && dstGroup.inBase;
    const inHead = srcGroup.inHead && dstGroup.inHead;
    const openInBase = inBase && baseOpen(srcGroup, src, dstGroup, dst);
    const openInHead = inHead && headOpen(srcGroup, src, dstGroup, dst);
    if (!openInBase && !openInHead) return undefined;
    // A side NetworkPolicy closes is compared as closed without computing its cell (a PR that
    // removes every policy, or rolls out default-deny, would otherwise compute the closed side of
    // every pair). Verdicts are glanced at, not kept, nor their new L7 cells: at XL the verdicts of
    // the many pairs compared that did not change held most of the diff's memory, and at L a
    // cluster-wide change's cells held over 1 GiB.
    const before = inBase ? (openInBase ? look(base, src, dst, listing) : CLOSED) : undefined;
    const after = inHead ? (openInHead ? look(head, src, dst, listing) : CLOSED) : undefined;
    if (!lens.differs(before, after)) return undefined;
    const beforeConns = lens.conns(before);
    const afterConns = lens.conns(after);
    const size =
      i === j
        ? srcGroup.members.length * (srcGroup.members.length - 1)
        : srcGroup.members.length * dstGroup.members.length;
    return {
      src,
      dst,
      before,
      after,
      beforeConns,
      afterConns,
      kind: changeKind(beforeConns, afterConns),
      size,
    };
  };
}

/**
 * A verdict compared: a pair only counted keeps not even its L7 cell, where the matrix can
 * (glance); one that may be listed keeps it for `verdict`.
 */
function look<C extends L7CellLike>(
  matrix: AccessMatrix<C>,
  src: Peer,
  dst: Peer,
  listing: boolean,
): CellVerdict<C> {
  return matrix.glance && !listing ? matrix.glance(src, dst) : matrix.peek(src, dst);
}

/**
 * What a verdict the L4 candidates close has where a lens looks (see buildMatrix's compute: no L7
 * cell when L4 allows nothing). Never listed: the real verdict replaces it.
 */
const CLOSED: CellVerdict<never> = {
  l4: { allowed: ConnSet.none, egress: null, ingress: null },
  effective: ConnSet.none,
};

/**
 * Whether a pair may have a non-empty verdict in the matrix (false: NetworkPolicy closes it). The
 * candidates of a group are asked once: its members share a class, hence the policies selecting them.
 */
function openness(matrix: AccessMatrix) {
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
function reverseReach(
  groups: readonly JointClass[],
  unstable: number,
  base: AccessMatrix,
  head: AccessMatrix,
  forced: DiffOptions['reverse'],
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
 */
function admittingDestinations(
  groups: readonly JointClass[],
  base: AccessMatrix,
  head: AccessMatrix,
): (src: number) => readonly number[] | undefined {
  const groupOf = groupsById(groups);
  const always: number[] = [];
  const admittedBy = new Map<number, number[]>();
  groups.forEach((g, j) => {
    const first = g.members[0]!;
    const lists: (readonly string[])[] = [];
    for (const [matrix, present] of [
      [base, g.inBase],
      [head, g.inHead],
    ] as const) {
      if (!present) continue;
      const found: Candidates = first.kind === 'workload' ? matrix.candidates(first, 'sources') : 'all';
      if (found === 'all' || !found.list) {
        always.push(j);
        return;
      }
      lists.push(found.list());
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
  });
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
