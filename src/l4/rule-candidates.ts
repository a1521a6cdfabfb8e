import type { Workload } from '../model/types.js';
import type { Candidates } from './engine-api.js';

/** The pods one rule's peers match: asked one by one, listed (by namespace, then model order) on demand. */
export interface RulePods {
  has(w: Workload): boolean;
  list(): readonly Workload[];
  /** `list()` without keeping it. */
  listOnce(): readonly Workload[];
}

/** The union of the pods of a selection's rules, asked rule by rule; listed only when needed. */
export class RuleCandidates implements Candidates {
  private listed: readonly Workload[] | undefined;

  constructor(
    private readonly rules: readonly RulePods[],
    private readonly order: ReadonlyMap<Workload, number>,
    /** The unions `listOnce` built last (destinations of one selection are walked one after another). */
    private readonly recent?: RecentLists<RuleCandidates>,
  ) {}

  has(w: Workload): boolean {
    return this.rules.some((r) => r.has(w));
  }

  list(): readonly Workload[] {
    const order = this.order;
    this.listed ??=
      this.rules.length === 1
        ? this.rules[0]!.list()
        : [...new Set(this.rules.flatMap((r) => r.list()))].sort((a, b) => order.get(a)! - order.get(b)!);
    return this.listed;
  }

  listOnce(): readonly Workload[] {
    if (this.listed) return this.listed;
    if (this.rules.length === 1) return this.rules[0]!.listOnce();
    const order = this.order;
    const union = () =>
      [...new Set(this.rules.flatMap((r) => r.listOnce()))].sort((a, b) => order.get(a)! - order.get(b)!);
    return this.recent ? this.recent.list(this, union) : union();
  }
}

/**
 * The last few lists `listOnce` enumerated, by the rule's peers: a walk over every destination
 * (findings in base) meets the destinations a policy selects one after another (they are sorted by
 * namespace), and enumerated the same rule's pods for each (at 50,000 workloads a cross-namespace
 * rule's are thousands, matched pod by pod). Bounded, so the walk still holds no list per rule.
 */
export class RecentLists<K extends object> {
  private readonly lists = new Map<K, readonly Workload[]>();

  constructor(private readonly size: number) {}

  list(key: K, enumerate: () => readonly Workload[]): readonly Workload[] {
    let found = this.lists.get(key);
    if (found) {
      this.lists.delete(key);
    } else {
      found = enumerate();
      if (this.lists.size >= this.size) this.lists.delete(this.lists.keys().next().value!);
    }
    this.lists.set(key, found);
    return found;
  }
}
