import { type Diagnostic, type DiagnosticReach, REACH_ALL } from '../core/diagnostics.js';
import { digest } from '../core/digest.js';
import { fileLine } from '../core/location.js';
import { contentDigest } from '../l4/policy-index.js';
import {
  DEFAULT_ISTIO_RELEASE,
  isIstioGroup,
  istioServedError,
  splitApiVersion,
} from '../manifests/kinds.js';
import type { K8sObject } from '../manifests/types.js';
import { objectLabel } from '../model/read.js';
import type { ClusterModel } from '../model/types.js';

/**
 * A kind that changes who can reach whom but is not modelled yet (issues 16, 17, 20; the
 * v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy are modelled in src/l4). Its objects
 * may open or close anything in their scope, so their presence alone makes that scope uncertain:
 * even an EnvoyFilter that only sets stats cannot be told apart from one that drops traffic.
 */
interface UnmodelledKind {
  readonly group: string;
  readonly kind: string;
  /** What the kind does to reachability, for the message. */
  readonly why: string;
  /**
   * `namespace`: the pairs of its own namespace (mesh-wide in the Istio root namespace); `all`:
   * every pair; `from-outside`: the pairs whose source is outside the cluster (an ingress gateway
   * routes traffic from outside only; between pods, sidecars never pass through it).
   */
  readonly scope: 'namespace' | 'all' | 'from-outside';
}

const UNMODELLED: readonly UnmodelledKind[] = [
  {
    group: 'policy.networking.k8s.io',
    kind: 'ClusterNetworkPolicy',
    scope: 'all',
    why: 'a cluster-wide tier around every NetworkPolicy',
  },
  {
    group: 'cilium.io',
    kind: 'CiliumNetworkPolicy',
    scope: 'namespace',
    why: 'Cilium enforces it next to NetworkPolicies',
  },
  {
    group: 'cilium.io',
    kind: 'CiliumClusterwideNetworkPolicy',
    scope: 'all',
    why: 'Cilium enforces it cluster-wide next to NetworkPolicies',
  },
  {
    group: 'projectcalico.org',
    kind: 'GlobalNetworkPolicy',
    scope: 'all',
    why: 'Calico enforces it cluster-wide next to NetworkPolicies',
  },
  {
    group: 'crd.projectcalico.org',
    kind: 'GlobalNetworkPolicy',
    scope: 'all',
    why: 'Calico enforces it cluster-wide next to NetworkPolicies',
  },
  {
    group: 'crd.antrea.io',
    kind: 'ClusterNetworkPolicy',
    scope: 'all',
    why: 'Antrea enforces it cluster-wide next to NetworkPolicies',
  },
  {
    group: 'networking.istio.io',
    kind: 'EnvoyFilter',
    scope: 'namespace',
    why: 'it can rewrite any proxy configuration, including what is allowed',
  },
  {
    group: 'networking.istio.io',
    kind: 'WorkloadEntry',
    scope: 'namespace',
    why: 'it adds a workload outside Kubernetes to the mesh',
  },
  {
    group: 'networking.istio.io',
    kind: 'WorkloadGroup',
    scope: 'namespace',
    why: 'it adds workloads outside Kubernetes to the mesh',
  },
  {
    group: 'gateway.networking.k8s.io',
    kind: 'Gateway',
    scope: 'from-outside',
    why: 'it deploys or configures a gateway that accepts traffic',
  },
];

/** Objects named in one diagnostic; the rest are counted. */
const NAMED = 3;

