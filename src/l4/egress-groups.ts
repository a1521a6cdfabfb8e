import type { PolicyRef } from '../core/refs.js';
import type { K8sObject } from '../manifests/types.js';
import type { CompiledPolicy } from './netpol-compile.js';
import type { Selection } from './selection.js';
import { hasAdmin } from './tiers.js';

/** What EgressGroups reads of the revision's policies (PolicyIndex). */
export interface PolicyTexts {
  readonly specs: ReadonlyMap<PolicyRef, string>;
  readonly objects: ReadonlyMap<PolicyRef, K8sObject>;
}

/**
 * Numbers the egress sides of selections: `egress(src, dst)` and `egressCandidates(src)` read a
 * source only through its selection's egress policies, its egress uncertainty and its admin egress
 * tier, so two selections with equal such parts get equal numbers and allow the same connections
 * toward every destination (the grants name their own policies' rules). Policies are compared by
 * effect: their spec (A4: the union of the rules, in any order), and their namespace only when a
 * peer of theirs means it (a podSelector without namespaceSelector, A9); so the namespace-wide
 * `allow egress to the cluster` of every namespace is one group. Uncertain policies count by
 * object, and a selection with an admin egress tier keeps a number of its own (no grouping is
 * attempted through AdminNetworkPolicies).
 */
export class EgressGroups {
  private readonly objects = new WeakMap<object, number>();
  private objectCount = 0;
  private readonly groups = new Map<string, number>();
  private readonly bySelection = new WeakMap<Selection, number>();

  constructor(private readonly policies: PolicyTexts) {}

  of(selection: Selection): number {
    let group = this.bySelection.get(selection);
    if (group === undefined) {
      const admin = selection.admin.egress;
      const text =
        hasAdmin(admin) || admin.uncertain.length > 0
          ? `s${this.id(selection)}`
          : `${selection.egress
              .map((p) => this.effect(p))
              .sort()
              .join(',')}|${selection.uncertain.egress.map((r) => this.id(r)).join(',')}`;
      group = this.groups.get(text);
      if (group === undefined) {
        group = this.groups.size;
        this.groups.set(text, group);
      }
      this.bySelection.set(selection, group);
    }
    return group;
  }

  /** A policy's egress effect as text (the policy itself when its spec is not known). */
  private effect(p: CompiledPolicy): string {
    const spec = this.policies.specs.get(p.ref);
    const object = this.policies.objects.get(p.ref);
    if (spec === undefined || object === undefined) return `p${this.id(p)}`;
    return ownNamespaceRead(object) ? `${spec}@${p.ref.namespace}` : spec;
  }

  private id(o: object): number {
    let n = this.objects.get(o);
    if (n === undefined) {
      n = this.objectCount++;
      this.objects.set(o, n);
    }
    return n;
  }
}

/**
 * Whether an egress peer of the policy selects pods of the policy's own namespace (A9: a
 * podSelector without namespaceSelector), or the rules are not plain enough to tell.
 */
function ownNamespaceRead(object: K8sObject): boolean {
  const spec = object.body.spec as { egress?: unknown } | undefined;
  const rules = spec?.egress;
  if (rules === undefined || rules === null) return false;
  if (!Array.isArray(rules)) return true;
  return rules.some((rule: unknown) => {
    if (!rule || typeof rule !== 'object') return true;
    const to = (rule as { to?: unknown }).to;
    if (to === undefined || to === null) return false;
    if (!Array.isArray(to)) return true;
    return to.some(
      (peer: unknown) =>
        !peer || typeof peer !== 'object' || !('namespaceSelector' in peer || 'ipBlock' in peer),
    );
  });
}
