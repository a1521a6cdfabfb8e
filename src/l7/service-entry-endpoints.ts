import type { L4Engine } from '../l4/engine-api.js';
import type { SideVerdict } from '../l4/verdict.js';
import { matchesLabels } from '../manifests/label-match.js';
import { externalPeer, workloadPeer } from '../model/peers.js';
import type { ClusterModel, Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { PortSet } from '../values/port-set.js';
import type { ServiceEntryModel, ServiceEntryPort } from './service-entry-types.js';

// Where a ServiceEntry's traffic really goes (F12): its STATIC endpoints' addresses, or the pods its
// workloadSelector selects. The client's sidecar connects to those, so they are what NetworkPolicy
// sees, on the endpoint's own port.

export interface EndpointReach {
  /** The entry port's connections, when some endpoint is reached. */
  readonly allowed: ConnSet;
  readonly egress: SideVerdict | null;
  readonly ingress: SideVerdict | null;
}

/** The port an endpoint listens on for an entry port: its `ports[name]`, else the entry's targetPort, else the port. */
function endpointPort(port: ServiceEntryPort, mapped: Readonly<Record<string, number>>): number {
  return (port.name !== undefined ? mapped[port.name] : undefined) ?? port.targetPort ?? port.number;
}

/** STATIC endpoints with addresses: reached when NetworkPolicy egress allows some endpoint on its port. */
export function staticEndpointReach(
  l4: L4Engine,
  client: Workload,
  entry: ServiceEntryModel,
  port: ServiceEntryPort,
): EndpointReach | undefined {
  if (entry.resolution !== 'STATIC' || entry.endpoints.length === 0 || entry.workloadSelector)
    return undefined;
  let first: SideVerdict | null = null;
  for (const e of entry.endpoints) {
    const side = l4.egress(client, externalPeer(e.address));
    first ??= side;
    const on = ConnSet.of('TCP', PortSet.range(endpointPort(port, e.ports)));
    if (!side.allowed.intersect(on).isEmpty())
      return { allowed: ConnSet.of('TCP', PortSet.range(port.number)), egress: side, ingress: null };
  }
  return { allowed: ConnSet.none, egress: first, ingress: null };
}

/** The pods a workloadSelector entry selects (its namespace, F12). */
export function selectedPods(model: ClusterModel, entry: ServiceEntryModel): Workload[] {
  const labels = entry.workloadSelector;
  if (!labels) return [];
  return model.workloads.filter((w) => w.namespace === entry.namespace && matchesLabels(labels, w.podLabels));
}

/**
 * A workloadSelector entry: the host is its pods, reached like any pair on their port (NetworkPolicy
 * both ways; with `pair`, also the pods' Istio policies), or nothing when it selects none.
 */
export function selectedPodsReach(
  pods: readonly Workload[],
  l4: L4Engine | undefined,
  client: Workload,
  port: ServiceEntryPort,
  pair?: (client: Workload, pod: Workload, conns: ConnSet) => ConnSet,
): EndpointReach {
  let egress: SideVerdict | null = null;
  let ingress: SideVerdict | null = null;
  for (const pod of pods) {
    if (pod.id === client.id) continue;
    const on = ConnSet.of('TCP', PortSet.range(port.targetPort ?? port.number));
    const e = l4?.egress(client, workloadPeer(pod)) ?? null;
    const i = l4?.ingress(pod, workloadPeer(client)) ?? null;
    egress ??= e;
    ingress ??= i;
    const allowed = pair
      ? pair(client, pod, on)
      : on.intersect(e?.allowed ?? ConnSet.all).intersect(i?.allowed ?? ConnSet.all);
    if (!allowed.isEmpty())
      return { allowed: ConnSet.of('TCP', PortSet.range(port.number)), egress: e, ingress: i };
  }
  return { allowed: ConnSet.none, egress, ingress };
}
