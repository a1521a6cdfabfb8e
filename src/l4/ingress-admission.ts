import type { Workload } from '../model/types.js';
import type { CompiledPolicy } from './netpol-compile.js';
import type { NamespaceSelection, PeerTarget } from './peer-matcher.js';

/** What IngressAdmission reads of the engine (engine.ts). */
export interface AdmissionInput {
  readonly workloads: readonly Workload[];
  nodeTraffic(w: Workload): boolean;
  /** The ingress policies selecting `w`, and whether an admin tier may let any peer in. */
  ingressOf(w: Workload): { readonly policies: readonly CompiledPolicy[]; readonly admin: boolean };
  namespaces(): NamespaceSelection;
  /** How a pod looks to a peer selector. */
  target(w: Workload): PeerTarget;
}

/**
 * L4Engine.ingressAdmitting: the reverse of the ingress candidates. Built once per revision: the
 * workloads whose candidates are `all`, and per ingress policy the others it selects; then a
 * source is matched against each policy's rules, not against each destination's candidate list.
 */
export class IngressAdmission {
  private readonly always: Workload[] = [];
  private readonly byPolicy = new Map<CompiledPolicy, Workload[]>();
  private readonly order: ReadonlyMap<Workload, number>;

  constructor(private readonly input: AdmissionInput) {
    this.order = new Map(input.workloads.map((w, i) => [w, i]));
    for (const w of input.workloads) {
      if (this.admitsAnyone(w)) {
        this.always.push(w);
        continue;
      }
      for (const policy of input.ingressOf(w).policies) {
        const list = this.byPolicy.get(policy);
        if (list) list.push(w);
        else this.byPolicy.set(policy, [w]);
      }
    }
  }

  /** Every workload whose ingress may let `src` in, in model order. */
  admitting(src: Workload): readonly Workload[] {
    // Selectors never match node traffic (A17): only the destinations admitting anyone let it in.
    if (this.input.nodeTraffic(src)) return this.always;
    const namespaces = this.input.namespaces();
    const target = this.input.target(src);
    const admitting = new Set<Workload>(this.always);
    for (const [policy, selected] of this.byPolicy) {
      const names = policy.ingress!.some((rule) => {
        const where = rule.peers.podNamespaces(namespaces);
        return (where === 'all' || where.includes(src.namespace)) && rule.peers.matches(target);
      });
      if (names) for (const d of selected) admitting.add(d);
    }
    return [...admitting].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }

  /**
   * Whether `pod`'s ingress candidates are `all` (see the engine's candidatesOf and matchedPods),
   * without enumerating its rules' pods: not isolated, an admin tier, or a rule naming every namespace.
   */
  private admitsAnyone(pod: Workload): boolean {
    const { policies, admin } = this.input.ingressOf(pod);
    if (policies.length === 0 || admin) return true;
    const namespaces = this.input.namespaces();
    return policies.some((p) => p.ingress!.some((r) => r.peers.podNamespaces(namespaces) === 'all'));
  }
}
