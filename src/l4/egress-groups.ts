import type { Selection } from './selection.js';
import { hasAdmin } from './tiers.js';

/**
 * Numbers the egress sides of selections: `egress(src, dst)` and `egressCandidates(src)` read a
 * source only through its selection's egress policies, its egress uncertainty and its admin egress
 * tier, so two selections with equal such parts (by object) get equal numbers and answer alike
 * toward every destination. A selection with an admin egress tier keeps a number of its own (no
 * grouping is attempted through AdminNetworkPolicies).
 */
export class EgressGroups {
  private readonly objects = new WeakMap<object, number>();
  private objectCount = 0;
  private readonly groups = new Map<string, number>();
  private readonly bySelection = new WeakMap<Selection, number>();

  of(selection: Selection): number {
    let group = this.bySelection.get(selection);
    if (group === undefined) {
      const admin = selection.admin.egress;
      const text =
        hasAdmin(admin) || admin.uncertain.length > 0
          ? `s${this.id(selection)}`
          : `${selection.egress.map((p) => this.id(p)).join(',')}|${selection.uncertain.egress.map((r) => this.id(r)).join(',')}`;
      group = this.groups.get(text);
      if (group === undefined) {
        group = this.groups.size;
        this.groups.set(text, group);
      }
      this.bySelection.set(selection, group);
    }
    return group;
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
