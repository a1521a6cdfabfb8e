import type { PolicyRef, RuleRef } from '../core/refs.js';
import type { ConnSet } from '../values/conn-set.js';

/** One rule and the connections it allows toward (egress) or from (ingress) one peer. */
export interface Grant {
  readonly rule: RuleRef;
  readonly conns: ConnSet;
}

/** What one direction (the source's egress or the destination's ingress) allows for one peer. */
export interface SideVerdict {
  /** Policies that select the pod for this direction. Empty: not isolated, so everything is allowed. */
  readonly isolatedBy: readonly PolicyRef[];
  /** Rules that allow some connection with the peer, each with what it allows (named ports resolved). */
  readonly grants: readonly Grant[];
  /**
   * Policies that could not be understood but might select this pod: the answer may be wrong in
   * either direction, so the cell is uncertain and the check fails closed.
   */
  readonly uncertainBy: readonly PolicyRef[];
  /**
   * AdminNetworkPolicy / BaselineAdminNetworkPolicy Deny rules that decided some connection with
   * the peer, each with what it denied (SEMANTICS B). Absent or empty without admin policies.
   */
  readonly denials?: readonly Grant[];
  /** AdminNetworkPolicy Pass rules that handed some connection on to NetworkPolicy (see TierVerdict). */
  readonly passes?: readonly Grant[];
  /** AdminNetworkPolicy Allow rules that allowed what the isolating NetworkPolicies would not (see TierVerdict). */
  readonly overrides?: readonly Grant[];
  /**
   * Not isolated and no admin tier: all; isolated: the union of the grants. With admin tiers, also
   * what no tier decided (B4: default allow).
   */
  readonly allowed: ConnSet;
}

/** The L3/L4 answer for one (source, destination) pair. */
export interface L4Cell {
  readonly allowed: ConnSet;
  /** The source's egress; `null` when the source is outside the cluster (not subject to policy). */
  readonly egress: SideVerdict | null;
  /** The destination's ingress; `null` when the destination is outside the cluster. */
  readonly ingress: SideVerdict | null;
}
