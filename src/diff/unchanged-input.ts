import type { Diagnostic } from '../core/diagnostics.js';
import { reachOf } from '../core/diagnostics.js';
import type { Peer } from '../model/peers.js';
import { reachesPair } from './uncertainty.js';

/** The ends of a listed change: all this step needs of a pair. */
export interface PairEnds {
  readonly src: Peer;
  readonly dst: Peer;
}

/**
 * Objects of a kind we do not model yet (a Sidecar, a Gateway) that are the same in base and head
 * cannot explain a change by themselves: they act alike on both sides. Such an error becomes a
 * warning, so a repository that merely contains one does not fail every pull request, unless some
 * listed change lies within its reach (the unmodelled objects could then decide it) or changes
 * were too many to list (fail closed). The warning keeps its reach, so changes it covers still say
 * uncertain. Objects the pull request changed stay an error.
 */
export function settleUnchangedInput(
  base: readonly Diagnostic[],
  head: readonly Diagnostic[],
  pairs: readonly PairEnds[],
  someOmitted: boolean,
): { base: Diagnostic[]; head: Diagnostic[] } {
  const inBase = new Set(
    base.flatMap((d) => (d.severity === 'error' && d.inputDigest ? [d.inputDigest] : [])),
  );
  const inHead = new Set(
    head.flatMap((d) => (d.severity === 'error' && d.inputDigest ? [d.inputDigest] : [])),
  );
  const settle = (d: Diagnostic): Diagnostic => {
    if (d.severity !== 'error' || !d.inputDigest || someOmitted) return d;
    if (!inBase.has(d.inputDigest) || !inHead.has(d.inputDigest)) return d;
    const reach = reachOf(d)!;
    if (pairs.some((p) => reachesPair(reach, p.src, p.dst))) return d;
    return {
      ...d,
      severity: 'warning',
      message: `${d.message}. The same objects are in base and head and no listed change lies within their reach, so this pull request cannot have changed what they decide`,
    };
  };
  return { base: base.map(settle), head: head.map(settle) };
}
