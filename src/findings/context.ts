import type { AnalysedRevision } from '../analysis/analyze-revision.js';
import type { Config } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceLocation } from '../core/location.js';
import type { PolicyRef } from '../core/refs.js';
import { compileAuthorizationPolicy } from '../l7/authz-compile.js';
import { type PolicyModel, policyApplies } from '../l7/authz-model.js';
import type { L7Cell } from '../l7/types.js';
import type { K8sObject, Labels } from '../manifests/types.js';
import type { AccessMatrix } from '../matrix/matrix.js';
import type { ContainerPort, Workload } from '../model/types.js';
import type { ResourceRef } from './types.js';

const SECURITY_VERSIONS = new Set(['security.istio.io/v1', 'security.istio.io/v1beta1']);

/** One revision as the rules see it: the analysed revision, its effective matrix and shared lookups. */
export interface RevisionContext {
  readonly rev: AnalysedRevision;
  /** The effective-layer matrix (L4 and L7 cells). */
  readonly matrix: AccessMatrix<L7Cell>;
  readonly config: Config;
  /** AuthorizationPolicies compiled again (the engine keeps its own private), with their objects. */
  readonly authz: readonly { readonly model: PolicyModel; readonly object: K8sObject }[];
  /** Problems the findings stage found (invalid quantities): they go to the report's diagnostics. */
  readonly diagnostics: Diagnostic[];
  injected(w: Workload): boolean;
  /** Workloads an AuthorizationPolicy applies to (D1–D3). */
  authzTargets(p: PolicyModel): readonly Workload[];
  /** The istio-security objects of a kind (v1/v1beta1 only, as the engine reads them). */
  security(kind: string): readonly K8sObject[];
}

export function revisionContext(
  rev: AnalysedRevision,
  matrix: AccessMatrix<L7Cell>,
  config: Config,
): RevisionContext {
  const security = (kind: string) =>
    (rev.model.objectsByKind.get(kind) ?? []).filter((o) => SECURITY_VERSIONS.has(o.apiVersion));
  const authz = security('AuthorizationPolicy').map((object) => ({
    model: compileAuthorizationPolicy(object, rev.l7.rootNamespace).model,
    object,
  }));
  const targets = new Map<PolicyModel, Workload[]>();
  return {
    rev,
    matrix,
    config,
    authz,
    diagnostics: [],
    injected: (w) => rev.l7.sidecar(w).injected,
    security,
    authzTargets(p) {
      let list = targets.get(p);
      if (!list) {
        list = rev.model.workloads.filter((w) => policyApplies(p, w));
        targets.set(p, list);
      }
      return list;
    },
  };
}

/** Whether the policy is in force (not dry-run, AUDIT or unusable). */
export function enforced(p: PolicyModel): boolean {
  return !p.dryRun && p.action !== 'AUDIT' && !p.unusable;
}

export function workloadResource(w: Workload): ResourceRef {
  return {
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    annotations: { ...w.podAnnotations, ...w.object.annotations },
  };
}

export function objectResource(o: K8sObject): ResourceRef {
  return { kind: o.kind, namespace: o.namespace ?? 'default', name: o.name, annotations: o.annotations };
}

export function policyResource(ref: PolicyRef, object?: K8sObject): ResourceRef {
  return {
    kind: ref.kind,
    namespace: ref.namespace,
    name: ref.name,
    ...(object ? { annotations: object.annotations } : {}),
  };
}

/**
 * A peer the repository does not contain (istiod, kube-dns, Prometheus): a workload with the labels
 * and ports the real one has, so the L4 engine can answer for it. Never shown as a location.
 */
export function syntheticWorkload(
  namespace: string,
  name: string,
  labels: Labels,
  ports: readonly ContainerPort[],
  revision: string,
): Workload {
  const location: SourceLocation = { revision, file: '(not in the repository)', line: 0, column: 0 };
  const object: K8sObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    name,
    namespace,
    labels,
    annotations: {},
    ownerReferences: [],
    body: {},
    location,
    locate: () => location,
  };
  return {
    id: `${namespace}/${name}[Pod]`,
    kind: 'Pod',
    name,
    namespace,
    podLabels: labels,
    podAnnotations: {},
    containers: [],
    initContainers: [],
    ports,
    serviceAccountName: 'default',
    hostNetwork: false,
    location,
    object,
  };
}

/** `a, b, c and 4 more`. */
export function listSome(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
