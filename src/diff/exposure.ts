import { serviceSelectorMatches } from '../manifests/label-match.js';
import type { ClusterModel } from '../model/types.js';
import type { Exposure, PeerInfo } from './changes.js';
import type { PairDiff } from './pair-diff.js';

/** How a pair's source is outside the cluster, and the source to report instead when it is a gateway hop. */
export interface OutsideSource {
  readonly exposure: Exposure;
  readonly source?: PeerInfo;
}

/** Service types that give a workload an address outside the cluster (a node port or a load balancer). */
const EXPOSING_TYPES = new Set(['NodePort', 'LoadBalancer']);

/** Ids of the workloads a NodePort or LoadBalancer Service of the model selects. */
export function exposedWorkloads(model: ClusterModel): Set<string> {
  const exposed = new Set<string>();
  for (const svc of model.services) {
    if (!EXPOSING_TYPES.has(svc.type) || !svc.selector) continue;
    for (const w of model.workloads) {
      if (w.namespace === svc.namespace && serviceSelectorMatches(svc.selector, w.podLabels))
        exposed.add(w.id);
    }
  }
  return exposed;
}

/**
 * How a pair's source is outside the cluster: a gateway hop (`gateways` knows its ingress source),
 * an external address reaching an exposed workload (in either revision), or any other external address.
 */
export function outsideSource<P extends PairDiff>(
  pair: P,
  exposed: ReadonlySet<string>,
  gateways?: (pair: P) => OutsideSource | undefined,
): OutsideSource | undefined {
  const viaGateway = gateways?.(pair);
  if (viaGateway) return viaGateway;
  if (pair.src.kind !== 'external') return undefined;
  return { exposure: exposed.has(pair.dst.id) ? 'service' : 'address' };
}
