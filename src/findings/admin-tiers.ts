import { fileLine } from '../core/location.js';
import { type PolicyRef, policyLabel, type RuleRef, ruleKey, ruleLabel } from '../core/refs.js';
import { sideUncertain } from '../explain/policies.js';
import type { Grant, SideVerdict } from '../l4/verdict.js';
import type { Peer, WorkloadPeer } from '../model/peers.js';
import { listSome, policyResource, type RevisionContext } from './context.js';
import type { RawFinding } from './types.js';

/**
 * Findings about the AdminNetworkPolicy tier (SEMANTICS B): a Pass rule whose traffic no
 * NetworkPolicy decides, and an Allow rule that decides what a NetworkPolicy meant to narrow.
 * Both are aggregated per ANP rule: a cluster-wide rule decides thousands of pairs, and the
 * reviewer fixes the rule, not a pair. Equal priorities get no finding: the index already
 * reports them as the admin-policy-same-priority diagnostic, and marks their pairs uncertain.
 */

interface RuleTally {
  readonly rule: RuleRef;
  pairs: number;
  /** Subject pods (the side the rule applies to), by id. */
  readonly pods: Set<string>;
  /** The isolating NetworkPolicies (overrides only), by object. */
  readonly policies: Set<PolicyRef>;
}

type Collect = (side: SideVerdict, pods: readonly string[], weight: number) => void;

/**
 * Walks every pair once per pair of matrix classes (equal classes, equal verdicts) and hands each
 * side to `collect` with the number of pairs it stands for. Externals are peers only as egress
 * destinations: ANP ingress peers name pods and namespaces, never addresses.
 */
function walkSides(ctx: RevisionContext, collect: Collect): void {
  const classes = new Map<number, WorkloadPeer[]>();
  for (const w of ctx.matrix.workloads) {
    const c = ctx.matrix.classOf(w);
    const list = classes.get(c);
    if (list) list.push(w);
    else classes.set(c, [w]);
  }
  const admin = ctx.rev.policies.networkPolicies.admin;
  if (admin.admin.length === 0) return;
  const groups = [...classes.values()];
  const idsOf = new Map(groups.map((g) => [g, g.map((p) => p.workload.id)]));
  const ids = (g: WorkloadPeer[]) => idsOf.get(g)!;
  for (const srcs of groups) {
    const src = srcs[0]!;
    for (const dsts of groups) {
      const same = dsts === srcs;
      const dst = same ? dsts[1] : dsts[0];
      if (!dst) continue;
      const weight = same ? srcs.length * (srcs.length - 1) : srcs.length * dsts.length;
      const cell = ctx.matrix.l4Verdict(src, dst);
      // Every pod of a class gets the representative's verdict, so the class's pods are named.
      if (cell.egress) collect(cell.egress, ids(srcs), weight);
      if (cell.ingress) collect(cell.ingress, ids(dsts), weight);
    }
    for (const ext of ctx.matrix.externals as readonly Peer[]) {
      const cell = ctx.matrix.l4Verdict(src, ext);
      if (cell.egress) collect(cell.egress, ids(srcs), srcs.length);
    }
  }
}

function tally(
  out: Map<string, RuleTally>,
  grants: readonly Grant[] | undefined,
  pods: readonly string[],
  weight: number,
  policies: readonly PolicyRef[],
) {
  for (const g of grants ?? []) {
    const key = ruleKey(g.rule);
    let t = out.get(key);
    if (!t) {
      t = { rule: g.rule, pairs: 0, pods: new Set(), policies: new Set() };
      out.set(key, t);
    }
    t.pairs += weight;
    for (const p of pods) t.pods.add(p);
    for (const p of policies) t.policies.add(p);
  }
}

const pairs = (n: number) => `${n} pair${n === 1 ? '' : 's'}`;

function adminResources(ctx: RevisionContext, ref: PolicyRef) {
  return policyResource(ref, ctx.rev.policies.networkPolicies.admin.objects.get(ref));
}

/** admin-pass-to-no-networkpolicy: a Pass rule hands pairs to a NetworkPolicy tier that has none. */
export function adminPassFindings(ctx: RevisionContext): RawFinding[] {
  const found = new Map<string, RuleTally>();
  walkSides(ctx, (side, pods, weight) => {
    // A side some NetworkPolicy isolates does pick the Pass up; an uncertain one is a guess.
    if (!side.passes || side.isolatedBy.length > 0 || sideUncertain(side)) return;
    tally(found, side.passes, pods, weight, []);
  });
  const baseline = ctx.rev.policies.networkPolicies.admin.baseline;
  const then = baseline
    ? `${policyLabel(baseline.ref)} and then the default allow decide`
    : 'the default allow decides';
  return [...found.values()].map((t) => {
    const pods = [...t.pods].sort();
    return {
      rule: 'admin-pass-to-no-networkpolicy',
      subject: ruleLabel(t.rule),
      message:
        `${ruleLabel(t.rule)} (${fileLine(t.rule.location)}) passes ${pairs(t.pairs)} to the NetworkPolicy tier, ` +
        `but no NetworkPolicy selects ${listSome(pods)} for that direction, so ${then} them (rules B2, B3). ` +
        'Fix: add the NetworkPolicy the Pass delegates to, or make the rule Allow or Deny.',
      locations: [t.rule.location],
      resources: [adminResources(ctx, t.rule.policy)],
    };
  });
}

/** admin-allow-overrides-networkpolicy: an Allow rule decides pairs a NetworkPolicy would block. */
export function adminAllowOverridesFindings(ctx: RevisionContext): RawFinding[] {
  const found = new Map<string, RuleTally>();
  walkSides(ctx, (side, pods, weight) => {
    if (!side.overrides || sideUncertain(side)) return;
    tally(found, side.overrides, pods, weight, side.isolatedBy);
  });
  return [...found.values()].map((t) => {
    const pods = [...t.pods].sort();
    const policies = [...t.policies];
    return {
      rule: 'admin-allow-overrides-networkpolicy',
      subject: ruleLabel(t.rule),
      message:
        `${ruleLabel(t.rule)} (${fileLine(t.rule.location)}) allows ${pairs(t.pairs)} of ${listSome(pods)} ` +
        `that ${listSome(policies.map((p) => `${policyLabel(p)} (${fileLine(p.location)})`))} would not allow: ` +
        'an AdminNetworkPolicy Allow decides before NetworkPolicy, which never sees these pairs (rule B2). ' +
        'Fix: use Pass to let the NetworkPolicy decide, narrow the ANP rule, or align the NetworkPolicy.',
      locations: [t.rule.location, ...policies.map((p) => p.location)],
      resources: [adminResources(ctx, t.rule.policy), ...policies.map((p) => policyResource(p))],
    };
  });
}