export interface KindCheck {
  /** The Istio release the versions were judged by: the repository's install, else 1.20. */
  readonly release: string;
  /** Istio objects of a version the release does not serve: the API server rejects them. */
  readonly rejected: ReadonlySet<K8sObject>;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Which Istio objects the analysed release serves (SEMANTICS V1), and one diagnostic per kind that
 * changes reachability but is not modelled. Both are errors: the result is incomplete, and only
 * the pairs those objects could touch are uncertain.
 */
export function checkKinds(
  model: ClusterModel,
  release: string | undefined,
  rootNamespace: string,
): KindCheck {
  const analysed = release ?? DEFAULT_ISTIO_RELEASE;
  const diagnostics: Diagnostic[] = [];
  const rejected = new Set<K8sObject>();
  for (const objects of model.objectsByKind.values()) {
    for (const o of objects) {
      const error = isIstioGroup(o.apiVersion) ? istioServedError(o.apiVersion, o.kind, analysed) : undefined;
      if (!error) continue;
      rejected.add(o);
      diagnostics.push({
        severity: 'error',
        code: 'istio-version-not-served',
        message: `${objectLabel(o)}: ${error}${release ? '' : ' (the release analysed when the repository installs none)'}; the API server rejects it, so it takes no effect`,
        location: o.locate(['apiVersion']),
        dropped: objectLabel(o),
        reach: reachOf([o], 'namespace', rootNamespace),
      });
    }
  }
  for (const k of UNMODELLED) {
    const objects = (model.objectsByKind.get(k.kind) ?? []).filter(
      (o) => splitApiVersion(o.apiVersion).group === k.group && !rejected.has(o),
    );
    if (objects.length > 0) diagnostics.push(unmodelled(k, objects, rootNamespace));
  }
  return { release: analysed, rejected, diagnostics };
}

function reachOf(
  objects: readonly K8sObject[],
  scope: UnmodelledKind['scope'],
  root: string,
): DiagnosticReach {
  // An ambient waypoint (class istio-waypoint) sits between pods: it reaches its namespace's pairs.
  if (scope === 'from-outside' && !objects.some(isWaypoint)) return { kind: 'from-outside' };
  const namespaces = [...new Set(objects.map((o) => o.namespace))].sort();
  if (scope === 'all' || namespaces.some((ns) => ns === '' || ns === root)) return REACH_ALL;
  return { kind: 'namespaces', namespaces };
}

function isWaypoint(o: K8sObject): boolean {
  const spec = o.body.spec;
  const cls =
    spec && typeof spec === 'object' ? (spec as Record<string, unknown>).gatewayClassName : undefined;
  return cls === 'istio-waypoint' || o.labels['istio.io/waypoint-for'] !== undefined;
}

function unmodelled(k: UnmodelledKind, objects: readonly K8sObject[], root: string): Diagnostic {
  const reach = reachOf(objects, k.scope, root);
  const named = objects.slice(0, NAMED).map((o) => `${objectLabel(o)} (${fileLine(o.location)})`);
  const more = objects.length > NAMED ? ` and ${objects.length - NAMED} more` : '';
  const where =
    reach.kind === 'namespaces'
      ? `pairs in namespace${reach.namespaces.length > 1 ? 's' : ''} ${reach.namespaces.join(', ')}`
      : reach.kind === 'from-outside'
        ? 'paths from outside the cluster'
        : 'every pair';
  return {
    severity: 'error',
    code: 'kind-not-modelled',
    message: `${objects.length} ${k.kind} (${k.group}) not analysed yet: ${named.join(', ')}${more}. ${k.kind} changes who can reach whom (${k.why}), so the result for ${where} is uncertain`,
    location: objects[0]!.location,
    dropped: `${objects.length} ${k.kind}`,
    reach,
    inputDigest: digest(`${k.group}/${k.kind}\u0000${objects.map(contentDigest).sort().join('\u0000')}`),
  };
}

/** The model without the objects the API server rejects, for the stages that compile policies. */
export function withoutRejected(model: ClusterModel, rejected: ReadonlySet<K8sObject>): ClusterModel {
  if (rejected.size === 0) return model;
  const objectsByKind = new Map(
    [...model.objectsByKind].map(([kind, list]) => [kind, list.filter((o) => !rejected.has(o))] as const),
  );
  return { ...model, objectsByKind };
}
