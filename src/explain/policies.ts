import type { PolicyRef, RuleRef } from '../core/refs.js';
import { ruleKey } from '../core/refs.js';
import type { L4Cell, SideVerdict } from '../l4/verdict.js';
import type { L7Cell, L7Reason } from '../l7/types.js';
import type { CellVerdict, L7CellLike } from '../matrix/matrix.js';
import { ConnSet } from '../values/conn-set.js';
import type { PortSet } from '../values/port-set.js';
import type { Protocol } from '../values/protocol.js';

/** Which policies allow or block a part of a cell, and whether the cell can be trusted. */

export type Direction = 'egress' | 'ingress';

/** The directions of a cell that policy applies to: the source's egress, the destination's ingress. */
export function sides(l4: L4Cell | undefined): [Direction, SideVerdict][] {
  if (!l4) return [];
  const out: [Direction, SideVerdict][] = [];
  if (l4.egress) out.push(['egress', l4.egress]);
  if (l4.ingress) out.push(['ingress', l4.ingress]);
  return out;
}

/**
 * The rules that allow some of `part` in one direction, each with the share it allows: NetworkPolicy
 * rules of an isolated direction, and AdminNetworkPolicy / BaselineAdminNetworkPolicy Allow rules
 * (an unisolated direction without admin tiers has none).
 */
export function grantsFor(side: SideVerdict, part: ConnSet): { rule: RuleRef; conns: ConnSet }[] {
  return side.grants
    .filter((g) => g.conns.overlaps(part))
    .map((g) => ({ rule: g.rule, conns: g.conns.intersect(part) }));
}

/** The admin Deny rules (SEMANTICS B) that deny some of `part` in one direction, with the share each denies. */
export function denialsFor(side: SideVerdict, part: ConnSet): { rule: RuleRef; conns: ConnSet }[] {
  return (side.denials ?? [])
    .filter((d) => d.conns.overlaps(part))
    .map((d) => ({ rule: d.rule, conns: d.conns.intersect(part) }));
}

/** The policies that isolate a direction, and what of the part they leave blocked. */
export interface Isolation {
  readonly by: readonly PolicyRef[];
  readonly blocked: ConnSet;
}

/**
 * Who blocks `part` in one direction: the isolating policies together (none alone is the reason),
 * when some of `part` is not allowed; with `whole`, only when none of it is. A direction that is
 * not isolated allows everything and blocks nothing.
 */
export function isolation(
  side: SideVerdict | null | undefined,
  part: ConnSet,
  options: { whole?: boolean } = {},
): Isolation | undefined {
  if (!side || side.isolatedBy.length === 0) return undefined;
  if (options.whole ? side.allowed.overlaps(part) : part.subtract(side.allowed).isEmpty()) return undefined;
  // What an admin Deny rule decided is that rule's doing (denialsFor), not the isolation's.
  const denied = (side.denials ?? []).reduce((acc, d) => acc.union(d.conns), ConnSet.none);
  const blocked = part.subtract(side.allowed).subtract(denied);
  return blocked.isEmpty() ? undefined : { by: side.isolatedBy, blocked };
}

/** `isolation` of each direction of a cell that blocks (some, or with `whole` all, of) `part`. */
export function isolations(
  l4: L4Cell | undefined,
  part: ConnSet,
  options: { whole?: boolean } = {},
): [Direction, Isolation][] {
  return sides(l4).flatMap(([direction, side]): [Direction, Isolation][] => {
    const iso = isolation(side, part, options);
    return iso ? [[direction, iso]] : [];
  });
}

/** A direction whose answer may be wrong either way: a policy that might apply was not understood. */
export function sideUncertain(side: SideVerdict | null | undefined): boolean {
  return (side?.uncertainBy.length ?? 0) > 0;
}

/** Whether the L4 answer of a cell may be wrong (see `sideUncertain`). */
export function l4Uncertain(l4: L4Cell | undefined): boolean {
  return sideUncertain(l4?.egress) || sideUncertain(l4?.ingress);
}

/** Whether a pair's verdict may be wrong (see `sideUncertain`); no verdict (a missing peer) is certain. */
export function isUncertain(v: CellVerdict<L7CellLike> | undefined): boolean {
  // An invalid AuthorizationPolicy or PeerAuthentication takes no effect: L7 may be wrong too (R4).
  return l4Uncertain(v?.l4) || v?.l7?.uncertain === true;
}

/** One Istio rule behind a segment of a cell: it allows (part of) it, or denies it, with the reason. */
export interface L7Part {
  readonly protocol: Protocol;
  readonly ports: PortSet;
  readonly effect: 'allows' | 'denies';
  readonly rule: RuleRef;
  /** Why it denies (a transport mismatch, a DENY rule, ...), when the engine said. */
  readonly reason?: L7Reason;
}

/** Reasons that say how traffic gets through (l7/transport.ts): the client's choice, the server's acceptance. */
const LETS_THROUGH = /^(plaintext-empty-identity|client-)/;

/**
 * The Istio rules behind each segment of a cell, in the engine's order: the rules of each outcome
 * (allowing unless nothing gets through), then the reasons that name a rule (denying, except a
 * transport reason on an outcome that lets something through). A rule that also comes with a
 * reason is named once, with the reason.
 */

export function l7Parts(cell: L7Cell | undefined): L7Part[] {
  if (!cell) return [];
  const out: L7Part[] = [];
  for (const { protocol, ports, outcomes } of cell.segments) {
    for (const outcome of outcomes) {
      const effect = outcome.verdict === 'none' ? 'denies' : 'allows';
      const explained = new Set(outcome.reasons.flatMap((r) => (r.rule ? [ruleKey(r.rule)] : [])));
      for (const rule of outcome.rules)
        if (!explained.has(ruleKey(rule))) out.push({ protocol, ports, effect, rule });
      // On an outcome that lets something through, a transport reason (PERMISSIVE taking
      // plaintext, a DestinationRule sending it) is part of why it gets through, not a denial; the
      // other reasons there (an allow-nothing policy, a rule dropped on TCP) still say what is held back.
      for (const reason of outcome.reasons)
        if (reason.rule) {
          const lets = effect === 'allows' && LETS_THROUGH.test(reason.code);
          out.push({ protocol, ports, effect: lets ? 'allows' : 'denies', rule: reason.rule, reason });
        }
    }
  }
  return out;
}

/** Every rule an outcome of the cell names, as rules or through reasons, in the engine's order. */
export function l7Rules(cell: L7Cell | undefined): RuleRef[] {
  return (cell?.segments ?? []).flatMap((s) =>
    s.outcomes.flatMap((o) => [...o.rules, ...o.reasons.flatMap((r) => (r.rule ? [r.rule] : []))]),
  );
}
