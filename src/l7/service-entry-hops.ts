import type { L4Engine } from '../l4/engine-api.js';
import type { L4Cell, SideVerdict } from '../l4/verdict.js';
import { externalPeer } from '../model/peers.js';
import type { ClusterModel, Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { cutAddressSpace, type IpRange, parseCidr } from '../values/ip-range.js';
import { PortSet } from '../values/port-set.js';
import type { HopVerdict } from './gateway-hops.js';
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
}

const ALL_V4: IpRange = parseCidr('0.0.0.0/0');

/**
 * Every (client, ServiceEntry host port) of a revision (issue 17 item 1, F12): a client reaches the
 * host when its NetworkPolicy egress allows the entry's addresses on the port; without addresses
 * they are resolved at runtime, so only an egress open to every external address is certain.
 * Clients are the workloads of the namespaces the entry is exported to.
 * TODO(M1): Sidecar scope and REGISTRY_ONLY: the outbound mode is taken as ALLOW_ANY (the mesh
 * default), under which a host outside a Sidecar's scope is still forwarded (F10).
 */
export function serviceEntryHops(
  model: ClusterModel,
  entries: readonly ServiceEntryModel[],
  l4: L4Engine | undefined,
): EgressHop[] {
  const hops: EgressHop[] = [];
  const cuts = l4 ? cutAddressSpace(l4.ipBoundaries).filter((r) => r.family === 4) : [];
  for (const entry of entries) {
    const clients = model.workloads.filter(
      (w) => entry.exportTo.includes('*') || entry.exportTo.includes(w.namespace),
    );
    for (const port of entry.ports) {
      const conns = ConnSet.of('TCP', PortSet.range(port.number));
      for (const client of clients) {
        const reach = l4 ? egressTo(l4, client, entry, conns, cuts) : { allowed: conns, egress: null };
        for (const host of entry.hosts) {
          const l4Cell: L4Cell = { allowed: reach.allowed, egress: reach.egress, ingress: null };
          hops.push({
            client,
            destinationId: `${host}:${port.number}/${port.protocol}`,
            entry,
            verdict: { l4: l4Cell, effective: reach.allowed },
            ...(reach.uncertain ? { uncertainBecause: reach.uncertain(host) } : {}),
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
