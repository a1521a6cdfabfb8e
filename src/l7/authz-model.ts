import type { PolicyRef, RuleRef } from '../core/refs.js';
import { istioSelectorMatches } from '../manifests/label-match.js';
import type { Labels } from '../manifests/types.js';
import type { Workload } from '../model/types.js';

export type AuthzAction = 'ALLOW' | 'DENY' | 'CUSTOM' | 'AUDIT';

/** A list field and its `not` form, as written (`undefined`: absent). */
export interface ValueField {
  readonly values: readonly string[] | undefined;
  readonly notValues: readonly string[] | undefined;
}

/** One `from[].source`, normalised (SEMANTICS D6, D9–D13). */
export interface SourceModel {
  readonly principals: ValueField;
  readonly requestPrincipals: ValueField;
  readonly namespaces: ValueField;
  readonly ipBlocks: ValueField;
  readonly remoteIpBlocks: ValueField;
}

/** One `to[].operation`, normalised. Ports are numbers (D8, D14: container ports). */
export interface OperationModel {
  readonly ports: readonly number[] | undefined;
  readonly notPorts: readonly number[] | undefined;
  readonly hosts: ValueField;
  readonly methods: ValueField;
  readonly paths: ValueField;
}

/** One `when` entry (D15). */
export interface ConditionModel {
  readonly key: string;
  readonly values: readonly string[] | undefined;
  readonly notValues: readonly string[] | undefined;
}

/**
 * One rule as istio's `authz/model.New` sees it: `from` and `to` absent (`undefined`) match anything;
 * `httpOnly` says whether any HTTP-only attribute is used, which decides its fate on TCP chains (D17).
 */
export interface RuleModel {
  readonly ref: RuleRef;
  readonly from: readonly SourceModel[] | undefined;
  readonly to: readonly OperationModel[] | undefined;
  readonly when: readonly ConditionModel[];
  readonly httpOnly: boolean;
  /** Invalid: istiod skips the rule whatever the action (D22), admission would reject the policy. */
  readonly invalid: boolean;
}

export type PolicyScope =
  /** Root namespace without selector (D1). */
  | { readonly kind: 'mesh' }
  /** Root namespace with a selector: matching workloads in every namespace (D1). */
  | { readonly kind: 'mesh-selector'; readonly matchLabels: Labels }
  | { readonly kind: 'namespace'; readonly namespace: string; readonly matchLabels: Labels | undefined }
  /** targetRef/targetRefs: ignored on sidecars (D3). */
  | { readonly kind: 'ignored' };

export interface PolicyModel {
  readonly ref: PolicyRef;
  readonly action: AuthzAction;
  readonly provider: string | undefined;
  readonly dryRun: boolean;
  readonly scope: PolicyScope;
  /** `spec.rules` absent or empty: the policy matches nothing (D7). */
  readonly rules: readonly RuleModel[];
  /** Something in the policy is invalid (admission would reject it): cells it touches are uncertain. */
  readonly invalid: boolean;
  /**
   * It takes no effect: the API server rejects it (an unknown or mistyped field, R4) or istiod
   * cannot use it (unknown action). Left out, but still makes the cells it touches uncertain.
   */
  readonly unusable: boolean;
}

/** D15: `when` keys valid on both chains. */
export const TCP_KEYS = [
  'source.ip',
  'remote.ip',
  'source.namespace',
  'source.principal',
  'destination.ip',
  'destination.port',
  'connection.sni',
] as const;

/** D15: HTTP-only `when` keys (prefix match for the bracketed ones). */
export const HTTP_KEY_PREFIXES = [
  'request.headers[',
  'request.auth.claims[',
  'request.auth.principal',
  'request.auth.audiences',
  'request.auth.presenter',
] as const;

export function isHttpOnlyKey(key: string): boolean {
  return HTTP_KEY_PREFIXES.some((p) =>
    p.endsWith('[') ? key.startsWith(p) && key.endsWith(']') : key === p,
  );
}

export function isKnownKey(key: string): boolean {
  return (
    (TCP_KEYS as readonly string[]).includes(key) ||
    key.startsWith('experimental.envoy.filters.') ||
    isHttpOnlyKey(key)
  );
}

/** Whether an AuthorizationPolicy applies to a workload (D1–D3: mesh-wide, root-namespace selector, own namespace). */
export function policyApplies(p: PolicyModel, w: Workload): boolean {
  const s = p.scope;
  const selected = (labels: Labels | undefined) => istioSelectorMatches(labels, w.podLabels);
  switch (s.kind) {
    case 'mesh':
      return true;
    case 'mesh-selector':
      return selected(s.matchLabels);
    case 'namespace':
      return s.namespace === w.namespace && selected(s.matchLabels);
    default:
      return false;
  }
}
