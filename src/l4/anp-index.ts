import { formatPath, type Issue } from '../core/decode.js';
import { type Diagnostic, type DiagnosticReach, REACH_ALL } from '../core/diagnostics.js';
import { fileLine } from '../core/location.js';
import { type PolicyRef, policyLabel } from '../core/refs.js';
import type { K8sObject, Labels } from '../manifests/types.js';
import type { ClusterModel, Workload } from '../model/types.js';
import type { IpRange } from '../values/ip-range.js';
import { type AdminPolicy, type AdminSubject, compileAdminPolicy, subjectSelects } from './anp-compile.js';
import type { SelectorCompiler } from './label-selector.js';

const METADATA_NAME = 'kubernetes.io/metadata.name';
const BASELINE_NAME = 'default';

/** An admin policy the API server would reject: never enforced, its subjects' answers are uncertain. */
export interface InvalidAdminPolicy {
  readonly ref: PolicyRef;
  /** `undefined` when the subject itself cannot be read: every pod is suspect. */
  readonly subject: AdminSubject | undefined;
}

/** Every AdminNetworkPolicy and BaselineAdminNetworkPolicy of a revision, compiled once (SEMANTICS B). */
export interface AdminIndex {
  /** Valid ANPs, by priority (lower first, B1), then name for a deterministic order among equals. */
  readonly admin: readonly AdminPolicy[];
  /** The BaselineAdminNetworkPolicy named `default`, when valid (B4). */
  readonly baseline: AdminPolicy | undefined;
  readonly invalid: readonly InvalidAdminPolicy[];
  readonly diagnostics: readonly Diagnostic[];
  /** The egress `networks` of every valid admin policy: they cut the external destinations. */
  readonly boundaries: readonly IpRange[];
  readonly namedPorts: ReadonlySet<string>;
  readonly objects: ReadonlyMap<PolicyRef, K8sObject>;
}

export const EMPTY_ADMIN_INDEX: AdminIndex = {
  admin: [],
  baseline: undefined,
  invalid: [],
  diagnostics: [],
  boundaries: [],
  namedPorts: new Set(),
  objects: new Map(),
};

/** Namespace labels as selectors see them (A16: `kubernetes.io/metadata.name` always present). */
export function namespaceLabelsOf(model: ClusterModel, namespace: string): Labels {
  return { ...model.namespaces.get(namespace)?.labels, [METADATA_NAME]: namespace };
}

/** `objects`: the revision's AdminNetworkPolicies and BaselineAdminNetworkPolicies (any version). */
export function buildAdminIndex(
  model: ClusterModel,
  all: readonly K8sObject[],
  selectors: SelectorCompiler,
  nodeTraffic: (w: Workload) => boolean,
): AdminIndex {
  const objects = all.filter((o) => o.apiVersion.startsWith('policy.networking.k8s.io/'));
  if (objects.length === 0) return EMPTY_ADMIN_INDEX;
  const subjects = (s: AdminSubject | undefined): readonly Workload[] | undefined =>
    s === undefined
      ? undefined
      : model.workloads.filter(
          (w) => !nodeTraffic(w) && subjectSelects(s, namespaceLabelsOf(model, w.namespace), w.podLabels),
        );
  const admin: AdminPolicy[] = [];
  const baselines: AdminPolicy[] = [];
  const invalid: InvalidAdminPolicy[] = [];
  const diagnostics: Diagnostic[] = [];
  const byRef = new Map<PolicyRef, K8sObject>();
  for (const object of objects) {
    const result = compileAdminPolicy(object, selectors);
    byRef.set(result.ref, object);
    const reach = reachOf(subjects(result.subject));
    const issues: Issue[] = [...result.issues];
    if (object.kind === 'BaselineAdminNetworkPolicy' && object.name !== BASELINE_NAME) {
      issues.unshift({
        path: ['metadata', 'name'],
        message: `only one BaselineAdminNetworkPolicy, named "${BASELINE_NAME}", can be created in the cluster`,
      });
    }
    for (const issue of result.unsureIssues) {
      diagnostics.push(
        diagnostic(object, result.ref, issue, 'admin-policy-not-understood', reach, 'is enforced, but'),
      );
    }
    if (issues.length > 0 || !result.policy) {
      invalid.push({ ref: result.ref, subject: result.subject });
      for (const issue of issues)
        diagnostics.push(diagnostic(object, result.ref, issue, 'invalid-admin-policy', reach));
      continue;
    }
    (result.policy.tier === 'AdminNetworkPolicy' ? admin : baselines).push(result.policy);
  }
  admin.sort((a, b) => a.priority - b.priority || compare(a.ref.name, b.ref.name));
  diagnostics.push(...samePriority(admin, subjects));
  const valid = [...admin, ...baselines];
  return {
    admin,
    baseline: baselines[0],
    invalid,
    diagnostics,
    boundaries: valid.flatMap((p) => p.boundaries),
    namedPorts: new Set(valid.flatMap((p) => p.namedPorts)),
    objects: byRef,
  };
}

function reachOf(workloads: readonly Workload[] | undefined): DiagnosticReach {
  return workloads === undefined ? REACH_ALL : { kind: 'workloads', workloads: workloads.map((w) => w.id) };
}

function diagnostic(
  object: K8sObject,
  ref: PolicyRef,
  issue: Issue,
  code: string,
  reach: DiagnosticReach,
  unsure?: string,
): Diagnostic {
  const label = adminLabel(ref);
  const effect = unsure
    ? `${label} ${unsure} ${formatPath(issue.path)}: ${issue.message}; the pairs of its subjects are uncertain`
    : `${label}: ${formatPath(issue.path)}: ${issue.message}; the API server would reject this policy, so it is not enforced and the pairs of the pods it may select are uncertain`;
  return {
    severity: 'error',
    code,
    message: effect,
    location: object.locate(issue.path),
    dropped: label,
    reach,
  };
}

/** B1: two ANPs of one priority that select a common pod: which wins is undefined. */
function samePriority(
  admin: readonly AdminPolicy[],
  subjects: (s: AdminSubject) => readonly Workload[] | undefined,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (let i = 0; i < admin.length; i++) {
    for (let j = i + 1; j < admin.length && admin[j]!.priority === admin[i]!.priority; j++) {
      const a = admin[i]!;
      const b = admin[j]!;
      const inB = new Set(subjects(b.subject));
      const common = (subjects(a.subject) ?? []).filter((w) => inB.has(w));
      if (common.length === 0) continue;
      out.push({
        severity: 'warning',
        code: 'admin-policy-same-priority',
        message: `${adminLabel(a.ref)} and ${adminLabel(b.ref)} (${fileLine(b.ref.location)}) both have priority ${a.priority} and select ${common.length} common workload${common.length > 1 ? 's' : ''} (${common[0]!.id}${common.length > 1 ? ', ...' : ''}): which one wins is undefined, so the pairs they decide are uncertain`,
        location: a.ref.location,
        reach: { kind: 'workloads', workloads: common.map((w) => w.id) },
      });
    }
  }
  return out;
}

/** `AdminNetworkPolicy cluster-deny` (cluster-scoped: no namespace). */
export function adminLabel(ref: PolicyRef): string {
  return policyLabel(ref);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
