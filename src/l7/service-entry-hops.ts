import type { L4Engine } from '../l4/engine-api.js';
import type { L4Cell, SideVerdict } from '../l4/verdict.js';
import { externalPeer } from '../model/peers.js';
import type { ClusterModel, Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { cutAddressSpace, type IpRange, parseCidr } from '../values/ip-range.js';
import { PortSet } from '../values/port-set.js';
import type { HopVerdict } from './gateway-hops.js';
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
}

const ALL_V4: IpRange = parseCidr('0.0.0.0/0');

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
): EgressHop[] {
  const hops: EgressHop[] = [];
  const cuts = l4 ? cutAddressSpace(l4.ipBoundaries).filter((r) => r.family === 4) : [];
  for (const entry of entries) {
    // Every workload: a namespace the entry is not exported to still reaches the host by
    // passthrough under ALLOW_ANY (F12 'unmatched', F10), and one without a sidecar dials it directly.
    const clients = model.workloads;
    for (const port of entry.ports) {
      const conns = ConnSet.of('TCP', PortSet.range(port.number));
      for (const client of clients) {
        const reach = l4 ? egressTo(l4, client, entry, conns, cuts) : { allowed: conns, egress: null };
        for (const host of entry.hosts) {
          const l4Cell: L4Cell = { allowed: reach.allowed, egress: reach.egress, ingress: null };
          const scoped = scope
            ? hostScope(scope, client, entry, host, port.number)
            : { kind: 'routed' as const };
          const uncertain = [
            ...(reach.uncertain ? [reach.uncertain(host)] : []),
            ...(scoped.kind === 'partly' ? [scoped.why] : []),
          ];
          hops.push({
            client,
            destinationId: `${host}:${port.number}/${port.protocol}`,
            entry,
            verdict: { l4: l4Cell, effective: scoped.kind === 'blackhole' ? ConnSet.none : reach.allowed },
            ...(uncertain.length > 0 ? { uncertainBecause: uncertain.join('; ') } : {}),
            ...(scoped.kind === 'routed' ? {} : { scopeBecause: scoped.why }),
          });
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
