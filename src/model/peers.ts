import { formatRange, type IpRange } from '../values/ip-range.js';
import type { Workload } from './types.js';

/** A workload (all its replicas are one peer). */
export interface WorkloadPeer {
  readonly kind: 'workload';
  /** `namespace/name[Kind]`. */
  readonly id: string;
  readonly workload: Workload;
}

/** A range of addresses outside the cluster, cut at every ipBlock boundary. */
export interface ExternalPeer {
  readonly kind: 'external';
  /** `first-last[External]`. */
  readonly id: string;
  readonly range: IpRange;
}

export type Peer = WorkloadPeer | ExternalPeer;

export function workloadPeer(workload: Workload): WorkloadPeer {
  return { kind: 'workload', id: workload.id, workload };
}

export function externalPeer(range: IpRange): ExternalPeer {
  return { kind: 'external', id: `${formatRange(range)}[External]`, range };
}
