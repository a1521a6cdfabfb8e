import type { SourceLocation } from './location.js';

/** A policy object, e.g. `NetworkPolicy prod/allow-web`. */
export interface PolicyRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly location: SourceLocation;
}

/**
 * One rule of a policy, e.g. `NetworkPolicy prod/allow-web ingress[0]`, with the location of the rule
 * itself (not of the whole object), so a reviewer lands on the line that matters.
 */
export interface RuleRef {
  readonly policy: PolicyRef;
  /** `ingress[0]`, `egress[2]`, `rules[1]`, or `` for whole-policy effects (allow-nothing, isolation). */
  readonly rule: string;
  readonly location: SourceLocation;
}

export function policyLabel(p: PolicyRef): string {
  // Cluster-scoped policies (AdminNetworkPolicy) have no namespace.
  return p.namespace === '' ? `${p.kind} ${p.name}` : `${p.kind} ${p.namespace}/${p.name}`;
}

export function ruleLabel(r: RuleRef): string {
  return r.rule ? `${policyLabel(r.policy)} ${r.rule}` : policyLabel(r.policy);
}

export function ruleKey(r: RuleRef): string {
  return `${r.policy.kind}/${r.policy.namespace}/${r.policy.name}#${r.rule}`;
}
