import type { WorkloadPeer } from '../model/peers.js';

/**
 * What `sourceGrouping(dst)` promises: either `candidates(dst, 'sources')` lists the sources (every
 * other one is closed at L4), or `dst`'s ingress answers every source alike. So two workload
 * sources outside `namespaces` and outside that list with equal `groupKey`s have verdicts toward
 * `dst` no lens tells apart (the same L4-allowed connections, though their grants name their own
 * policies, and the same L7 cell) and equal `candidates(src, 'destinations').has(dst)`.
 */
export interface SourceGrouping {
  /**
   * Sources in these namespaces may be told apart by name (L7): for them only the `inNamed` key
   * holds, and only for those `namesAccount` leaves alone (their namespace is in that key).
   */
  readonly namespaces: ReadonlySet<string>;
  namesAccount(src: WorkloadPeer): boolean;
  /** What the destination reads of the other sources (destinations with equal readers read alike). */
  readonly reader: number;
}

/** No L7 layer reads names: every source is keyed alike. */
export const NO_NAMES: SourceGrouping = { namespaces: new Set(), reader: 0, namesAccount: () => false };
