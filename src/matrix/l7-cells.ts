import type { Peer } from '../model/peers.js';
import type { Workload } from '../model/types.js';
import type { ConnSet } from '../values/conn-set.js';
import type { WorkloadClasses } from './classes.js';
import type { L7CellLike, L7Layer } from './matrix.js';

/** Enough for the cells of a few destinations' columns of a cluster-wide diff. */
const TRANSIENT_CELLS = 20_000;

type CellSlots<C> = Map<number, Map<string | number, Map<string, C>>>;

/** The L7 cells of one matrix, shared by every class pair whose ends its layer cannot tell apart. */
export interface L7Cells<C extends L7CellLike> {
  /** The cell of a pair of representatives; `keep` false: kept only in the bounded transient cache. */
  of(src: Peer, dst: Workload, allowed: ConnSet, keep?: boolean): C;
  /** Cells computed so far, transient ones included. */
  computed(): number;
}

/**
 * An L7 cell depends on its ends only through their L7 signatures, and on the connections L4
 * lets through: many classes (split by NetworkPolicy labels) share one, so it is computed once per
 * (source L7 class, destination L7 class, L4-allowed connections), not once per class pair. By
 * destination L7 class, then source key, then L4-allowed connections: no key text is built per
 * pair (a cluster-wide change asks this for a million class pairs).
 */
export function l7Cells<C extends L7CellLike>(l7: L7Layer<C>, l7Classes: WorkloadClasses): L7Cells<C> {
  const kept: CellSlots<C> = new Map();
  let computed = 0;
  // Cells computed for `glance` stay here only, up to TRANSIENT_CELLS (then it starts over): the
  // pairs a cluster-wide diff only counts would otherwise keep every one of their cells.
  let transient: CellSlots<C> = new Map();
  let transientCells = 0;
  const slot = (cache: CellSlots<C>, dstClass: number, srcKey: string | number) => {
    let bySource = cache.get(dstClass);
    if (!bySource) {
      bySource = new Map();
      cache.set(dstClass, bySource);
    }
    let byAllowed = bySource.get(srcKey);
    if (!byAllowed) {
      byAllowed = new Map();
      bySource.set(srcKey, byAllowed);
    }
    return byAllowed;
  };
  // The source is keyed as the destination's policies distinguish it: a service account only
  // another destination's policy names does not split this destination's cells. Outside the
  // namespaces `dst`'s policies name, a number (L7Layer.sourceGroupKey: equal numbers, equal
  // source keys) instead of the source key's text, which a cluster-wide diff built per pair.
  const workloadKey = (src: Workload, dst: Workload): string | number => {
    const read = l7.sourceNamesRead?.(dst);
    return read && !read.namespaces.has(src.namespace)
      ? l7.sourceGroupKey!(src, read.patterns)
      : `s${l7.sourceKey!(src, dst)}`;
  };
  return {
    of(src, dst, allowed, keep = true) {
      const srcKey =
        src.kind !== 'workload'
          ? l7.externalKey
            ? `e${l7.externalKey(src, dst)}`
            : src.id
          : l7.sourceKey
            ? workloadKey(src.workload, dst)
            : `w${l7Classes.classOf.get(src.id)}`;
      const dstClass = l7Classes.classOf.get(dst.id)!;
      const connections = allowed.toString();
      const found = kept.get(dstClass)?.get(srcKey)?.get(connections);
      if (found) return found;
      if (!keep && transientCells >= TRANSIENT_CELLS) {
        transient = new Map();
        transientCells = 0;
      }
      const byAllowed = slot(keep ? kept : transient, dstClass, srcKey);
      let cell = byAllowed.get(connections);
      if (!cell) {
        cell = l7.evaluate(src, dst, allowed);
        byAllowed.set(connections, cell);
        computed++;
        if (!keep) transientCells++;
      }
      return cell;
    },
    computed: () => computed,
  };
}
