import type { AccessMatrix, CellVerdict, L7CellLike } from '../matrix/matrix.js';
import type { Peer } from '../model/peers.js';
import { ConnSet } from '../values/conn-set.js';
import type { ChangeKind } from './changes.js';
import type { JointClass } from './joint-classes.js';
import type { DiffLens, PairDiff } from './pair-diff.js';
import { openness } from './reach.js';

/** Opened (nothing before), closed (nothing after), or changed. */
export function changeKind(beforeConns: ConnSet, afterConns: ConnSet): ChangeKind {
  return beforeConns.isEmpty() ? 'opened' : afterConns.isEmpty() ? 'closed' : 'changed';
}

/** One class pair compared: its first pair of peers, its peeked verdicts and what the lens sees. */
export interface Compared<C extends L7CellLike> extends PairDiff<C> {
  readonly kind: ChangeKind;
  /** Its pairs of peers. */
  readonly size: number;
}

/**
 * Compares a class pair: `undefined` when NetworkPolicy closes it in both revisions (its cell is
 * not computed) or when the lens sees no difference. The lens reads a verdict's L4-allowed
 * connections and its L7 cell only (see DiffLens).
 */
export function comparer<C extends L7CellLike>(
  groups: readonly JointClass[],
  base: AccessMatrix<C>,
  head: AccessMatrix<C>,
  lens: DiffLens<C>,
): (i: number, j: number, listing?: boolean) => Compared<C> | undefined {
  const baseOpen = openness(base);
  const headOpen = openness(head);
  const alike = [new Map<Peer, boolean>(), new Map<Peer, boolean>()] as const;
  const l7Alike = (peer: Peer, asSource = false): boolean => {
    const memo = alike[asSource ? 1 : 0];
    let found = memo.get(peer);
    if (found === undefined) {
      const before = base.l7Fingerprint?.(peer, asSource);
      found = before !== undefined && before === head.l7Fingerprint?.(peer, asSource);
      memo.set(peer, found);
    }
    return found;
  };
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
    // Ends the L7 layer reads alike in both revisions: equal L4-allowed connections give equal
    // cells, so only the L4 cells are computed (a change to a namespace's egress meets every
    // destination, and would compute their L7 cells twice to find them unchanged). A source is
    // read as a source only (toward a workload): a policy added to a workload splits none of the
    // cells it is the client of.
    if (inBase && inHead && l7Alike(src, dst.kind === 'workload') && l7Alike(dst)) {
      const allowedBefore = openInBase ? base.l4Peek(src, dst).allowed : ConnSet.none;
      const allowedAfter = openInHead ? head.l4Peek(src, dst).allowed : ConnSet.none;
      if (allowedBefore.equals(allowedAfter)) return undefined;
    }
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
