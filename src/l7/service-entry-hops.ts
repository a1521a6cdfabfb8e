import { ruleLabel } from '../core/refs.js';
import type { L4Engine } from '../l4/engine-api.js';
import type { L4Cell, SideVerdict } from '../l4/verdict.js';
import { externalPeer } from '../model/peers.js';
import type { ClusterModel, Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { cutAddressSpace, type IpRange, parseCidr } from '../values/ip-range.js';
import { PortSet } from '../values/port-set.js';
import { type EgressRoute, egressRoute, gatewayLeg, gatewayProxies } from './gateway-egress.js';
import type { HopVerdict } from './gateway-hops.js';
import type { CitedRule, GatewayModel, IstioGateway } from './gateway-types.js';
import { selectedPods, selectedPodsReach, staticEndpointReach } from './service-entry-endpoints.js';
import { type ClientScope, hostScope } from './service-entry-scope.js';
import type { ServiceEntryModel } from './service-entry-types.js';

/** What one client reaches on one ServiceEntry host port. */
export interface EgressHop {
  readonly client: Workload;
  /** `api.stripe.com:443/TLS`: the destination the report names. */
  readonly destinationId: string;
  readonly entry: ServiceEntryModel;
  readonly verdict: HopVerdict;
  /**
   * Why the answer may be wrong: the host's addresses are resolved at runtime and NetworkPolicy
   * egress admits only some external addresses on the port (F12: unknown DNS addresses).
   */
  readonly uncertainBecause?: string;
  /** How the client's sidecar treats the call when the Sidecar scope or registry decided (F9, F10). */
  readonly scopeBecause?: string;
  /** The routes that send the call through an egress gateway (the mesh route, the gateway's server and route). */
  readonly routes?: readonly CitedRule[];
}

const ALL_V4: IpRange = parseCidr('0.0.0.0/0');

/** The mesh's gateways, for hosts routed through an egress gateway (only with the Istio layer). */
export interface EgressGateways {
  readonly edges: GatewayModel;
  /** What the client reaches on a gateway pod, judged as any pair (NetworkPolicy, the pod's authorization). */
  readonly reach: (client: Workload, pod: Workload, conns: ConnSet) => ConnSet;
}

/**
 * Every (client, ServiceEntry host port) of a revision (issue 17 item 1, F12): a client reaches the
 * host when its NetworkPolicy egress allows the entry's addresses on the port; without addresses
 * they are resolved at runtime, so only an egress open to every external address is certain.
 * With the mesh (`scope`), a client's sidecar routes the call when the host is exported to its
 * namespace and imported by its Sidecar on the port; otherwise the call is unmatched: ALLOW_ANY
 * still forwards it (passthrough), REGISTRY_ONLY blackholes it (F9, F10, F12). A client without a
 * sidecar dials the host directly. Without the mesh, NetworkPolicy alone decides, from every workload.
 */
export function serviceEntryHops(
  model: ClusterModel,
  entries: readonly ServiceEntryModel[],
  l4: L4Engine | undefined,
  scope?: ClientScope,
  gateways?: EgressGateways,
): EgressHop[] {
  const hops: EgressHop[] = [];
  const cuts = l4 ? cutAddressSpace(l4.ipBoundaries).filter((r) => r.family === 4) : [];
  const proxies = gateways ? gatewayProxies(gateways.edges) : new Map();
  for (const entry of entries) {
    // Every workload: a namespace the entry is not exported to still reaches the host by
    // passthrough under ALLOW_ANY (F12 'unmatched', F10), and one without a sidecar dials it directly.
    const clients = model.workloads;
    const pods = selectedPods(model, entry);
    for (const port of entry.ports) {
      const conns = ConnSet.of('TCP', PortSet.range(port.number));
      for (const client of clients) {
        const reach: Reach & { ingress?: SideVerdict | null } = entry.workloadSelector
          ? selectedPodsReach(pods, l4, client, port, gateways?.reach)
          : l4
            ? (staticEndpointReach(l4, client, entry, port) ?? egressTo(l4, client, entry, conns, cuts))
            : { allowed: conns, egress: null };
        for (const host of entry.hosts) {
          const l4Cell: L4Cell = {
            allowed: reach.allowed,
            egress: reach.egress,
            ingress: reach.ingress ?? null,
          };
          const scoped = scope
            ? hostScope(scope, client, entry, host, port.number)
            : { kind: 'routed' as const };
          const uncertain = [
            ...(reach.uncertain ? [reach.uncertain(host)] : []),
            ...(scoped.kind === 'partly' ? [scoped.why] : []),
          ];
          const hop: EgressHop = {
            client,
            destinationId: `${host}:${port.number}/${port.protocol}`,
            entry,
            verdict: { l4: l4Cell, effective: scoped.kind === 'blackhole' ? ConnSet.none : reach.allowed },
            ...(uncertain.length > 0 ? { uncertainBecause: uncertain.join('; ') } : {}),
            ...(scoped.kind === 'routed' ? {} : { scopeBecause: scoped.why }),
          };
          const ctx = { l4, cuts, entry, host, conns };
          const asProxy = gateways ? proxies.get(client.id) : undefined;
          const viaGateway = gateways && !asProxy && scoped.kind === 'routed' && scope?.injected(client);
          const routed = viaGateway ? egressRoute(gateways.edges, model, host, port.number) : undefined;
          hops.push(
            asProxy && gateways
              ? fromGatewayPods(hop, asProxy, gateways, host, port.number)
              : routed && gateways
                ? throughGateway(hop, routed, gateways, ctx)
                : hop,
          );
        }
      }
    }
  }
  return hops;
}

interface Reach {
  readonly allowed: ConnSet;
  readonly egress: SideVerdict | null;
  readonly uncertain?: (host: string) => string;
}

function egressTo(
  l4: L4Engine,
  client: Workload,
  entry: ServiceEntryModel,
  conns: ConnSet,
  cuts: readonly IpRange[],
): Reach {
  const side = (range: IpRange) => l4.egress(client, externalPeer(range));
  if (entry.addresses.length > 0) {
    const sides = entry.addresses.map(side);
    const allowed = sides.reduce((acc, s) => acc.union(s.allowed.intersect(conns)), ConnSet.none);
    return { allowed, egress: sides.find((s) => !s.allowed.intersect(conns).isEmpty()) ?? sides[0]! };
  }
  const everywhere = side(ALL_V4);
  const certain = everywhere.allowed.intersect(conns);
  if (!certain.isEmpty()) return { allowed: certain, egress: everywhere };
  // Only some external addresses: the host's runtime addresses may or may not be among them.
  const some = cuts.map(side).find((s) => !s.allowed.intersect(conns).isEmpty());
  if (!some) return { allowed: ConnSet.none, egress: everywhere };
  return {
    allowed: some.allowed.intersect(conns),
    egress: some,
    uncertain: (host) =>
      `${host} has no addresses in ServiceEntry ${entry.namespace}/${entry.name} (resolved at runtime), and NetworkPolicy egress of ${client.id} allows only some external addresses on ${conns.toString()} (F12)`,
  };
}

interface LegContext {
  readonly l4: L4Engine | undefined;
  readonly cuts: readonly IpRange[];
  readonly entry: ServiceEntryModel;
  readonly host: string;
  readonly conns: ConnSet;
}

/**
 * A client whose sidecar sends the host to an egress gateway (F2): it reaches the host when it
 * reaches some gateway pod (NetworkPolicy both ways, the pod's AuthorizationPolicy with the
 * client's identity) and that pod's NetworkPolicy egress lets it on to the host; the client's own
 * egress toward the host's addresses plays no part.
 */
function throughGateway(hop: EgressHop, route: EgressRoute, gw: EgressGateways, ctx: LegContext): EgressHop {
  const cited = [...new Set(route.rules.map((r) => ruleLabel(r.rule)))].join(', ');
  const via = `routed through egress gateway ${route.gateway.key} (${cited})`;
  if (!route.sends) {
    const why = `${via}, but no route of the gateway sends ${ctx.host} on: the gateway drops it`;
    return {
      ...hop,
      verdict: { ...hop.verdict, effective: ConnSet.none },
      scopeBecause: why,
      routes: route.rules,
    };
  }
  const out = ConnSet.of('TCP', PortSet.range(route.outPort));
  let reached = false;
  let uncertain: string | undefined;
  let egress: SideVerdict | null = null;
  for (const pod of route.pods) {
    const first = gw.reach(hop.client, pod.workload, ConnSet.of('TCP', PortSet.range(pod.port)));
    if (first.isEmpty()) continue;
    const second = ctx.l4
      ? egressTo(ctx.l4, pod.workload, ctx.entry, out, ctx.cuts)
      : { allowed: out, egress: null };
    if (second.allowed.isEmpty()) continue;
    reached = true;
    egress = second.egress;
    uncertain = second.uncertain?.(ctx.host);
    break;
  }
  const allowed = reached ? ctx.conns : ConnSet.none;
  const { uncertainBecause: _, ...rest } = hop;
  return {
    ...rest,
    verdict: { l4: { allowed, egress, ingress: null }, effective: allowed },
    ...(uncertain ? { uncertainBecause: uncertain } : {}),
    scopeBecause: reached ? via : `${via}, and the gateway pods or their egress block it`,
    routes: route.rules,
  };
}

/**
 * Istio's gateway pods are proxies: they send a host only where their Gateway's routes send it
 * (F1), whatever their NetworkPolicy egress allows; Sidecar scopes do not apply to them (F8).
 */
function fromGatewayPods(
  hop: EgressHop,
  gateways: readonly IstioGateway[],
  gw: EgressGateways,
  host: string,
  port: number,
): EgressHop {
  const sends = gateways.some((g) => {
    const leg = gatewayLeg(gw.edges, g, host, undefined);
    return leg !== undefined && (leg.port ?? port) === port;
  });
  if (sends) return hop;
  return {
    ...hop,
    verdict: { ...hop.verdict, effective: ConnSet.none },
    scopeBecause: `gateway pods of ${gateways.map((g) => g.key).join(', ')} send ${host} only where a route of theirs does, and none does on port ${port}`,
  };
}
