import type { SourceLocation } from '../core/location.js';

// The change vocabulary: what the diff says about a pair of workloads. The report carries these
// values as they are, so they live with the diff and the report imports them (not the reverse).

export type ChangeKind = 'opened' | 'closed' | 'changed';

/** One source -> destination pair whose allowed connections differ between base and head. */
export interface PathChange {
  readonly kind: ChangeKind;
  readonly source: PeerInfo;
  readonly destination: PeerInfo;
  /** Connections before and after in the netpol-analyzer form (`TCP 80,UDP 53`, `All Connections`). */
  readonly before: string;
  readonly after: string;
  /** What became allowed / no longer allowed (`TCP 8080`), empty when nothing. */
  readonly added: string;
  readonly removed: string;
  /** The rules behind the change: what allows the added part in head, what allowed the removed part in base, what isolates. */
  readonly causes: readonly Cause[];
  /**
   * A policy that could not be understood touches this pair, or input that could not be read or
   * understood may (a diagnostic's reach covers it): the change may be wrong.
   */
  readonly uncertain: boolean;
  /** The diagnostics that reach this pair, `revision:file:line code` (capped with `and N more`). */
  readonly uncertainBecause?: readonly string[];
  /** `workload default/x[Deployment] added`, when the pair exists because a workload appeared or vanished. */
  readonly workloadsDiff?: string;
  /** What Istio lets through before and after, per port (`TCP 8080 (http): {methods:GET}`), when it differs. */
  readonly l7Before?: string;
  readonly l7After?: string;
  /**
   * How what Istio lets through changed on the ports allowed before and after (a `changed` pair):
   * `widened` (more requests get through), `narrowed` (fewer) or `changed` (some more, some fewer).
   * Absent when the L7 scope is the same there.
   */
  readonly l7Change?: L7Change;
  /**
   * Present when the source is outside the cluster, saying how it gets in: a new path from outside
   * is the highest-risk change a pull request can make (see `Exposure`). Absent inside the cluster.
   */
  readonly fromOutside?: Exposure;
  /** The cluster or environment the pair is in, when the repository has several (report.targets). */
  readonly target?: string;
}

/**
 * How a path from outside the cluster gets in:
 * - `gateway`: a route of an Istio ingress Gateway (the source is its `ingress` peer);
 * - `service`: an external address reaching a workload that a NodePort or LoadBalancer Service exposes;
 * - `address`: an external address range the policies admit (no NodePort/LoadBalancer Service in the repository).
 */
export type Exposure = 'gateway' | 'service' | 'address';

export type L7Change = 'widened' | 'narrowed' | 'changed';

export interface PeerInfo {
  /**
   * `namespace/name[Kind]`, `first-last[External]`, or for what enters through an Istio ingress
   * Gateway `outside via namespace/name[Gateway]`.
   */
  readonly id: string;
  readonly kind: 'workload' | 'external' | 'ingress';
  /** Namespace of a workload; undefined for external and ingress peers. */
  readonly namespace?: string;
}

export interface Cause {
  readonly revision: 'base' | 'head';
  readonly layer: 'l4' | 'l7';
  /** `allows`: the rule allows (part of) the connection; `isolates`: the policy isolates the pod so only its rules allow; `denies`: an explicit deny. */
  readonly effect: 'allows' | 'isolates' | 'denies' | 'uncertain';
  /** Which side enforces it: the source's egress or the destination's ingress. */
  readonly direction?: 'egress' | 'ingress';
  /** `NetworkPolicy prod/allow-web ingress[0]`. */
  readonly rule: string;
  /** What part of the connection it concerns, e.g. `TCP 8080`. */
  readonly conns?: string;
  readonly location: SourceLocation;
}
