import { matchesLabels, serviceSelectorMatches } from '../manifests/label-match.js';
import type { Labels } from '../manifests/types.js';
import type { ClusterModel, Service, Workload } from '../model/types.js';
import type { CitedRule, GatewayModel, GatewayRoute, GatewayServer, IstioGateway } from './gateway-types.js';
import { parsePattern } from './pattern.js';
import { RequestSet } from './request-set.js';
import { StringSet } from './string-set.js';

/** The subsets a DestinationRule defines for a host (F6): name -> labels. */
export type SubsetLookup = (host: string, subset: string) => Labels | undefined;

/** What one gateway sends to one backend port, and which rules say so. */
export interface RoutedPort {
  readonly backend: Workload;
  /** The backend's container port. */
  readonly port: number;
  /** `http` for HTTP routes, `tcp` for TCP and TLS routes. */
  readonly chain: 'http' | 'tcp';
  /** The requests the backend sees (after rewrites); `RequestSet.all` on the tcp chain. */
  readonly requests: RequestSet;
  readonly approximate: boolean;
  /** The Gateway server and the VirtualService routes behind it. */
  readonly rules: readonly CitedRule[];
}

const HTTP_SERVERS = new Set(['HTTP', 'HTTPS', 'HTTP2', 'GRPC']);
const PASSTHROUGH = new Set(['PASSTHROUGH', 'AUTO_PASSTHROUGH']);

/**
 * Which backend ports a Gateway's routes reach, with the requests per port (F1-F6 at a gateway):
 * for each server, the VirtualServices bound to the Gateway whose hosts the server accepts; their
 * routes in order (first match wins), without the routes that complete the request at the gateway
 * (F4) and the 0% destinations; a destination's Service and subset give the backend pods (F6).
 */
export function routedPorts(
  gateway: IstioGateway,
  edges: GatewayModel,
  model: ClusterModel,
  subsets: SubsetLookup,
): RoutedPort[] {
  const out = new Map<string, RoutedPort>();
  const add = (p: RoutedPort) => {
    const key = `${p.backend.id}|${p.port}|${p.chain}`;
    const was = out.get(key);
    out.set(
      key,
      was
        ? {
            ...was,
            requests: was.requests.union(p.requests),
            approximate: was.approximate || p.approximate,
            rules: [...was.rules, ...p.rules],
          }
        : p,
    );
  };
  for (const server of gateway.servers) {
    const kinds = routeKinds(server);
    if (kinds.length === 0) continue;
    for (const vs of edges.virtualServices) {
      if (!vs.gateways.includes(gateway.key)) continue;
      const hosts = acceptedHosts(server, vs.hosts, vs.namespace);
      if (hosts.isEmpty()) continue;
      let remaining = RequestSet.cube({ hosts });
      for (const route of vs.routes) {
        if (!kinds.includes(route.kind) || !appliesTo(route, gateway, server)) continue;
        const requests = route.matches.intersect(remaining);
        remaining = remaining.subtract(route.matches);
        if (requests.isEmpty() || route.completedBy) continue;
        for (const d of route.destinations) {
          if (d.weight <= 0) continue;
          for (const target of backends(model, d.host, d.port, d.subset, subsets)) {
            add({
              backend: target.workload,
              port: target.port,
              chain: route.kind === 'http' ? 'http' : 'tcp',
              requests: route.kind === 'http' ? rewritten(requests, route) : RequestSet.all,
              approximate: route.approximate,
              rules: [route.rule, server.rule],
            });
          }
        }
      }
    }
  }
  return [...out.values()];
}

/** Which VirtualService route kinds a server hands its traffic to. */
function routeKinds(server: GatewayServer): GatewayRoute['kind'][] {
  if (server.protocol === 'HTTP' && server.httpsRedirect) return []; // every request gets a 301
  if (server.protocol === 'TLS' || (server.protocol === 'HTTPS' && PASSTHROUGH.has(server.tlsMode ?? '')))
    return PASSTHROUGH.has(server.tlsMode ?? '') ? ['tls'] : ['tcp', 'tls'];
  if (HTTP_SERVERS.has(server.protocol)) return ['http'];
  return ['tcp'];
}

function appliesTo(route: GatewayRoute, gateway: IstioGateway, server: GatewayServer): boolean {
  if (route.gateways.length > 0 && !route.gateways.includes(gateway.key)) return false;
  return route.ports.length === 0 || route.ports.includes(server.port);
}

/** The VirtualService's hosts the server accepts (its `hosts`, with their namespace restriction). */
function acceptedHosts(server: GatewayServer, hosts: readonly string[], namespace: string): StringSet {
  const allowed = StringSet.fromPatterns(
    server.hosts
      .filter((h) => h.namespace === '*' || h.namespace === namespace)
      .map((h) => parsePattern(h.host)),
  );
  return StringSet.fromPatterns(hosts.map(parsePattern)).intersect(allowed);
}

/** F3: what the backend's authorization sees after `rewrite.uri` / `rewrite.authority`. */
function rewritten(requests: RequestSet, route: GatewayRoute): RequestSet {
  if (!route.rewrite) return requests;
  let out = RequestSet.none;
  for (const c of requests.cubes) {
    out = out.union(
      RequestSet.cube({
        ...c,
        // A prefix rewrite keeps the rest of the path: only the new prefix is known.
        ...(route.rewrite.uri !== undefined
          ? { paths: StringSet.fromPatterns([{ kind: 'ps', prefix: route.rewrite.uri, suffix: '' }]) }
          : {}),
        ...(route.rewrite.authority !== undefined ? { hosts: StringSet.of([route.rewrite.authority]) } : {}),
      }),
    );
  }
  return out;
}

/** The pods behind a destination host (a Service FQDN) and their container port (F2, F6). */
export function backends(
  model: ClusterModel,
  host: string,
  port: number | undefined,
  subset: string | undefined,
  subsets: SubsetLookup,
): { workload: Workload; port: number }[] {
  const svc = serviceOf(model, host);
  if (!svc) return [];
  const subsetLabels = subset === undefined ? {} : subsets(host, subset);
  // A subset no DestinationRule defines returns 503 (F6).
  if (subsetLabels === undefined) return [];
  // Without a port, a single-port Service's port; for several, every one (the safe side: none is hidden).
  const ports = port === undefined ? svc.ports : svc.ports.filter((p) => p.port === port);
  const out: { workload: Workload; port: number }[] = [];
  for (const w of model.workloads) {
    if (w.namespace !== svc.namespace || !serviceSelectorMatches(svc.selector, w.podLabels)) continue;
    if (!matchesLabels(subsetLabels, w.podLabels)) continue;
    for (const sp of ports) {
      const target =
        typeof sp.targetPort === 'number'
          ? sp.targetPort
          : w.ports.find((c) => c.name === sp.targetPort)?.containerPort;
      if (target !== undefined && sp.protocol === 'TCP') out.push({ workload: w, port: target });
    }
  }
  return out;
}

function serviceOf(model: ClusterModel, host: string): Service | undefined {
  const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(host);
  if (!m) return undefined;
  return model.services.find((s) => s.name === m[1] && s.namespace === m[2]);
}
