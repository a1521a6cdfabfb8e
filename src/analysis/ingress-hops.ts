import { type GatewayHop, gatewayHops } from '../l7/gateway-hops.js';
import { type EgressHop, serviceEntryHops } from '../l7/service-entry-hops.js';
import { workloadPeer } from '../model/peers.js';
import type { Workload } from '../model/types.js';
import type { Layer } from '../report/types.js';
import type { ConnSet } from '../values/conn-set.js';
import type { AnalysedRevision } from './analyze-revision.js';

/**
 * A revision's gateway hops at a layer: `l4` without Istio, `l7` without NetworkPolicy (as the
 * matrices of those layers), `effective` with both.
 */
export function ingressHops(r: AnalysedRevision, layer: Layer): GatewayHop[] {
  const { traffic, gateways } = r.policies;
  // A subset of an invalid DestinationRule is unknown: all the Service's pods (the safe side).
  const subsets = (host: string, name: string) =>
    traffic.subsets.get(host)?.get(name)?.labels ?? (traffic.unknownSubsets.has(host) ? {} : undefined);
  return gatewayHops(r.model, gateways, subsets, {
    ...(layer === 'l7' ? {} : { l4: r.l4 }),
    ...(layer === 'l4' ? {} : { l7: r.l7 }),
  });
}

/**
 * A revision's (client, ServiceEntry host port) hops at a layer: NetworkPolicy egress (not at `l7`)
 * and the client sidecar's scope and outbound policy (not at `l4`) decide them.
 */
export function egressHops(r: AnalysedRevision, layer: Layer): EgressHop[] {
  const { istio } = r.policies;
  const scope =
    layer === 'l4' || !istio.client
      ? undefined
      : {
          client: istio.client,
          root: istio.rootNamespace,
          injected: (w: Workload) => r.l7.sidecar(w).injected,
        };
  const l4 = layer === 'l7' ? undefined : r.l4;
  // Through an egress gateway the client's leg is a pair like any other: NetworkPolicy both ways,
  // then the gateway pods' authorization with the client's identity.
  const reach = (client: Workload, pod: Workload, conns: ConnSet): ConnSet => {
    const allowed = l4
      ? conns
          .intersect(l4.egress(client, workloadPeer(pod)).allowed)
          .intersect(l4.ingress(pod, workloadPeer(client)).allowed)
      : conns;
    return allowed.isEmpty()
      ? allowed
      : r.l7.evaluate(workloadPeer(client), pod, allowed).effective.intersect(allowed);
  };
  const gateways = scope ? { edges: r.policies.gateways, reach } : undefined;
  return serviceEntryHops(r.model, r.policies.serviceEntries, l4, scope, gateways);
}
