import type { Config } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceLocation } from '../core/location.js';
import type { PolicyRef } from '../core/refs.js';
import type { Candidates } from '../l4/engine-api.js';
import { type PolicyModel, policyApplies } from '../l7/authz-model.js';
import type { AuthorizationEntry } from '../l7/istio-policies.js';
import type { L7Cell } from '../l7/types.js';
import type { K8sObject, Labels } from '../manifests/types.js';
import type { AccessMatrix } from '../matrix/matrix.js';
import type { ContainerPort, Workload } from '../model/types.js';
import type { AnalysedRevision } from '../revision/analysed-revision.js';
import { namespaceMatcher, principalCandidates, principalMatcher } from './identity.js';
import type { ResourceRef } from './types.js';

/** One revision as the rules see it: the analysed revision, its effective matrix and shared lookups. */
export interface RevisionContext {
  readonly rev: AnalysedRevision;
  /** The effective-layer matrix (L4 and L7 cells). */
  readonly matrix: AccessMatrix<L7Cell>;
  readonly config: Config;
  /** The revision's compiled AuthorizationPolicies (the ones the engine evaluates), with their objects. */
  readonly authz: readonly AuthorizationEntry[];
  /**
   * Answers shared by both revisions' rules, keyed by what they depend on (matrix fingerprints):
   * what did not change between base and head is computed once.
   */
  readonly shared: Map<string, unknown>;
  /** Problems the findings stage found (invalid quantities): they go to the report's diagnostics. */
  readonly diagnostics: Diagnostic[];
  injected(w: Workload): boolean;
  /** Workloads an AuthorizationPolicy applies to (D1–D3). */
  authzTargets(p: PolicyModel): readonly Workload[];
  /**
   * The workloads NetworkPolicy may let reach `dst` (a superset: the matrix decides; never `dst`
   * itself): candidates of dst's ingress rules that dst is a candidate of, by their egress rules.
   * Pair rules start from these instead of every pair of the cluster.
   */
  possibleSources(dst: Workload, keep?: boolean): readonly Workload[];
  /** Whether NetworkPolicy may let `src` reach `dst` (`src` is one of `possibleSources(dst)`), without listing them. */
  mayReach(src: Workload, dst: Workload): boolean;
  /** Whether `src`'s egress rules may let it reach `dst` (always, when its egress is not isolated). */
  egressMayReach(src: Workload, dst: Workload): boolean;
  /** The workloads of a namespace, in model order. */
  workloadsIn(namespace: string): readonly Workload[];
  /**
   * The workloads whose identity a `principals` value, or whose namespace a `namespaces` value,
   * matches: those with a sidecar, and those that send plaintext (no sidecar, not hostNetwork).
   */
  namedWorkloads(field: 'principals' | 'namespaces', value: string): NamedWorkloads;
  /** Whether `dst`'s ingress rules name their sources (it is isolated and no rule admits every namespace). */
  ingressNamesSources(dst: Workload): boolean;
}

export interface NamedWorkloads {
  readonly injected: readonly Workload[];
  readonly plaintext: readonly Workload[];
}

