import { ruleLabel } from '../core/refs.js';
import { type L7Scope, sameAnswer, scopeChange } from '../explain/l7-scope.js';
import { type L7Part, l7Parts } from '../explain/policies.js';
import type { L7Cell, L7Reason } from '../l7/types.js';
import type { CellVerdict } from '../matrix/matrix.js';
import type { PortSet } from '../values/port-set.js';
import type { Cause, L7Change } from './changes.js';

/** The L7 side of a changed pair: the rules behind it, and the scopes when a reader sees them move. */
export interface L7PairExplanation {
  readonly causes: Cause[];
  /** Present exactly when the shown scopes differ (explain/l7-scope.ts `scopesDiffer`). */
  readonly scopes?: { readonly before: L7Scope; readonly after: L7Scope };
  /** Widened/narrowed/changed on the ports both revisions allow; only with `scopes`. */
  readonly change?: L7Change;
}

/** Words a reason into a cause's rule text (render owns the wording). */
export type ReasonText = (reason: L7Reason) => string;

/** Decides once, from the structured scopes, what the report says about a pair's L7 layer. */
export function explainL7(
  before: CellVerdict<L7Cell> | undefined,
  after: CellVerdict<L7Cell> | undefined,
  reasonText: ReasonText,
): L7PairExplanation {
  const scopes = scopeChange(before?.l7, after?.l7);
  return {
    causes: sameAnswer(scopes.before, scopes.after) ? [] : l7Causes(before, after, reasonText),
    ...(scopes.differs ? { scopes: { before: scopes.before, after: scopes.after } } : {}),
    ...(scopes.change ? { change: scopes.change } : {}),
  };
}

/**
 * The Istio rules behind a change: in head for what is now allowed or denied, in base for what
 * was. Only when L7 changed; the L4 causes explain the rest.
 */
function l7Causes(
  before: CellVerdict<L7Cell> | undefined,
  after: CellVerdict<L7Cell> | undefined,
  reasonText: ReasonText,
): Cause[] {
  return [...cellCauses(after?.l7, 'head', reasonText), ...cellCauses(before?.l7, 'base', reasonText)];
}

/**
 * One cause per rule and effect: the segments a cell is cut into (at the sidecar's own ports, by
 * protocol) are joined back, so one PeerAuthentication reads as one line, not one per segment.
 */
function cellCauses(cell: L7Cell | undefined, revision: Cause['revision'], reasonText: ReasonText): Cause[] {
  const byRule = new Map<string, { part: L7Part; rule: string; ports: Map<string, PortSet> }>();
  for (const part of l7Parts(cell)) {
    const rule = part.reason ? `${ruleLabel(part.rule)}: ${reasonText(part.reason)}` : ruleLabel(part.rule);
    const key = `${part.effect}|${rule}`;
    const entry = byRule.get(key) ?? { part, rule, ports: new Map<string, PortSet>() };
    byRule.set(key, entry);
    const had = entry.ports.get(part.protocol);
    entry.ports.set(part.protocol, had ? had.union(part.ports) : part.ports);
  }
  return [...byRule.values()].map(({ part, rule, ports }) => ({
    revision,
    layer: 'l7',
    effect: part.effect,
    rule,
    conns: [...ports].map(([protocol, set]) => `${protocol} ${set.toString()}`).join(','),
    location: part.rule.location,
  }));
}
