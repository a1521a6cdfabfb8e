import type { SourceLocation } from '../core/location.js';
import type { K8sObject, Labels } from '../manifests/types.js';

import type { Protocol } from '../values/protocol.js';

// Re-exported so model readers keep one import; the definition lives with the other value types.
export { PROTOCOLS, type Protocol } from '../values/protocol.js';

export interface Namespace {
  readonly name: string;
  /** Always includes `kubernetes.io/metadata.name`. */
  readonly labels: Labels;
  readonly annotations: Labels;
  /** Where the Namespace object (or the config entry that declared it) is; absent for implicit ones. */
  readonly location?: SourceLocation;
  /** `manifest` (a Namespace object), `config` (declared in .policy-diff.yaml), `implicit` (only referenced). */
  readonly origin: 'manifest' | 'config' | 'implicit';
}

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

/** A container as far as the analysis cares: ports and resources (for sidecar checks). */
export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly ports: readonly ContainerPort[];
  /** Raw `resources` block (requests/limits as written). */
  readonly resources?: Readonly<Record<string, unknown>>;
  /** `Always` marks a native sidecar in initContainers. */
  readonly restartPolicy?: string;
}

export const WORKLOAD_KINDS = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'ReplicationController',
  'Pod',
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** A set of identical pods: a workload controller's template, or bare pods grouped by owner. */
export interface Workload {
  /** `namespace/name[Kind]`, the peer name used in every output. Unique within a revision. */
  readonly id: string;
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly namespace: string;
  /** Labels of the pod template (what selectors see). */
  readonly podLabels: Labels;
  /** Annotations of the pod template (what the injector reads). */
  readonly podAnnotations: Labels;
  readonly containers: readonly Container[];
  readonly initContainers: readonly Container[];
  /** All container ports of the pod (regular containers), for named-port resolution. */
  readonly ports: readonly ContainerPort[];
  readonly serviceAccountName: string;
  readonly hostNetwork: boolean;
  readonly location: SourceLocation;
  /** The controller manifest, or for bare pods the first pod of the group (its labels are `podLabels`). */
  readonly object: K8sObject;
  /** Bare Pod objects grouped into this workload (replicas), in input order; absent when none. */
  readonly podObjects?: readonly K8sObject[];
  /**
   * Present only when those pods (or pods and their controller's template) disagree on labels: every
   * distinct label set, `podLabels` first. Selectors that tell them apart make the peer ambiguous.
   */
  readonly podLabelVariants?: readonly Labels[];
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  /** Number or name of the container port; defaults to `port`. */
  readonly targetPort: number | string;
  readonly protocol: Protocol;
  readonly appProtocol?: string;
}

export interface Service {
  readonly name: string;
  readonly namespace: string;
  /** `undefined`: no selector (endpoints managed elsewhere). */
  readonly selector: Labels | undefined;
  readonly ports: readonly ServicePort[];
  readonly type: string;
  readonly location: SourceLocation;
  readonly object: K8sObject;
}

/**
 * Everything one revision declares, normalised. Policies stay as objects here: each engine
 * (L4, L7) compiles the kinds it owns from `objectsByKind`.
 */
export interface ClusterModel {
  readonly revision: string;
  /** Sorted by name. */
  readonly namespaces: ReadonlyMap<string, Namespace>;
  /** Sorted by id. */
  readonly workloads: readonly Workload[];
  readonly services: readonly Service[];
  /** Every parsed object by kind (NetworkPolicy, AuthorizationPolicy, ...), in file order. */
  readonly objectsByKind: ReadonlyMap<string, readonly K8sObject[]>;
}
