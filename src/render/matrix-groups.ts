import type { AccessMatrix, CellVerdict, L7CellLike } from '../matrix/matrix.js';
import type { Peer } from '../model/peers.js';
import type { Layer } from '../report/types.js';

/**
 * Sources that reach one destination class with the same verdict: every source reaches every
 * destination member, except a member with itself (a source of the destination's own class).
 */
export interface MatrixGroup<C extends L7CellLike = L7CellLike> {
  /** Peers in matrix order (workloads by id, then external ranges). */
  readonly sources: readonly Peer[];
  /** One class of the matrix. */
  readonly destinations: readonly Peer[];
  /** The destination class is among the sources: its members' pairs to themselves are left out. */
  readonly sameClass: boolean;
  readonly verdict: CellVerdict<C>;
}

/** The matrix's peers by class, in the order of their first member (workloads by id, then ranges). */
export function peerClasses(matrix: AccessMatrix): Peer[][] {
  const byClass = new Map<number, Peer[]>();
  for (const peer of [...matrix.workloads, ...matrix.externals]) {
    const c = matrix.classOf(peer);
    const members = byClass.get(c);
    if (members) members.push(peer);
    else byClass.set(c, [peer]);
  }
  return [...byClass.values()];
}

/** Pairs a group stands for: every source with every destination, but no member with itself. */
export function groupPairs(group: MatrixGroup): number {
  const all = group.sources.length * group.destinations.length;
  return group.sameClass ? all - group.destinations.length : all;
}

/**
 * Verdicts a matrix keeps before it is renewed. At L (bench, 10,000 workloads, 500 namespaces) a
 * kept verdict with its L7 cell costs about 13 KB of heap (20,000 of them: 534 MiB live after GC,
 * 274 MiB of it the analysed revision); a renewal costs two classifications of the workloads.
 */
const CELL_BUDGET = 8_000;

type Candidates = 'all' | { has(id: string): boolean };

/**
 * Every destination class, with its sources grouped by equal verdict (`key`: what a reader tells
 * apart, the rendered verdict), yielded as each destination class is done so a caller can write
 * each group out and keep nothing. Without NetworkPolicy every class pair is open, and most sources
 * of a destination get the same answer: one group, not one entry per pair. Pairs NetworkPolicy
 * closes (the destination's ingress cannot admit the source, or the source's egress cannot reach
 * it: the matrix's candidates) are skipped without computing their verdict. A class's members
 * share the policies selecting them, so one member answers for its class; the verdict being shared
 * by the class pair, one closed member pair closes them all.
 */
export function* matrixGroups<C extends L7CellLike>(
  first: AccessMatrix<C>,
  layer: Layer,
  key: (verdict: CellVerdict<C>) => string,
  renew?: () => AccessMatrix<C>,
  cellBudget = CELL_BUDGET,
): Generator<MatrixGroup<C>> {
  let matrix = first;
  let asked = 0;
  const classes = peerClasses(matrix);
  const order = new Map<Peer, number>([...matrix.workloads, ...matrix.externals].map((p, i) => [p, i]));
  const egress = new Map<Peer[], Candidates>();
  const egressOf = (members: Peer[]): Candidates => {
    let found = egress.get(members);
    if (!found) {
      const first = members[0]!;
      found = first.kind === 'workload' ? matrix.candidates(first, 'destinations') : 'all';
      egress.set(members, found);
    }
    return found;
  };
  for (const destinations of classes) {
    // The matrix keeps every verdict it computed; a fresh one (same revision, same classes, peers
    // asked by id) lets them go. Its candidates hold the old one, so they go too.
    if (renew && asked > cellBudget) {
      matrix = renew();
      egress.clear();
      asked = 0;
    }
    const dst = destinations[0]!;
    const ingress: Candidates = dst.kind === 'workload' ? matrix.candidates(dst, 'sources') : 'all';
    const row = new Map<string, { sources: Peer[]; sameClass: boolean; verdict: CellVerdict<C> }>();
    for (const sources of classes) {
      const sameClass = sources === destinations;
      if (sameClass && sources.length < 2) continue;
      const src = sources[0]!;
      if (src.kind === 'external' && dst.kind === 'external') continue;
      // Two members of one class: the pair is between two of them, never a member with itself.
      const to = sameClass ? destinations[1]! : dst;
      if (!admits(ingress, src) || !admits(egressOf(sources), to)) continue;
      // Each class pair is asked once, so each ask is one more verdict the matrix keeps.
      asked++;
      const verdict = matrix.verdict(src, to);
      if ((layer === 'l4' ? verdict.l4.allowed : verdict.effective).isEmpty()) continue;
      const k = key(verdict);
      const group = row.get(k);
      if (group) {
        group.sources.push(...sources);
        group.sameClass ||= sameClass;
      } else row.set(k, { sources: [...sources], sameClass, verdict });
    }
    for (const group of row.values()) {
      group.sources.sort((a, b) => order.get(a)! - order.get(b)!);
      yield { ...group, destinations };
    }
  }
}

function admits(found: Candidates, peer: Peer): boolean {
  return peer.kind !== 'workload' || found === 'all' || found.has(peer.id);
}
