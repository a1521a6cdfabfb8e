import type { Diagnostic } from '../core/diagnostics.js';
import type { Peer } from '../model/peers.js';
import type { Workload } from '../model/types.js';
import type { IpRange } from '../values/ip-range.js';
import type { SideVerdict } from './verdict.js';

export interface L4Options {
  /**
   * Whether an ipBlock also matches pod IPs (Calico: yes; Cilium: no). Implementation-defined
   * (SEMANTICS A11); pods are never given IPs by a static tool, so `false` means ipBlocks only
   * ever match external peers.
   */
  readonly ipBlockMatchesPods: boolean;
  /**
   * How hostNetwork pods are treated (SEMANTICS A17, undefined by Kubernetes): `node` (default;
   * Calico, Cilium: their traffic is node traffic, no selector sees them) or `pod` (selected and
   * matched like any pod, as netpol-analyzer and OVN-Kubernetes do).
   */
  readonly hostNetworkPods?: 'node' | 'pod';
}

/** Whether a workload's traffic is node traffic under the given options (A17). */
export function isNodeTraffic(w: Workload, options: L4Options): boolean {
  return w.hostNetwork && (options.hostNetworkPods ?? 'node') === 'node';
}

/**
 * The address ranges policies name, cut per side: a source range is cut only by ingress ipBlocks, a
 * destination range only by egress ipBlocks and admin `networks`. Each ipBlock is its cidr minus
 * its excepts, in contiguous pieces.
 */
export interface IpPieces {
  readonly sources: readonly IpRange[];
  readonly destinations: readonly IpRange[];
}

/** The workloads some rule of a policy selection names (see `L4Engine.ingressCandidates`). */
export interface Candidates {
  /** Membership, answered from the rules' own sets without building the union. */
  has(w: Workload): boolean;
  /** Every candidate, by namespace then model order (built on first use). */
  list(): readonly Workload[];
  /** `list()` without keeping it: for a walk that visits each destination once. */
  listOnce?(): readonly Workload[];
}

/**
 * NetworkPolicy compiled once for one revision. All methods are pure and answer in time
 * proportional to the policies that select the pod, never to the number of workloads.
 */
export interface L4Engine {
  readonly diagnostics: readonly Diagnostic[];
  /** Every cidr and except of every ipBlock, to cut the external address space into peers. */
  readonly ipBoundaries: readonly IpRange[];
  /** What the address peers match, per side, for netpol-analyzer's external ranges (connlist). */
  readonly ipPieces?: IpPieces;
  /**
   * A grouping key: two workloads with the same signature get identical answers from `egress`
   * and `ingress`, as source and as destination, against every peer.
   */
  signature(workload: Workload): string;
  /**
   * Everything the answers for `workload` depend on (its namespace and labels, its ports, the
   * content of the policies that select it), comparable across revisions compiled with the same
   * options: when a source's and a destination's fingerprints are equal in two revisions, so are
   * the answers between them. Lets the diff skip pairs that cannot have changed. Optional: without
   * it every pair is compared.
   */
  fingerprint?(workload: Workload): string;
  /**
   * The workloads `dst`'s ingress rules may let in (a superset: `ingress` decides), or `all` when its
   * ingress is not isolated or a rule admits pods of any namespace. Time proportional to its rules
   * and the pods of the namespaces they name: for checks about pairs that must not visit every
   * pair of the cluster. Optional: without it, callers treat every workload as a candidate.
   */
  ingressCandidates?(dst: Workload): 'all' | Candidates;
  /** The same for the destinations `src`'s egress rules may let out to. */
  egressCandidates?(src: Workload): 'all' | Candidates;
  /**
   * The reverse of `ingressCandidates`: every workload whose ingress may let `src` in (its
   * candidates are `all` or hold `src`), in model order. Time proportional to the ingress rules of
   * the revision plus the answer, not to the workloads: the diff asks it for the few sources a pull
   * request changes. Optional.
   */
  ingressAdmitting?(src: Workload): readonly Workload[];
  /**
   * A number per source such that two sources with equal numbers get equal `egress` answers toward
   * every peer and equal `egressCandidates` (src/l4/egress-groups.ts). Optional.
   */
  egressGroup?(src: Workload): number;
  /**
   * Whether `ingress(dst, src)` may depend on the source: false when `dst`'s ingress is not
   * isolated and no admin tier selects it (every source gets the same answer). Optional.
   */
  ingressReadsSource?(dst: Workload): boolean;
  /** What `src`'s egress allows toward `dst`. */
  egress(src: Workload, dst: Peer): SideVerdict;
  /** What `dst`'s ingress allows from `src`. */
  ingress(dst: Workload, src: Peer): SideVerdict;
}
