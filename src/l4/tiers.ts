import type { PolicyRef } from '../core/refs.js';
import type { Labels } from '../manifests/types.js';
import type { ContainerPort, Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { type AdminPolicy, type AdminRule, subjectSelects } from './anp-compile.js';
import type { AdminIndex } from './anp-index.js';
import type { Direction } from './netpol-compile.js';
import type { PeerTarget } from './peer-matcher.js';
import type { Grant } from './verdict.js';

/**
 * The admin tiers around NetworkPolicy, per direction (SEMANTICS B, 0.2):
 * AdminNetworkPolicy (by priority, rules in order, first match decides: Allow / Deny / Pass)
 * -> NetworkPolicy (what is passed or matched by no ANP rule) -> the BaselineAdminNetworkPolicy
 * `default` (Allow / Deny, first match) -> allow.
 */

/** The admin policies whose subject selects one pod, for one direction. */
export interface AdminSide {
  /** ANPs with rules in this direction, in evaluation order. */
  readonly admin: readonly AdminPolicy[];
  readonly baseline: AdminPolicy | undefined;
  /** Invalid admin policies that might select the pod, ANPs of equal priority, rules not understood. */
  readonly uncertain: readonly PolicyRef[];
}

export interface AdminSelection {
  readonly ingress: AdminSide;
  readonly egress: AdminSide;
}

const NO_SIDE: AdminSide = { admin: [], baseline: undefined, uncertain: [] };
export const NO_ADMIN: AdminSelection = { ingress: NO_SIDE, egress: NO_SIDE };

export function hasAdmin(side: AdminSide): boolean {
  return side.admin.length > 0 || side.baseline !== undefined;
}

/** Which admin policies select a (non-hostNetwork) pod; `variants` are its pods' other labels. */
export function selectAdmin(index: AdminIndex, namespaceLabels: Labels, pod: Workload): AdminSelection {
  if (index.admin.length === 0 && !index.baseline && index.invalid.length === 0) return NO_ADMIN;
  const variants = pod.podLabelVariants ?? [pod.podLabels];
  const selects = (p: AdminPolicy) => subjectSelects(p.subject, namespaceLabels, pod.podLabels);
  const splits = (p: AdminPolicy) =>
    variants.some((v) => subjectSelects(p.subject, namespaceLabels, v) !== selects(p));
  const suspects = index.invalid
    .filter((p) => !p.subject || variants.some((v) => subjectSelects(p.subject!, namespaceLabels, v)))
    .map((p) => p.ref);
  const side = (direction: Direction): AdminSide => {
    const admin = index.admin.filter((p) => p[direction].length > 0 && selects(p));
    const baseline =
      index.baseline && index.baseline[direction].length > 0 && selects(index.baseline)
        ? index.baseline
        : undefined;
    const all = [...index.admin, ...(index.baseline ? [index.baseline] : [])].filter(
      (p) => p[direction].length > 0,
    );
    const uncertain = [
      ...suspects,
      ...all.filter(splits).map((p) => p.ref),
      ...[...admin, ...(baseline ? [baseline] : [])].filter((p) => p.unsure[direction]).map((p) => p.ref),
      // B1: equal priorities that both select the pod: which one wins is undefined.
      ...admin.filter((p) => admin.some((q) => q !== p && q.priority === p.priority)).map((p) => p.ref),
    ];
    if (admin.length === 0 && !baseline && uncertain.length === 0) return NO_SIDE;
    return { admin, baseline, uncertain: [...new Set(uncertain)] };
  };
  return { ingress: side('ingress'), egress: side('egress') };
}

/** What the NetworkPolicy tier says, for the part of the traffic that reaches it. */
export interface NetworkPolicyTier {
  /** Some NetworkPolicy selects the pod for this direction (B3): it decides, BANP is never asked. */
  readonly isolated: boolean;
  readonly grants: readonly Grant[];
}

export interface TierVerdict {
  readonly allowed: ConnSet;
  /** Admin Allow rules, then NetworkPolicy rules, then BANP Allow rules, each with what it decided. */
  readonly grants: readonly Grant[];
  /** Admin and baseline Deny rules, each with what it decided. */
  readonly denials: readonly Grant[];
  /** Admin rules whose peers tell the peer's label variants apart. */
  readonly split: readonly PolicyRef[];
  /** ANP Pass rules, each with what it handed to the NetworkPolicy tier (for findings). */
  readonly passes: readonly Grant[];
  /**
   * ANP Allow rules, each with what it allowed that the isolating NetworkPolicies would not: the
   * narrowing those NetworkPolicies meant never applies there (for findings). Empty when not isolated.
   */
  readonly overrides: readonly Grant[];
}

/**
 * Evaluates the tiers for one peer. `peer` is the other end with its `podLabels`, then each other
 * label variant; `dstPorts` resolve named ports (the destination pod's container ports).
 */
export function evaluateTiers(
  side: AdminSide,
  direction: Direction,
  peer: readonly [PeerTarget, ...PeerTarget[]],
  dstPorts: readonly ContainerPort[] | null,
  networkPolicy: NetworkPolicyTier,
): TierVerdict {
  const [target, ...variants] = peer;
  const grants: Grant[] = [];
  const denials: Grant[] = [];
  const split: PolicyRef[] = [];
  const passes: Grant[] = [];
  let allowed = ConnSet.none;
  /** Not yet decided by any admin rule. */
  let pending = ConnSet.all;
  /** Decided by a Pass rule: handed to the NetworkPolicy tier. */
  let passed = ConnSet.none;
  const firstMatch = (
    rules: readonly AdminRule[],
    policy: PolicyRef,
    onPass: (rule: AdminRule, c: ConnSet) => void,
  ) => {
    for (const rule of rules) {
      const hit = rule.peers.matches(target);
      if (variants.some((v) => rule.peers.matches(v) !== hit)) split.push(policy);
      if (!hit) continue;
      const conns = rule.ports.resolve(dstPorts).intersect(pending);
      if (conns.isEmpty()) continue;
      pending = pending.subtract(conns);
      if (rule.action === 'Allow') {
        allowed = allowed.union(conns);
        grants.push({ rule: rule.ref, conns });
      } else if (rule.action === 'Deny') {
        denials.push({ rule: rule.ref, conns });
      } else {
        onPass(rule, conns);
      }
      if (pending.isEmpty()) return;
    }
  };
  for (const policy of side.admin) {
    // B2: Pass skips the remaining ANP rules (of every ANP) for that traffic.
    firstMatch(policy[direction], policy.ref, (rule, c) => {
      passed = passed.union(c);
      passes.push({ rule: rule.ref, conns: c });
    });
    if (pending.isEmpty()) break;
  }
  const toNetworkPolicy = pending.union(passed);
  if (networkPolicy.isolated) {
    const npAllows = networkPolicy.grants.reduce((acc, g) => acc.union(g.conns), ConnSet.none);
    const overrides = grants
      .map((g) => ({ rule: g.rule, conns: g.conns.subtract(npAllows) }))
      .filter((g) => !g.conns.isEmpty());
    for (const g of networkPolicy.grants) {
      const conns = g.conns.intersect(toNetworkPolicy);
      if (conns.isEmpty()) continue;
      grants.push({ rule: g.rule, conns });
      allowed = allowed.union(conns);
    }
    return { allowed, grants, denials, split, passes, overrides };
  }
  pending = toNetworkPolicy;
  if (side.baseline && !pending.isEmpty()) firstMatch(side.baseline[direction], side.baseline.ref, () => {});
  // B4: what no tier decided is allowed.
  return { allowed: allowed.union(pending), grants, denials, split, passes, overrides: [] };
}
