import type { RuleRef } from '../core/refs.js';
import type { IpRange } from '../values/ip-range.js';
import type { CitedRule } from './gateway-types.js';

// ServiceEntry hosts as destinations of the matrix (issue 17 item 1; SEMANTICS F12): compiled in
// src/compile/service-entries.ts, evaluated in src/l7/service-entry-hops.ts.

export interface ServiceEntryEndpoint {
  readonly address: IpRange;
  /** `ports`: entry port name -> this endpoint's port. */
  readonly ports: Readonly<Record<string, number>>;
}

export interface ServiceEntryPort {
  readonly number: number;
  /** `name`: endpoints map it to their own port. */
  readonly name?: string;
  /** `targetPort`: the port of the endpoints (or selected pods) when they give none. */
  readonly targetPort?: number;
  /** Upper-case Istio protocol (`HTTP`, `HTTPS`, `TLS`, `TCP`, ...); `TCP` when not given. */
  readonly protocol: string;
}

/** One valid ServiceEntry (networking.istio.io). */
export interface ServiceEntryModel {
  readonly namespace: string;
  readonly name: string;
  /** Lower-cased hosts as written. */
  readonly hosts: readonly string[];
  /** `addresses` as ranges; empty: the host's addresses are resolved at runtime (unknown here). */
  readonly addresses: readonly IpRange[];
  readonly ports: readonly ServiceEntryPort[];
  /** `MESH_EXTERNAL` (default) or `MESH_INTERNAL`. */
  readonly location: string;
  /** `NONE`, `STATIC`, `DNS`, `DNS_ROUND_ROBIN`. */
  readonly resolution: string;
  /** `endpoints` with an IP address (STATIC resolution): what NetworkPolicy egress sees of a sidecar's call. */
  readonly endpoints: readonly ServiceEntryEndpoint[];
  /** Endpoints given by name (DNS), resolved at runtime: their addresses are unknown here. */
  readonly namedEndpoints: number;
  /** `workloadSelector.labels`: the entry's endpoints are these pods of its namespace. */
  readonly workloadSelector?: Readonly<Record<string, string>>;
  /** Namespaces it is exported to (`*` all, `.` its own resolved); default `*` (F12). */
  readonly exportTo: readonly string[];
  readonly rule: CitedRule;
  /** The whole object, for causes. */
  readonly ref: RuleRef;
}
