import type { RuleRef } from '../core/refs.js';
import type { Labels } from '../manifests/types.js';
import type { Workload } from '../model/types.js';
import type { RequestSet } from './request-set.js';

// The compiled model of the mesh's ingress edges (SEMANTICS F2-F6 at a gateway): Istio Gateways and
// the VirtualServices bound to them. src/compile/gateways.ts decodes them; src/l7/gateway-hops.ts
// evaluates the hop gateway -> backend like any other pair.

/** A rule that sends traffic somewhere, with a digest of its content: a diff cites the ones that changed. */
export interface CitedRule {
  readonly rule: RuleRef;
  readonly digest: string;
}

/** One listener of a Gateway (`spec.servers[i]`). */
export interface GatewayServer {
  readonly port: number;
  /** Upper-case: HTTP, HTTPS, HTTP2, GRPC, TCP, TLS, MONGO. */
  readonly protocol: string;
  /** `hosts` as written, split: `ns` is `*` when none was given (`./` is resolved to the Gateway's namespace). */
  readonly hosts: readonly { readonly namespace: string; readonly host: string }[];
  /** `tls.mode` (`SIMPLE`, `PASSTHROUGH`, ...), when TLS is configured. */
  readonly tlsMode?: string;
  /** `tls.httpsRedirect`: every HTTP request gets a 301, nothing reaches a backend. */
  readonly httpsRedirect: boolean;
  readonly rule: CitedRule;
}

/** An Istio `Gateway` (networking.istio.io), valid. */
export interface IstioGateway {
  /** `namespace/name`. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** Pod labels of the gateway workload (all namespaces unless the install scopes gateways). */
  readonly selector: Labels;
  readonly servers: readonly GatewayServer[];
  readonly rule: RuleRef;
  /**
   * Set when the gateway serves Kubernetes Ingresses (compile/gateway-ingresses.ts): Istio's own
   * (its ingress gateway pods, speaking mTLS) or another controller's (ordinary pods).
   */
  readonly ingress?: {
    readonly istio: boolean;
    /** `ns/name[Ingress]` for Istio's, `nginx[IngressClass]` for a controller's. */
    readonly label: string;
    readonly controller: string;
  };
}

/** One weighted destination of a gateway route. */
export interface GatewayRouteDest {
  /** FQDN (F1). */
  readonly host: string;
  readonly subset: string | undefined;
  readonly port: number | undefined;
  /** Percent of the route's traffic; 0 reaches nothing. */
  readonly weight: number;
}

/** One route of a VirtualService bound to gateways: `http[i]`, `tcp[i]` or `tls[i]`. */
export interface GatewayRoute {
  readonly kind: 'http' | 'tcp' | 'tls';
  /**
   * The requests the route matches, ignoring earlier routes (first match wins: gateway-hops
   * subtracts them). `RequestSet.all` for tcp/tls routes.
   */
  readonly matches: RequestSet;
  /** `match[].port` values; empty: any server port. */
  readonly ports: readonly number[];
  /** `match[].gateways` restricting the route to some of the VirtualService's gateways (`mesh` as written); empty: all. */
  readonly gateways: readonly string[];
  readonly destinations: readonly GatewayRouteDest[];
  /** The request is completed at the gateway (directResponse, redirect, fault.abort at 100%, F4). */
  readonly completedBy?: 'directResponse' | 'redirect' | 'fault.abort';
  /** What the backend sees instead of the matched requests (rewrite.uri / rewrite.authority, F3). */
  readonly rewrite?: { readonly uri?: string; readonly authority?: string };
  /** A match could not be represented exactly (a regex): the route's requests are over-approximated. */
  readonly approximate: boolean;
  readonly rule: CitedRule;
}

/** A VirtualService bound to gateways (`spec.gateways` naming some other than `mesh`). */
export interface GatewayVirtualService {
  /** `namespace/name` of the Gateways it binds (short names resolved in its namespace). */
  readonly gateways: readonly string[];
  /** It applies to sidecars too (`gateways` omitted or naming `mesh`, F1): its `mesh` routes send from clients. */
  readonly mesh?: boolean;
  /** Lower-cased hosts as written (the Host header a client sends to the gateway). */
  readonly hosts: readonly string[];
  readonly namespace: string;
  readonly routes: readonly GatewayRoute[];
}

/** A revision's ingress edges, decoded once. */
export interface GatewayModel {
  readonly gateways: readonly IstioGateway[];
  readonly virtualServices: readonly GatewayVirtualService[];
  /**
   * The pods of each Gateway (by key): the workloads its selector matches, or when the repository
   * has none, one assumed gateway workload in the mesh root namespace (said by a warning).
   */
  readonly pods: ReadonlyMap<string, readonly Workload[]>;
  /** Ids of the assumed gateway workloads (neither in the repository nor in config `mesh.gateways`). */
  readonly assumedPods: ReadonlySet<string>;
}

export const NO_GATEWAYS: GatewayModel = {
  gateways: [],
  virtualServices: [],
  pods: new Map(),
  assumedPods: new Set(),
};
