import type { SourceLocation } from '../core/location.js';
import type { RuleRef } from '../core/refs.js';
import type { Protocol } from '../model/types.js';
import type { ConnSet } from '../values/conn-set.js';
import type { PortSet } from '../values/port-set.js';
import type { RequestSet } from './request-set.js';

/** Whether a workload runs an Istio sidecar, and which rule of SEMANTICS C decided it. */
export interface SidecarInfo {
  readonly injected: boolean;
  /** The rule id (`C1`, `C2a`, `C3`, `C7`, `config:all`, ...). */
  readonly rule: string;
  /** Human reason: `namespace prod has istio-injection=enabled`, `hostNetwork: true`, ... */
  readonly reason: string;
  /**
   * The same reason as a cell says it of "the client": `its namespace has ...`, so that clients of
   * different namespaces with the same decision share a cell (the pair shown names the client).
   */
  readonly clientReason: string;
  /** `cluster.local/ns/<ns>/sa/<sa>` (trust domain from the config), also for pods without a sidecar. */
  readonly identity: string;
  /** Where the deciding label or annotation is, when it is in the pod template. */
  readonly location?: SourceLocation;
  /**
   * Set when the answer rests on namespace labels the input does not hold (no Namespace object in
   * it): `injected` is then a guess (labels empty) and this says why it may be wrong (rule C2).
   */
  readonly unknown?: string;
}

/**
 * - `all`: every request (HTTP) or connection (TCP) gets through, unconditionally.
 * - `some`: a strict, non-empty subset of requests, decided statically.
 * - `conditional`: what gets through depends on request headers, JWT claims or request principals.
 * - `external`: a CUSTOM policy's external authorizer decides (part of) it (SEMANTICS D5.1).
 * - `none`: nothing gets through (DENY, allow-nothing, or a transport mismatch).
 * - `not-enforced`: Istio does not look at this traffic (no sidecar, UDP/SCTP, port not captured).
 */
export type L7Verdict = 'all' | 'some' | 'conditional' | 'external' | 'none' | 'not-enforced';

/** Which Envoy filter chain judged the traffic (SEMANTICS D18); `none` when Istio is bypassed. */
export type L7Chain = 'http' | 'tcp' | 'none';

/** Why an outcome is what it is: `STRICT mTLS rejects plaintext from a client without a sidecar`. */
export interface L7Reason {
  /** Stable code, e.g. `mtls-strict-plaintext`, `allow-nothing`, `no-sidecar`, `http-rule-dropped-on-tcp`. */
  readonly code: string;
  readonly message: string;
  /** The rule or policy behind it (a PeerAuthentication, an AuthorizationPolicy rule), when there is one. */
  readonly rule?: RuleRef;
}

/** The answer of one filter chain for a port segment. */
export interface L7Outcome {
  readonly chain: L7Chain;
  readonly verdict: L7Verdict;
  /**
   * What gets through. `RequestSet.all` for `all` and `not-enforced`, empty for `none`. On the TCP chain
   * only the `when` dimension can be restricted (by a CUSTOM authorizer).
   */
  readonly requests: RequestSet;
  /** The rules that allow or deny part of it (allow rules that grant something, deny rules that remove something). */
  readonly rules: readonly RuleRef[];
  readonly reasons: readonly L7Reason[];
}

/**
 * How the destination sidecar classifies the ports (SEMANTICS D18): declared `http` or `tcp` by a
 * Service port name/appProtocol, `auto` when undeclared or unknown (protocol sniffing, both chains
 * are reported), `bypass` when Istio does not see the traffic.
 */
export type PortClass = 'http' | 'tcp' | 'auto' | 'bypass';

/** One protocol/port segment of the L4-allowed connections, with the same answer on every port. */
export interface L7Segment {
  readonly protocol: Protocol;
  readonly ports: PortSet;
  readonly portClass: PortClass;
  /** Summary over `outcomes` (equal verdicts stay, otherwise the most specific of external/conditional/some). */
  readonly verdict: L7Verdict;
  /** One outcome, or two for `auto` ports: HTTP first (HTTP clients), then TCP (anything else). */
  readonly outcomes: readonly L7Outcome[];
  /** Some pattern could not be represented exactly and was widened (allowed side over-approximated). */
  readonly approximate: boolean;
  /** A policy that applies here was invalid (istiod skips the bad rule, admission would reject it). */
  readonly uncertain: boolean;
}

/** What Istio allows from one source to one destination on the connections that L4 already allows. */
export interface L7Cell {
  /** Sorted by protocol, then port. Cover exactly the L4-allowed connections. */
  readonly segments: readonly L7Segment[];
  /** Ports where at least some request or connection gets through (not-enforced ports included). */
  readonly effective: ConnSet;
  readonly conditional: boolean;
  readonly external: boolean;
  readonly approximate: boolean;
  readonly uncertain: boolean;
}
