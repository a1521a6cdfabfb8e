import type { RuleRef } from '../core/refs.js';
import type { IpRange } from '../values/ip-range.js';
import type { CitedRule } from './gateway-types.js';

// ServiceEntry hosts as destinations of the matrix (issue 17 item 1; SEMANTICS F12): compiled in
// src/compile/service-entries.ts, evaluated in src/l7/service-entry-hops.ts.

export interface ServiceEntryPort {
  readonly number: number;
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
  /** Namespaces it is exported to (`*` all, `.` its own resolved); default `*` (F12). */
  readonly exportTo: readonly string[];
  readonly rule: CitedRule;
  /** The whole object, for causes. */
  readonly ref: RuleRef;
}
