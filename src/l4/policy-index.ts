import { formatPath, type Issue } from '../core/decode.js';
import { compareDiagnostics, type Diagnostic, type DiagnosticReach } from '../core/diagnostics.js';
import { digest } from '../core/digest.js';
import { type PolicyRef, policyLabel } from '../core/refs.js';
import type { K8sObject } from '../manifests/types.js';
import type { ClusterModel } from '../model/types.js';
import { compareRanges, type IpRange } from '../values/ip-range.js';
import { type AdminIndex, buildAdminIndex } from './anp-index.js';
import { type IpPieces, isNodeTraffic, type L4Options } from './engine-api.js';
import { SelectorCompiler } from './label-selector.js';
import {
  type CompiledPolicy,
  compileNetworkPolicy,
  type InvalidPolicy,
  policyRef,
} from './netpol-compile.js';

const SERVED_API = 'networking.k8s.io/v1';

/** Every NetworkPolicy of a revision, compiled once and indexed by namespace. */
export interface PolicyIndex {
  /** Valid policies by namespace, sorted by name (so isolatedBy and grants come out sorted). */
  readonly valid: ReadonlyMap<string, readonly CompiledPolicy[]>;
  readonly invalid: ReadonlyMap<string, readonly InvalidPolicy[]>;
  readonly diagnostics: readonly Diagnostic[];
  /** Sorted, deduplicated cidr and except ranges of the valid policies. */
  readonly boundaries: readonly IpRange[];
  /** See `L4Engine.ipPieces`. */
  readonly pieces: IpPieces;
  /** Every label key some selector looks at, sorted. */
  readonly labelKeys: readonly string[];
  /** Per label key, every value some selector names (In, NotIn, matchLabels). */
  readonly labelValues: ReadonlyMap<string, ReadonlySet<string>>;
  /** Every port name some valid rule refers to. */
  readonly namedPorts: ReadonlySet<string>;
  /**
   * A digest of each policy's object as written (valid and invalid alike), comparable across
   * revisions: equal digests, equal policies. For the diff's fingerprints.
   */
  readonly contents: ReadonlyMap<PolicyRef, string>;
  /** The object each policy (valid and invalid alike) was compiled from, for findings' locations. */
  readonly objects: ReadonlyMap<PolicyRef, K8sObject>;
  /** A digest of each NetworkPolicy's spec alone (keys in any order): equal specs, one effect. */
  readonly specs: ReadonlyMap<PolicyRef, string>;
  /** AdminNetworkPolicies and BaselineAdminNetworkPolicies, the tiers around NetworkPolicy (B). */
  readonly admin: AdminIndex;
}

/**
 * A digest of an object's `spec` alone, with keys in any order: two policies of one kind and
 * namespace with equal spec digests act alike whatever their names (duplicate-policy).
 */
export function specDigest(object: K8sObject): string {
  return digest(canonicalJson(object.body.spec ?? null));
}

/** JSON with object keys sorted, so two files that order fields differently compare equal. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const record = value as Record<string, unknown>;
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A digest of an object's content, comparable across revisions (locations left out). */
export function contentDigest(object: K8sObject): string {
  return digest(JSON.stringify([object.apiVersion, object.kind, object.namespace, object.name, object.body]));
}

