import { ruleKey, ruleLabel } from '../core/refs.js';
import type { GatewayHop } from '../l7/gateway-hops.js';
import type { CitedRule } from '../l7/gateway-types.js';
import type { L7Cell } from '../l7/types.js';
import { workloadPeer } from '../model/peers.js';
import type { ConnSet } from '../values/conn-set.js';
import type { Cause } from './changes.js';
import type { OutsideSource } from './exposure.js';
import type { DiffLens, PairDiff } from './pair-diff.js';

/** What the report says about a gateway hop beyond the pair: its ingress source and the routes behind it. */
export interface HopInfo {
  readonly outside: OutsideSource;
  readonly causes: readonly Cause[];
}

export interface IngressDiff {
  /** Hops whose verdicts differ, as pairs (gateway pods -> backend), sorted by source then backend. */
  readonly pairs: PairDiff<L7Cell>[];
  readonly info: ReadonlyMap<PairDiff<L7Cell>, HopInfo>;
}

/**
 * The hops from outside through a gateway that differ between base and head. A hop exists only
 * where a route sends traffic, so a Gateway or route removed closes what it opened (never the
 * reverse), and a route added to a backend that NetworkPolicy closes to the gateway opens nothing.
 */
export function diffIngress(
  base: readonly GatewayHop[],
  head: readonly GatewayHop[],
  lens: DiffLens<L7Cell>,
): IngressDiff {
  const key = (h: GatewayHop) => `${h.sourceId}\u0000${h.backend.id}`;
  const before = new Map(base.map((h) => [key(h), h]));
  const after = new Map(head.map((h) => [key(h), h]));
  const pairs: PairDiff<L7Cell>[] = [];
  const info = new Map<PairDiff<L7Cell>, HopInfo>();
  for (const k of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(k);
    const a = after.get(k);
    const beforeConns = lens.conns(b?.verdict);
    const afterConns = lens.conns(a?.verdict);
    if (beforeConns.isEmpty() && afterConns.isEmpty()) continue;
    if (!lens.differs(b?.verdict, a?.verdict)) continue;
    const hop = (a ?? b)!;
    const pair: PairDiff<L7Cell> = {
      src: workloadPeer(hop.pods),
      dst: workloadPeer(hop.backend),
      before: b?.verdict,
      after: a?.verdict,
      beforeConns,
      afterConns,
    };
    pairs.push(pair);
    info.set(pair, {
      outside: { exposure: 'gateway', source: { id: hop.sourceId, kind: 'ingress' } },
      causes: routeCauses(b, a, beforeConns, afterConns),
    });
  }
  return { pairs, info };
}

/**
 * The rules behind a hop's change: the head rules that send what was added, the base rules that sent
 * what was removed; of those, only the ones that differ from the other revision's (a route added or
 * edited), unless none does (then the change comes from elsewhere and every rule that sends is cited).
 */
function routeCauses(
  before: GatewayHop | undefined,
  after: GatewayHop | undefined,
  beforeConns: ConnSet,
  afterConns: ConnSet,
): Cause[] {
  const added = afterConns.subtract(beforeConns);
  const removed = beforeConns.subtract(afterConns);
  const cite = (
    hop: GatewayHop | undefined,
    other: GatewayHop | undefined,
    revision: Cause['revision'],
    conns: ConnSet,
  ): Cause[] => {
    const unchanged = new Set((other?.rules ?? []).map(citedKey));
    const rules = hop?.rules ?? [];
    const changed = rules.filter((r) => !unchanged.has(citedKey(r)));
    return (changed.length > 0 ? changed : rules).map(({ rule }) => ({
      revision,
      layer: 'l7',
      effect: 'allows',
      rule: ruleLabel(rule),
      ...(conns.isEmpty() ? {} : { conns: conns.toString() }),
      location: rule.location,
    }));
  };
  const widened = !added.isEmpty() || removed.isEmpty();
  return [
    ...(widened ? cite(after, before, 'head', added.isEmpty() ? afterConns : added) : []),
    ...(removed.isEmpty() ? [] : cite(before, after, 'base', removed)),
  ];
}

function citedKey(r: CitedRule): string {
  return `${ruleKey(r.rule)}\u0000${r.digest}`;
}
