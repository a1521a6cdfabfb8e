import type { ClusterModel, Workload } from '../model/types.js';
import { backends } from './gateway-routing.js';
import type {
  CitedRule,
  GatewayModel,
  GatewayRoute,
  GatewayVirtualService,
  IstioGateway,
} from './gateway-types.js';
import { parsePattern } from './pattern.js';
import { StringSet } from './string-set.js';

// Egress gateways (issue 17; F1, F2): a VirtualService that applies to sidecars sends a ServiceEntry
// host to the pods of an Istio Gateway, and a route of that Gateway sends it on to the host. The
// client then reaches the gateway pods, not the host; the gateway pods reach the host.

/** The mesh leg of a host port: the gateway whose pods the client's sidecar sends it to. */
export interface EgressRoute {
  readonly gateway: IstioGateway;
  /** The gateway pods the route's Service selects, with the container port the client connects to. */
  readonly pods: readonly { readonly workload: Workload; readonly port: number }[];
  /** Whether a route of the gateway sends the host on; without one the gateway drops it. */
  readonly sends: boolean;
  /** The port the gateway sends the host on (its route's destination port; the client's when not given). */
  readonly outPort: number;
  /** The mesh route, then the gateway's server and route. */
  readonly rules: readonly CitedRule[];
}

/**
 * The egress gateway a client's sidecar sends `host:port` to (F1, F2), or `undefined` when no
 * VirtualService applying to sidecars routes it to the pods of a Gateway. The first route that
 * applies to `mesh` on the port decides (first match wins; matches on SNI and headers are not told
 * apart, so the first such route stands for the host).
 */
export function egressRoute(
  edges: GatewayModel,
  model: ClusterModel,
  host: string,
  port: number,
): EgressRoute | undefined {
  for (const vs of edges.virtualServices) {
    if (!vs.mesh || !hostIn(vs.hosts, host)) continue;
    const route = vs.routes.find((r) => appliesTo(r, 'mesh', port));
    if (!route) continue;
    for (const d of route.destinations) {
      if (d.weight <= 0) continue;
      const targets = backends(model, d.host, d.port, undefined, () => ({}));
      const gateway = edges.gateways.find((g) =>
        targets.some((t) => (edges.pods.get(g.key) ?? []).some((w) => w.id === t.workload.id)),
      );
      if (!gateway) continue;
      const pods = (edges.pods.get(gateway.key) ?? []).flatMap((w) =>
        targets.filter((t) => t.workload.id === w.id),
      );
      const out = gatewayLeg(edges, gateway, host, d.port ?? port);
      const rules = [route.rule, ...(out?.rules ?? [])];
      return { gateway, pods, sends: out !== undefined, outPort: out?.port ?? port, rules };
    }
  }
  return undefined;
}

/**
 * Where a Gateway's routes send `host`: the destination port of the first route bound to it that
 * sends the host out, on a server port the client's traffic arrives at (`serverPort`; any when
 * `undefined`).
 */
export function gatewayLeg(
  edges: GatewayModel,
  gateway: IstioGateway,
  host: string,
  serverPort: number | undefined,
): { port: number | undefined; rules: readonly CitedRule[] } | undefined {
  for (const server of gateway.servers) {
    if (serverPort !== undefined && server.port !== serverPort) continue;
    if (!server.hosts.some((h) => StringSet.fromPatterns([parsePattern(h.host)]).has(host))) continue;
    for (const vs of boundTo(edges.virtualServices, gateway)) {
      if (!hostIn(vs.hosts, host)) continue;
      for (const route of vs.routes) {
        if (!appliesTo(route, gateway.key, server.port)) continue;
        const d = route.destinations.find((x) => x.weight > 0 && x.host === host);
        if (d) return { port: d.port, rules: [server.rule, route.rule] };
      }
    }
  }
  return undefined;
}

function boundTo(all: readonly GatewayVirtualService[], gateway: IstioGateway): GatewayVirtualService[] {
  return all.filter((vs) => vs.gateways.includes(gateway.key));
}

function appliesTo(route: GatewayRoute, gateway: string, port: number): boolean {
  if (route.completedBy) return false;
  if (route.gateways.length > 0 && !route.gateways.includes(gateway)) return false;
  return route.ports.length === 0 || route.ports.includes(port);
}

function hostIn(hosts: readonly string[], host: string): boolean {
  return StringSet.fromPatterns(hosts.map(parsePattern)).has(host);
}

/** The Istio gateways' own pods (not another Ingress controller's): proxies that send only what they route. */
export function gatewayProxies(edges: GatewayModel): Map<string, IstioGateway[]> {
  const out = new Map<string, IstioGateway[]>();
  for (const g of edges.gateways) {
    if (g.ingress && !g.ingress.istio) continue;
    for (const w of edges.pods.get(g.key) ?? []) out.set(w.id, [...(out.get(w.id) ?? []), g]);
  }
  return out;
}