export function buildPolicyIndex(model: ClusterModel, options: L4Options): PolicyIndex {
  const selectors = new SelectorCompiler();
  const ctx = { selectors, ipBlockMatchesPods: options.ipBlockMatchesPods };
  const valid = new Map<string, CompiledPolicy[]>();
  const invalid = new Map<string, InvalidPolicy[]>();
  const diagnostics: Diagnostic[] = [];
  const contents = new Map<PolicyRef, string>();
  const objects = new Map<PolicyRef, K8sObject>();
  const specs = new Map<PolicyRef, string>();
  for (const object of model.objectsByKind.get('NetworkPolicy') ?? []) {
    const apiProblem = apiVersionProblem(object);
    if (apiProblem === 'foreign') {
      diagnostics.push(foreignApiDiagnostic(object));
      continue;
    }
    const result = compileNetworkPolicy(object, ctx);
    contents.set(result.policy.ref, contentDigest(object));
    objects.set(result.policy.ref, object);
    specs.set(result.policy.ref, specDigest(object));
    if (result.valid && !apiProblem) {
      push(valid, result.policy.ref.namespace, result.policy);
      continue;
    }
    const base = result.valid ? asInvalid(result.policy) : result.policy;
    const apiIssues: Issue[] = apiProblem ? [{ path: ['apiVersion'], message: apiProblem }] : [];
    const policy: InvalidPolicy = { ...base, issues: [...apiIssues, ...base.issues] };
    push(invalid, policy.ref.namespace, policy);
    diagnostics.push(...invalidDiagnostics(object, policy));
  }
  // The admin tiers share the selector compiler, so their label keys take part in signatures.
  const adminObjects = ['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'].flatMap(
    (kind) => model.objectsByKind.get(kind) ?? [],
  );
  const admin = buildAdminIndex(model, adminObjects, selectors, (w) => isNodeTraffic(w, options));
  for (const [ref, object] of admin.objects) {
    contents.set(ref, contentDigest(object));
    objects.set(ref, object);
  }
  diagnostics.push(...admin.diagnostics);
  for (const list of valid.values()) list.sort((a, b) => compareNames(a.ref.name, b.ref.name));
  for (const list of invalid.values()) list.sort((a, b) => compareNames(a.ref.name, b.ref.name));
  const all = [...valid.values()].flat();
  return {
    valid,
    invalid,
    diagnostics: diagnostics.sort(compareDiagnostics),
    boundaries: dedupeRanges([...all.flatMap((p) => p.boundaries), ...admin.boundaries]),
    pieces: {
      sources: dedupeRanges(all.flatMap((p) => p.pieces.ingress)),
      destinations: dedupeRanges([...all.flatMap((p) => p.pieces.egress), ...admin.boundaries]),
    },
    labelKeys: [...new Set([...selectors.matchers].flatMap((m) => m.keys))].sort(),
    labelValues: mentionedValues(selectors),
    namedPorts: new Set([...all.flatMap((p) => p.namedPorts), ...admin.namedPorts]),
    contents,
    objects,
    specs,
    admin,
  };
}

function mentionedValues(selectors: SelectorCompiler): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const m of selectors.matchers) {
    for (const [key, values] of m.values) {
      const set = out.get(key) ?? new Set<string>();
      out.set(key, set);
      for (const v of values) set.add(v);
    }
  }
  return out;
}

/** A valid policy in an unserved apiVersion: same intent, but never enforced. */
function asInvalid(p: CompiledPolicy): InvalidPolicy {
  return {
    ref: p.ref,
    podSelector: p.podSelector,
    ingress: p.ingress !== null,
    egress: p.egress !== null,
    issues: [],
  };
}

/**
 * Only `networking.k8s.io/v1` is served. An old built-in version (`extensions/v1beta1`) has the same
 * schema but is rejected, so it is handled like an invalid policy. A NetworkPolicy kind from another
 * API group (Calico's `projectcalico.org/v3`) has other semantics this engine does not model.
 */
function apiVersionProblem(object: K8sObject): string | 'foreign' | undefined {
  if (object.apiVersion === SERVED_API) return undefined;
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  if (group === 'networking.k8s.io' || group === 'extensions') {
    return `apiVersion "${object.apiVersion}" is not served for NetworkPolicy; use ${SERVED_API}`;
  }
  return 'foreign';
}

function foreignApiDiagnostic(object: K8sObject): Diagnostic {
  const ref = policyRef(object);
  return {
    severity: 'error',
    code: 'unsupported-networkpolicy-api',
    message: `NetworkPolicy of apiVersion "${object.apiVersion}" is not Kubernetes NetworkPolicy (${SERVED_API}) and is not analysed; the traffic it controls is unknown`,
    location: object.locate(['apiVersion']),
    dropped: policyLabel(ref),
    reach: namespaceReach(object),
  };
}

function invalidDiagnostics(object: K8sObject, policy: InvalidPolicy): Diagnostic[] {
  const label = policyLabel(policy.ref);
  return policy.issues.map((issue) => ({
    severity: 'error',
    code: 'invalid-networkpolicy',
    message: `${label}: ${formatPath(issue.path)}: ${issue.message}; the API server would reject this policy, so it is not enforced and the pods it may select are uncertain`,
    location: object.locate(issue.path),
    dropped: label,
    reach: namespaceReach(object),
  }));
}

/** A namespaced policy selects pods of its own namespace only: only pairs with an end there. */
function namespaceReach(object: K8sObject): DiagnosticReach {
  return { kind: 'namespaces', namespaces: [object.namespace] };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function dedupeRanges(ranges: readonly IpRange[]): IpRange[] {
  const sorted = [...ranges].sort(compareRanges);
  return sorted.filter((r, i) => i === 0 || compareRanges(sorted[i - 1]!, r) !== 0);
}
