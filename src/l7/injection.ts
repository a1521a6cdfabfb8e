import type { Config } from '../config/types.js';
import type { Namespace, Workload } from '../model/types.js';
import type { SidecarInfo } from './types.js';

const INJECT = 'sidecar.istio.io/inject';
const REV = 'istio.io/rev';
const NS_INJECTION = 'istio-injection';
const STATUS = 'sidecar.istio.io/status';

/** C1: namespaces the injector never touches (`pkg/kube/inject/inject.go` ignoredNamespaces). */
export const NEVER_INJECTED_NAMESPACES: ReadonlySet<string> = new Set([
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'local-path-storage',
]);

/** C3: truthy values of the label/annotation after lower-casing (`injectRequired`). */
const YES = new Set(['y', 'yes', 'true', 'on']);

type Decision = Omit<SidecarInfo, 'identity'>;

/**
 * SEMANTICS C1–C8 for one workload. Labels and annotations come from the pod template (C6), which is
 * what `Workload.podLabels/podAnnotations` hold.
 */
export function decideInjection(
  w: Workload,
  ns: Namespace | undefined,
  config: Config,
  installedRevisions?: ReadonlySet<string>,
): SidecarInfo {
  const identity = `${config.mesh.trustDomain}/ns/${w.namespace}/sa/${w.serviceAccountName || 'default'}`;
  return { ...decide(w, ns, config, installedRevisions), identity };
}

function decide(
  w: Workload,
  ns: Namespace | undefined,
  config: Config,
  installed: ReadonlySet<string> | undefined,
): Decision {
  const never = neverInjected(w);
  if (never) return never;
  if (alreadyInjected(w)) {
    return { injected: true, rule: 'C7', reason: 'the manifest already contains the istio-proxy sidecar' };
  }
  switch (config.mesh.injection) {
    case 'none':
      return {
        injected: false,
        rule: 'config:none',
        reason: 'mesh.injection is none: no workload is injected',
      };
    case 'all':
      return {
        injected: true,
        rule: 'config:all',
        reason: 'mesh.injection is all: every eligible workload is injected',
      };
    default: {
      const gate = webhookGate(w, ns?.labels ?? {}, config, installed);
      return typeof gate === 'string' ? injectorDecision(w, gate) : gate;
    }
  }
}

function neverInjected(w: Workload): Decision | undefined {
  if (w.hostNetwork)
    return { injected: false, rule: 'C1', reason: 'hostNetwork: true pods are never injected' };
  if (NEVER_INJECTED_NAMESPACES.has(w.namespace)) {
    return { injected: false, rule: 'C1', reason: `namespace ${w.namespace} is never injected` };
  }
  return undefined;
}

/** C7: `istioctl kube-inject` output, or a native sidecar in initContainers. */
function alreadyInjected(w: Workload): boolean {
  const named = (c: { name: string }) => c.name === 'istio-proxy';
  return w.containers.some(named) || w.initContainers.some(named) || STATUS in w.podAnnotations;
}

/**
 * C2: which MutatingWebhookConfiguration entry would call the injector. Returns a "not injected"
 * decision when none would, else why the injector is called (it then decides, C3/C4).
 */
function webhookGate(
  w: Workload,
  nsLabels: Readonly<Record<string, string>>,
  config: Config,
  installed: ReadonlySet<string> | undefined,
): Decision | string {
  // C8: without the revision's webhook nothing calls the injector (the repository's install is known).
  const missing = (rev: string, where: string): Decision | undefined =>
    installed && !installed.has(rev)
      ? no(
          'C8',
          `${where} ${REV}=${rev}, but the repository installs no revision ${rev} (installed: ${[...installed].sort().join(', ')})`,
        )
      : undefined;
  const podLabel = w.podLabels[INJECT];
  const podOptOut = podLabel === 'false';
  const nsInjection = nsLabels[NS_INJECTION];
  const nsRev = nsLabels[REV];
  const ns = w.namespace;
  if (nsInjection !== undefined) {
    if (nsInjection !== 'enabled') {
      return no(
        'C2',
        `namespace ${ns} has ${NS_INJECTION}=${nsInjection}, which matches no injection webhook`,
      );
    }
    return podOptOut
      ? no('C2a', `pod label ${INJECT}="false" in an enabled namespace`)
      : `namespace ${ns} has ${NS_INJECTION}=enabled (C2a)`;
  }
  if (nsRev !== undefined) {
    if (podOptOut) return no('C2c', `pod label ${INJECT}="false" in namespace with ${REV}=${nsRev}`);
    return (
      missing(nsRev, `namespace ${ns} has`) ??
      `namespace ${ns} has ${REV}=${nsRev}, revision ${nsRev} webhook (C2c, C8: ${installed ? 'installed' : 'assumed installed'})`
    );
  }
  const podRev = w.podLabels[REV];
  if (podRev !== undefined) {
    if (podOptOut) return no('C2d', `pod label ${INJECT}="false" overrides pod label ${REV}=${podRev}`);
    return (
      missing(podRev, 'pod label') ??
      `pod label ${REV}=${podRev}, revision ${podRev} webhook (C2d, C8: ${installed ? 'installed' : 'assumed installed'})`
    );
  }
  if (podLabel === 'true') return `pod label ${INJECT}="true" in an unlabelled namespace (C2b)`;
  if (config.mesh.enableNamespacesByDefault && podLabel === undefined) {
    return 'enableNamespacesByDefault: unlabelled namespace and pod (C2e)';
  }
  const annotation = w.podAnnotations[INJECT];
  const hint =
    annotation !== undefined ? ` (the annotation ${INJECT}="${annotation}" is never read: C5)` : '';
  const label = podLabel !== undefined ? ` (pod label ${INJECT}="${podLabel}" is not exactly "true")` : '';
  return no('C2b', `namespace ${ns} has neither ${NS_INJECTION} nor ${REV}${label}${hint}`);
}

/** C3/C4: the injector itself. Label first, then the legacy annotation; default policy `enabled`. */
function injectorDecision(w: Workload, why: string): Decision {
  const label = w.podLabels[INJECT];
  const annotation = w.podAnnotations[INJECT];
  const [source, raw] = label !== undefined ? ['label', label] : ['annotation', annotation];
  const value = (raw ?? '').toLowerCase();
  if (value === '')
    return { injected: true, rule: 'C4', reason: `${why}; injector policy enabled (default)` };
  if (YES.has(value))
    return { injected: true, rule: 'C3', reason: `${why}; pod ${source} ${INJECT}="${raw}"` };
  return no('C3', `${why}, but pod ${source} ${INJECT}="${raw}" is not one of y/yes/true/on`);
}

function no(rule: string, reason: string): Decision {
  return { injected: false, rule, reason };
}