export function revisionContext(
  rev: AnalysedRevision,
  matrix: AccessMatrix<L7Cell>,
  config: Config,
  shared: Map<string, unknown> = new Map(),
): RevisionContext {
  const authz = rev.policies.istio.authorization;
  const targets = new Map<PolicyModel, Workload[]>();
  const l4 = rev.l4;
  // Candidates answer membership from their rules' sets, and are shared by workloads of one class.
  const memo = <T>(f: (w: Workload) => T) => {
    const cache = new WeakMap<Workload, T>();
    return (w: Workload): T => {
      if (cache.has(w)) return cache.get(w) as T;
      const v = f(w);
      cache.set(w, v);
      return v;
    };
  };
  const ingressOf = memo((dst): 'all' | Candidates => l4.ingressCandidates?.(dst) ?? 'all');
  const egressOf = memo((src): 'all' | Candidates => l4.egressCandidates?.(src) ?? 'all');
  const within = (set: 'all' | Candidates, w: Workload) => set === 'all' || set.has(w);
  const egressMayReach = (src: Workload, dst: Workload) => within(egressOf(src), dst);
  const trustDomains = rev.policies.mesh.trustDomains;
  const named = new Map<string, NamedWorkloads>();
  const sources = new WeakMap<Workload, readonly Workload[]>();
  // Indexes, so a value is matched against distinct identities and namespaces, not every workload.
  const byNamespace = group(rev.model.workloads, (w) => w.namespace);
  const byIdentity = group(rev.model.workloads, (w) => rev.l7.sidecar(w).identity);
  const order = new Map(rev.model.workloads.map((w, i) => [w, i]));
  const inModelOrder = (ws: Workload[]) => ws.sort((a, b) => order.get(a)! - order.get(b)!);
  const byPrincipal = (value: string): Workload[] => {
    // Without a wildcard a principal is one identity per trust domain: look them up.
    if (!value.includes('*'))
      return inModelOrder(principalCandidates(value, trustDomains).flatMap((id) => byIdentity.get(id) ?? []));
    const match = principalMatcher(value, trustDomains);
    return inModelOrder([...byIdentity].filter(([identity]) => match(identity)).flatMap(([, ws]) => ws));
  };
  const byNamespacePattern = (value: string): Workload[] => {
    const match = namespaceMatcher(value);
    return inModelOrder([...byNamespace].filter(([ns]) => match(ns)).flatMap(([, ws]) => ws));
  };
  const injected = (w: Workload) => rev.l7.sidecar(w).injected;
  return {
    rev,
    matrix,
    config,
    authz,
    shared,
    diagnostics: [],
    injected,
    namedWorkloads(field, value) {
      const key = `${field}\u0000${value}`;
      let found = named.get(key);
      if (!found) {
        const all = field === 'principals' ? byPrincipal(value) : byNamespacePattern(value);
        found = {
          injected: all.filter(injected),
          plaintext: all.filter((w) => !injected(w) && !w.hostNetwork),
        };
        named.set(key, found);
      }
      return found;
    },
    workloadsIn: (namespace) => byNamespace.get(namespace) ?? [],
    ingressNamesSources: (dst) => ingressOf(dst) !== 'all',
    possibleSources(dst, keep = true) {
      let list = sources.get(dst);
      if (!list) {
        const ingress = ingressOf(dst);
        // A walk over every destination (keep: false) holds no list: at 50,000 workloads the lists
        // of every guarded destination ran out of heap.
        const from =
          ingress === 'all'
            ? rev.model.workloads
            : keep
              ? ingress.list()
              : (ingress.listOnce?.() ?? ingress.list());
        list = from.filter((s) => s !== dst && egressMayReach(s, dst));
        if (keep) sources.set(dst, list);
      }
      return list;
    },
    mayReach: (src, dst) => src !== dst && within(ingressOf(dst), src) && egressMayReach(src, dst),
    egressMayReach,
    authzTargets(p) {
      let list = targets.get(p);
      if (!list) {
        // D1: a namespace-scoped policy applies only in its namespace.
        const scope =
          p.scope.kind === 'namespace' ? (byNamespace.get(p.scope.namespace) ?? []) : rev.model.workloads;
        list = scope.filter((w) => policyApplies(p, w));
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

const resources = new WeakMap<Workload, ResourceRef>();

export function workloadResource(w: Workload): ResourceRef {
  let r = resources.get(w);
  if (!r) {
    r = {
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      annotations: { ...w.podAnnotations, ...w.object.annotations },
    };
    resources.set(w, r);
  }
  return r;
}

/** Insertion-ordered groups by key. */
function group<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

export function objectResource(o: K8sObject): ResourceRef {
  return { kind: o.kind, namespace: o.namespace, name: o.name, annotations: o.annotations };
}

/** One per policy: a per-workload rule names the same isolating policies in thousands of findings. */
const policyResources = new WeakMap<PolicyRef, ResourceRef>();

export function policyResource(ref: PolicyRef, object?: K8sObject): ResourceRef {
  if (object)
    return { kind: ref.kind, namespace: ref.namespace, name: ref.name, annotations: object.annotations };
  let r = policyResources.get(ref);
  if (!r) {
    r = { kind: ref.kind, namespace: ref.namespace, name: ref.name };
    policyResources.set(ref, r);
  }
  return r;
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

/** `a, b, c and 4 more`; only the items shown are turned into text (lists can hold thousands). */
export function listSome<T>(items: readonly T[], max = 5, show: (item: T) => string = String): string {
  const shown = items.slice(0, max).map(show).join(', ');
  return items.length <= max ? shown : `${shown} and ${items.length - max} more`;
}
