import type { AccessMatrix, CellVerdict, L7CellLike } from '../matrix/matrix.js';
import type { Peer } from '../model/peers.js';
import type { ConnSet } from '../values/conn-set.js';
import type { ChangeKind } from './changes.js';
import { comparer } from './compare.js';
import { countGrouped } from './grouped-count.js';
import { jointClasses } from './joint-classes.js';
import { admittingDestinations, PER_SOURCE_SHARE, reverseReach } from './reach.js';

/** One pair whose connections differ. `before`/`after` are undefined when a peer is missing on that side. */
export interface PairDiff<C extends L7CellLike = L7CellLike> {
  readonly src: Peer;
  readonly dst: Peer;
  readonly before: CellVerdict<C> | undefined;
  readonly after: CellVerdict<C> | undefined;
  readonly beforeConns: ConnSet;
  readonly afterConns: ConnSet;
}

export { changeKind } from './compare.js';

export interface DiffOptions {
  /** Pairs of workloads listed at most, a prefix in class pair order; the rest only counted (`omitted`). */
  readonly maxPairs?: number;
  /**
   * From how many (unstable class, class) pairs on the destinations of an unstable class are read
   * from a reverse index of the ingress candidates instead of scanning every class, and those of a
   * stable class from one over the unstable classes' candidates (default INDEX_FROM; tests set 0
   * to check both ways agree).
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

/**
 * Below this, asking each pair's candidates costs about what building the reverse indexes does. It
 * was 250,000 while stable sources still asked every unstable destination: at SA (2,000 classes, 90
 * unstable in a small PR) those questions were a third of the diff, the indexes a few percent.
 */
const INDEX_FROM = 20_000;

export interface MatrixDiff<C extends L7CellLike = L7CellLike> {
  readonly pairs: PairDiff<C>[];
  /** Pairs that differ but were not listed, by kind (beyond `maxPairs`). */
  readonly omitted: Readonly<Record<ChangeKind, number>>;
}

/**
 * Which connections of a verdict are compared (the layer), and whether two verdicts differ. Reads
 * a verdict's L4-allowed connections and its L7 cell only (what `effective` is made of): the diff
 * takes two verdicts with equal ones for alike.
 */
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
  // A stable source meets the unstable destinations whose ingress may admit it, from the same kind
  // of index over their candidate lists (stable sources outnumber them: asking each of those
  // destinations about each stable source cost most of a small PR's diff at 2,000 classes).
  const stableReach = reach && admittingDestinations(groups, base, head, unstable);
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
        : withOwn(srcGroup.stable === 1 ? i : undefined, stableReach?.(i) ?? unstable);
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

/** `dsts` (ascending, without `own`) with `own` in its place, when there is one. */
function withOwn(own: number | undefined, dsts: readonly number[]): readonly number[] {
  if (own === undefined) return dsts;
  const at = dsts.findIndex((j) => j > own);
  return at < 0 ? [...dsts, own] : [...dsts.slice(0, at), own, ...dsts.slice(at)];
}
