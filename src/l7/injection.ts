import type { Config } from '../config/types.js';
import type { Namespace, Workload } from '../model/types.js';
import type { AppliedInjector } from './mesh-config.js';
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

type Decision = Omit<SidecarInfo, 'identity' | 'clientReason'>;

/**
 * SEMANTICS C1–C8 for one workload. Labels and annotations come from the pod template (C6), which is
 * what `Workload.podLabels/podAnnotations` hold.
 */
export function decideInjection(
  w: Workload,
  ns: Namespace | undefined,
  config: Config,
  install: InjectionInstall = {},
): SidecarInfo {
  const trustDomain = install.trustDomain ?? config.mesh.trustDomain ?? 'cluster.local';
  const identity = `${trustDomain}/ns/${w.namespace}/sa/${w.serviceAccountName || 'default'}`;
  const decision = decide(w, ns, config, install);
  // Every reason names the pod's namespace as `namespace <name> ` (has ..., is never injected).
  const clientReason = decision.reason.replaceAll(`namespace ${w.namespace} `, 'its namespace ');
  return { ...decision, identity, clientReason };
}

/** What the revision's install decides for injection (src/compile/mesh-install.ts reads it). */
export interface InjectionInstall {
  /** Revisions/tags with a webhook (C8); `undefined`: unknown, assumed installed. */
  readonly installedRevisions?: ReadonlySet<string> | undefined;
  /** C2e, C4; `undefined`: the config's enableNamespacesByDefault and policy `enabled`. */
  readonly injector?: AppliedInjector | undefined;
  /** The trust domain of identities (D9); `undefined`: the config's, else `cluster.local`. */
  readonly trustDomain?: string | undefined;
}

function decide(w: Workload, ns: Namespace | undefined, config: Config, install: InjectionInstall): Decision {
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
      const injector = install.injector ?? {
        policy: 'enabled',
        policyFrom: "Istio's default",
        enableNamespacesByDefault: config.mesh.enableNamespacesByDefault ?? false,
        byDefaultFrom: 'config',
      };
      const gate = webhookGate(w, ns?.labels ?? {}, injector, install.installedRevisions);
      const decision = typeof gate === 'string' ? injectorDecision(w, gate, injector) : gate;
      const unknown = unknownNamespace(w, ns);
      return unknown ? { ...decision, unknown } : decision;
    }
  }
}

/**
 * C2 reads the namespace's labels first; a namespace with no Namespace object in the input (another
 * target's, or created outside the repository) has labels nobody here knows, so the decision taken
 * on empty labels is a guess. Only a pod opting out (`sidecar.istio.io/inject: "false"`) is
 * decided whatever they are (C2a, C2c, and C2b/C2e need the label unset or "true").
 */
// Said per namespace, not per workload: the text is part of the source's L7 key (engine sourceKey).
function unknownNamespace(w: Workload, ns: Namespace | undefined): string | undefined {
  if (ns && ns.origin !== 'implicit') return undefined;
  if (w.podLabels[INJECT] === 'false') return undefined;
  return (
    `namespace ${w.namespace} has no Namespace object in the input, so its ${NS_INJECTION} / ${REV} labels ` +
    `are unknown and so is whether its pods get a sidecar (rule C2); ` +
    `declare its labels under namespaces: in the config to decide it`
  );
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
  injector: AppliedInjector,
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
  if (injector.enableNamespacesByDefault && podLabel === undefined) {
    return `enableNamespacesByDefault (${injector.byDefaultFrom}): unlabelled namespace and pod (C2e)`;
  }
  const annotation = w.podAnnotations[INJECT];
  const hint =
    annotation !== undefined ? ` (the annotation ${INJECT}="${annotation}" is never read: C5)` : '';
  const label = podLabel !== undefined ? ` (pod label ${INJECT}="${podLabel}" is not exactly "true")` : '';
  return no('C2b', `namespace ${ns} has neither ${NS_INJECTION} nor ${REV}${label}${hint}`);
}

/**
 * C3/C4: the injector itself (`injectRequired`). Label first, then the legacy annotation; without
 * either, the policy: `enabled` injects, `disabled` does not; any other policy injects nothing,
 * not even on an explicit yes (the injector logs an error).
 */
function injectorDecision(w: Workload, why: string, injector: AppliedInjector): Decision {
  const label = w.podLabels[INJECT];
  const annotation = w.podAnnotations[INJECT];
  const [source, raw] = label !== undefined ? ['label', label] : ['annotation', annotation];
  const value = (raw ?? '').toLowerCase();
  const policy = `injector policy ${injector.policy} (global.proxy.autoInject, ${injector.policyFrom})`;
  if (injector.policy !== 'enabled' && injector.policy !== 'disabled')
    return no('C4', `${why}, but ${policy} is neither enabled nor disabled, so the injector injects nothing`);
  if (value === '')
    return injector.policy === 'enabled'
      ? { injected: true, rule: 'C4', reason: `${why}; ${policy}` }
      : no('C4', `${why}, but ${policy} and the pod does not ask for a sidecar (${INJECT})`);
  if (YES.has(value))
    return { injected: true, rule: 'C3', reason: `${why}; pod ${source} ${INJECT}="${raw}"` };
  return no('C3', `${why}, but pod ${source} ${INJECT}="${raw}" is not one of y/yes/true/on`);
}

function no(rule: string, reason: string): Decision {
  return { injected: false, rule, reason };
}
