import type { Labels } from './types.js';

/**
 * The one plain label-map match: every key of `selector` is present in `labels` with the same
 * value. An empty map matches everything (an AND of nothing). What an absent or empty selector
 * means differs per kind, so each kind's rule is a named function below rather than a caller's `!sel ||`.
 * (A NetworkPolicy `LabelSelector`, with `matchExpressions`, is compiled in src/l4/label-selector.ts.)
 */
export function matchesLabels(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** Istio `selector.matchLabels` (AuthorizationPolicy, PeerAuthentication...): absent or empty selects every workload. */
export function istioSelectorMatches(matchLabels: Labels | undefined, labels: Labels): boolean {
  return matchLabels === undefined || matchesLabels(matchLabels, labels);
}

/** A Service `spec.selector`: absent or empty selects no pod (its endpoints are managed elsewhere). */
export function serviceSelectorMatches(selector: Labels | undefined, labels: Labels): boolean {
  return selector !== undefined && Object.keys(selector).length > 0 && matchesLabels(selector, labels);
}
