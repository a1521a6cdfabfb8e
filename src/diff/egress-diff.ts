import { ruleLabel } from '../core/refs.js';
import type { EgressHop } from '../l7/service-entry-hops.js';
import type { L7Cell } from '../l7/types.js';
import { externalPeer, workloadPeer } from '../model/peers.js';
import { parseCidr } from '../values/ip-range.js';
import type { Cause, PeerInfo } from './changes.js';
import type { DiffLens, PairDiff } from './pair-diff.js';

/** What the report says about a ServiceEntry hop beyond the pair. */
export interface EgressInfo {
  /** The host port the report names as destination (`api.stripe.com:443/TLS`). */
  readonly destination: PeerInfo;
  readonly causes: readonly Cause[];
  /** Why the answer may be wrong, when it may (unknown DNS addresses). */
  readonly uncertainBecause: readonly string[];
}

export interface EgressDiff {
  readonly pairs: PairDiff<L7Cell>[];
  readonly info: ReadonlyMap<PairDiff<L7Cell>, EgressInfo>;
}

/** The address space as the pair's destination: the host's addresses stand behind it (external). */
const HOST_PEER = externalPeer(parseCidr('0.0.0.0/0'));

/**
 * The (client, ServiceEntry host port) pairs whose connections differ between base and head. The
 * ServiceEntry that declares the host is cited, with the egress rules the pair's L4 causes name.
 */
export function diffEgress(
  base: readonly EgressHop[],
  head: readonly EgressHop[],
  lens: DiffLens<L7Cell>,
): EgressDiff {
  const key = (h: EgressHop) => `${h.client.id}\u0000${h.destinationId}`;
  const before = new Map(base.map((h) => [key(h), h]));
  const after = new Map(head.map((h) => [key(h), h]));
  const pairs: PairDiff<L7Cell>[] = [];
  const info = new Map<PairDiff<L7Cell>, EgressInfo>();
  for (const k of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(k);
    const a = after.get(k);
    const beforeConns = lens.conns(b?.verdict);
    const afterConns = lens.conns(a?.verdict);
    if (beforeConns.equals(afterConns) && b?.uncertainBecause === a?.uncertainBecause) continue;
    if (!lens.differs(b?.verdict, a?.verdict)) continue;
    const hop = (a ?? b)!;
    const pair: PairDiff<L7Cell> = {
      src: workloadPeer(hop.client),
      dst: HOST_PEER,
      before: b?.verdict,
      after: a?.verdict,
      beforeConns,
      afterConns,
    };
    pairs.push(pair);
    // The egress gateway's routes first when the call goes through one (the reviewer's line), then the entry.
    const cite = (h: EgressHop | undefined, revision: Cause['revision']): Cause[] =>
      h && !lens.conns(h.verdict).isEmpty()
        ? [
            ...(h.routes ?? []).map(({ rule }) => ({ rule: ruleLabel(rule), location: rule.location })),
            { rule: `ServiceEntry ${h.entry.namespace}/${h.entry.name}`, location: h.entry.ref.location },
          ].map(
            (c): Cause => ({
              revision,
              layer: 'l7',
              effect: 'allows',
              ...c,
              conns: lens.conns(h.verdict).toString(),
            }),
          )
        : [];
    info.set(pair, {
      destination: { id: hop.destinationId, kind: 'external' },
      causes: [...cite(a, 'head'), ...(afterConns.isEmpty() ? cite(b, 'base') : [])],
      uncertainBecause: [b?.uncertainBecause, a?.uncertainBecause].filter(
        (u): u is string => u !== undefined,
      ),
    });
  }
  return { pairs, info };
}
