import { suggestKey } from '../core/suggest.js';

/**
 * The kinds the API server serves, per group and version, for the releases analysed: Kubernetes
 * 1.25-1.31 and Istio 1.20+ (SEMANTICS V1). An object of a kind or version its cluster does not
 * serve is rejected by `kubectl apply`, so it never takes effect. Only groups listed here are
 * judged: a kind of any other group may come from a CRD we do not know, and is left alone.
 */

/** Built-in groups whose versions serve the same kinds in every release 1.25-1.31. */
const KUBERNETES: Readonly<Record<string, readonly string[]>> = {
  v1: [
    'Binding',
    'ComponentStatus',
    'ConfigMap',
    'Endpoints',
    'Event',
    'LimitRange',
    // A client-side kind kubectl unpacks; one without items is still no error.
    'List',
    'Namespace',
    'Node',
    'PersistentVolume',
    'PersistentVolumeClaim',
    'Pod',
    'PodTemplate',
    'ReplicationController',
    'ResourceQuota',
    'Secret',
    'Service',
    'ServiceAccount',
  ],
  'apps/v1': ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'],
  'batch/v1': ['CronJob', 'Job'],
  'networking.k8s.io/v1': ['Ingress', 'IngressClass', 'NetworkPolicy'],
};

/** Kinds we analyse whose only served home is one version: elsewhere (`extensions/v1beta1`) they are rejected. */
const ANALYSED_HOME: Readonly<Record<string, string>> = {
  NetworkPolicy: 'networking.k8s.io/v1',
  // Ingress and IngressClass left networking.k8s.io/v1beta1 and extensions/v1beta1 in 1.22.
  Ingress: 'networking.k8s.io/v1',
  IngressClass: 'networking.k8s.io/v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

/** Groups whose removed versions still appear in old manifests; no release 1.25-1.31 serves these kinds there. */
const REMOVED_GROUPS = new Set(['extensions', 'apps', 'batch', 'networking.k8s.io']);

/** An Istio version served from release `since` on ([major, minor]; [0, 0] means every release here). */
type Since = readonly [number, number];
const ALWAYS: Since = [0, 0];
const V1_PROMOTION: Since = [1, 22];

const NETWORKING_V1: Readonly<Record<string, Since>> = {
  v1alpha3: ALWAYS,
  v1beta1: ALWAYS,
  v1: V1_PROMOTION,
};

/**
 * Istio's CRDs: group -> kind -> version -> first release serving it (SEMANTICS V1). Checked against
 * `served: true` in istio/istio `manifests/charts/base/crds/crd-all.gen.yaml` (tags 1.20.0-1.23.0)
 * and `manifests/charts/base/files/crd-all.gen.yaml` (1.24.0-1.29.0): test/manifests/istio-served-versions.test.ts.
 */
const ISTIO: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, Since>>>>>> = {
  'security.istio.io': {
    // AuthorizationPolicy and RequestAuthentication were served in v1 before 1.20; 1.22 promoted PeerAuthentication.
    AuthorizationPolicy: { v1beta1: ALWAYS, v1: ALWAYS },
    RequestAuthentication: { v1beta1: ALWAYS, v1: ALWAYS },
    PeerAuthentication: { v1beta1: ALWAYS, v1: V1_PROMOTION },
  },
  'networking.istio.io': {
    DestinationRule: NETWORKING_V1,
    Gateway: NETWORKING_V1,
    ServiceEntry: NETWORKING_V1,
    Sidecar: NETWORKING_V1,
    VirtualService: NETWORKING_V1,
    WorkloadEntry: NETWORKING_V1,
    WorkloadGroup: NETWORKING_V1,
    EnvoyFilter: { v1alpha3: ALWAYS },
    ProxyConfig: { v1beta1: ALWAYS },
  },
  'telemetry.istio.io': { Telemetry: { v1alpha1: ALWAYS, v1: V1_PROMOTION } },
  'extensions.istio.io': { WasmPlugin: { v1alpha1: ALWAYS } },
};

/** The Istio release analysed when neither the config nor the repository's install names one. */
export const DEFAULT_ISTIO_RELEASE = '1.20';

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function didYouMean(kind: string, known: readonly string[]): string {
  const near = suggestKey(kind, known);
  return near ? ` (did you mean ${near}?)` : '';
}

/**
 * Why the Kubernetes API server rejects `apiVersion`/`kind` whatever the release, or `undefined`
 * when it serves it or cannot tell (a group we do not know). Istio groups are judged per release
 * by `istioServedError`, except for kinds no release serves at all.
 */
export function servedKindError(apiVersion: string, kind: string): string | undefined {
  const served = KUBERNETES[apiVersion];
  if (served) {
    return served.includes(kind)
      ? undefined
      : `unknown kind ${kind} in ${apiVersion}${didYouMean(kind, served)}`;
  }
  const { group, version } = splitApiVersion(apiVersion);
  const home = ANALYSED_HOME[kind];
  if (home && REMOVED_GROUPS.has(group)) {
    return `${kind} is not served in ${apiVersion} by Kubernetes 1.25-1.31 (only ${home})`;
  }
  const istio = ISTIO[group];
  if (istio && !istio[kind]) {
    const versions = new Set(Object.values(istio).flatMap((v) => Object.keys(v)));
    if (versions.has(version)) {
      return `unknown kind ${kind} in ${apiVersion}${didYouMean(kind, Object.keys(istio))}`;
    }
  }
  return undefined;
}

/** `1.20.3`, `1.22-alpha.x`, `v1.21` -> [1, 20]; `undefined` for what names no release. */
export function parseIstioRelease(release: string): Since | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(release.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function atLeast(release: Since, since: Since): boolean {
  return release[0] > since[0] || (release[0] === since[0] && release[1] >= since[1]);
}

/** True for a group Istio's CRDs define (their versions are judged by the Istio release). */
export function isIstioGroup(apiVersion: string): boolean {
  return ISTIO[splitApiVersion(apiVersion).group] !== undefined;
}

/**
 * Why Istio `release` does not serve `apiVersion`/`kind` (its CRD has no such version), or
 * `undefined` when it does or the kind is no Istio kind we know.
 */
export function istioServedError(apiVersion: string, kind: string, release: string): string | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  const versions = ISTIO[group]?.[kind];
  if (!versions) return undefined;
  const since = versions[version];
  const parsed = parseIstioRelease(release) ?? parseIstioRelease(DEFAULT_ISTIO_RELEASE)!;
  if (since && atLeast(parsed, since)) return undefined;
  const served = Object.entries(versions)
    .filter(([, s]) => atLeast(parsed, s))
    .map(([v]) => `${group}/${v}`);
  return `${kind} ${apiVersion} is not served by Istio ${parsed.join('.')} (served: ${served.join(', ')})`;
}

/**
 * Kinds whose objects the analysis reads beyond their metadata: workloads, Services, Namespaces
 * and the policies. Only these need a name, and only inside these is every label map (pod
 * templates, selectors) checked; any other kind keeps its body unjudged (a CRD schema may well
 * have a `labels` property that is no label map).
 */
const ANALYSED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Service',
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'NetworkPolicy',
  'AuthorizationPolicy',
  'PeerAuthentication',
  'VirtualService',
  'DestinationRule',
]);

export function isAnalysedKind(kind: string): boolean {
  return ANALYSED_KINDS.has(kind);
}
