import type { L7Scope } from '../explain/l7-scope.js';
import { isUncertain } from '../explain/policies.js';
import type { L7Cell } from '../l7/types.js';
import { l4Causes } from './causes.js';
import type { Cause, L7Change } from './changes.js';
import { explainL7, type ReasonText } from './l7-causes.js';
import { changeKind, type PairDiff } from './pair-diff.js';
import type { InputUncertainty } from './uncertainty.js';

/** Everything the report says about one changed pair beyond its connections, decided here once. */
export interface PairExplanation {
  /** The L4 causes, then (on the L7 layers) the Istio ones. */
  readonly causes: readonly Cause[];
  /**
   * A policy that may apply to the pair was not understood, or input that could not be read or
   * understood reaches the pair (a diagnostic's reach): the answer may be wrong.
   */
  readonly uncertain: boolean;
  /** The diagnostics whose reach covers the pair (`main:policies/bad.yaml:3 yaml-syntax`), when any. */
  readonly uncertainBecause?: readonly string[];
  /** The printed L7 scopes, present only when a reader sees them differ. */
  readonly scopes?: { readonly before: string; readonly after: string };
  /** How the L7 scope moved on the ports allowed in both; only on `changed` pairs, only with `scopes`. */
  readonly l7Change?: L7Change;
}

/** How to word L7 scopes and reasons (render/l7-scope.ts `L7_WORDS`). */
export interface L7Words {
  scope(scope: L7Scope): string;
  reason: ReasonText;
}

/**
 * Explains a pair from the structured verdicts (src/explain), with render's words; without them
 * the pair is explained at L4 only (the `l4` layer). `input` holds the revisions' diagnostics:
 * a pair one of them reaches is uncertain, and says which.
 */
export function explainPair(
  pair: PairDiff<L7Cell>,
  words: L7Words | undefined,
  input?: InputUncertainty,
): PairExplanation {
  const added = pair.afterConns.subtract(pair.beforeConns);
  const removed = pair.beforeConns.subtract(pair.afterConns);
  const causes = l4Causes(pair.before, pair.after, added, removed);
  const because = input?.reasons(pair.src, pair.dst) ?? [];
  const uncertain = isUncertain(pair.before) || isUncertain(pair.after) || because.length > 0;
  const flags = { uncertain, ...(because.length > 0 ? { uncertainBecause: because } : {}) };
  if (!words) return { causes, ...flags };
  const l7 = explainL7(pair.before, pair.after, words.reason);
  const changed = changeKind(pair.beforeConns, pair.afterConns) === 'changed';
  return {
    causes: [...causes, ...l7.causes],
    ...flags,
    ...(l7.scopes
      ? { scopes: { before: words.scope(l7.scopes.before), after: words.scope(l7.scopes.after) } }
      : {}),
    ...(changed && l7.change ? { l7Change: l7.change } : {}),
  };
}
