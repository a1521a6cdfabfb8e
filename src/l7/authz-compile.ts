import { formatPath, Issues, readList, readString, readStringMap, readStruct, show } from '../core/decode.js';
import type { Diagnostic, DiagnosticReach } from '../core/diagnostics.js';
import type { PolicyRef, RuleRef } from '../core/refs.js';
import type { K8sObject, Labels, ObjectPath } from '../manifests/types.js';
import { parseCidr } from '../values/ip-range.js';
import {
  type AuthzAction,
  type ConditionModel,
  isHttpOnlyKey,
  isKnownKey,
  type OperationModel,
  type PolicyModel,
  type PolicyScope,
  type RuleModel,
  type SourceModel,
  type ValueField,
} from './authz-model.js';

type Json = Readonly<Record<string, unknown>>;
const ACTIONS: readonly AuthzAction[] = ['ALLOW', 'DENY', 'CUSTOM', 'AUDIT'];

// The fields of Istio's AuthorizationPolicy (security.istio.io v1/v1beta1, istio/api
// security/v1beta1/authorization_policy.proto and type/v1beta1/selector.proto). Anything else is
// an unknown field the API server rejects under strict field validation (SEMANTICS R4).
const SPEC_FIELDS = ['selector', 'targetRef', 'targetRefs', 'action', 'provider', 'rules'];
const SELECTOR_FIELDS = ['matchLabels'];
const TARGET_REF_FIELDS = ['group', 'kind', 'name', 'namespace'];
const PROVIDER_FIELDS = ['name'];
const RULE_FIELDS = ['from', 'to', 'when'];
const FROM_FIELDS = ['source'];
const TO_FIELDS = ['operation'];
const SOURCE_FIELDS = [
  'principals',
  'notPrincipals',
  'requestPrincipals',
  'notRequestPrincipals',
  'namespaces',
  'notNamespaces',
  'ipBlocks',
  'notIpBlocks',
  'remoteIpBlocks',
  'notRemoteIpBlocks',
];
const OPERATION_FIELDS = [
  'hosts',
  'notHosts',
  'ports',
  'notPorts',
  'methods',
  'notMethods',
  'paths',
  'notPaths',
];
const CONDITION_FIELDS = ['key', 'values', 'notValues'];

/**
 * Collects problems of one policy, each located on its node, as `error` diagnostics (D22).
 * `issues` holds what the shared decoder finds (unknown fields, wrong types): the API server
 * rejects such an object, so it takes no effect at all (R4).
 */
class Problems {
  readonly list: Diagnostic[] = [];
  readonly issues = new Issues({ suggest: true });
  constructor(
    private readonly o: K8sObject,
    private readonly label: string,
    /** The pairs the policy could touch, when provable (core/diagnostics DiagnosticReach). */
    private readonly reach?: DiagnosticReach,
  ) {}
  add(
    path: ObjectPath,
    message: string,
    severity: 'error' | 'warning' = 'error',
    code = 'istio-invalid-authz',
  ): void {
    this.list.push({
      severity,
      code,
      message: `${this.label}: ${message}`,
      location: this.o.locate(path),
      dropped: severity === 'error' ? this.label : undefined,
      ...(severity === 'error' && this.reach ? { reach: this.reach } : {}),
    });
  }
  /** Errors so far, decoder issues included: a rule is invalid when this grows while reading it. */
  errorCount(): number {
    return this.list.filter((d) => d.severity === 'error').length + this.issues.count;
  }
  /** All of them, the decoder's issues last: `spec.rules[0]...: unknown field "x" (did you mean "y"?)`. */
  finish(): Diagnostic[] {
    for (const issue of this.issues.items)
      this.add(issue.path, `${formatPath(issue.path)}: ${issue.message}`);
    return this.list;
  }
}

/** `strconv.ParseBool` as istiod uses it for `istio.io/dry-run` (I-bld `isDryRun`). */
function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

export function compileAuthorizationPolicy(
  o: K8sObject,
  rootNamespace: string,
): { model: PolicyModel; diagnostics: Diagnostic[] } {
  const namespace = o.namespace;
  const ref: PolicyRef = { kind: 'AuthorizationPolicy', namespace, name: o.name, location: o.location };
  // Outside the root namespace a policy only selects workloads of its own namespace (D1).
  const reach: DiagnosticReach | undefined =
    namespace === rootNamespace ? undefined : { kind: 'namespaces', namespaces: [namespace] };
  const p = new Problems(o, `AuthorizationPolicy ${namespace}/${o.name}`, reach);
  const spec = readStruct(o.body.spec, ['spec'], p.issues, SPEC_FIELDS) ?? {};
  const action = readAction(spec, p);
  const provider = readString(
    readStruct(spec.provider, ['spec', 'provider'], p.issues, PROVIDER_FIELDS)?.name,
    ['spec', 'provider', 'name'],
    p.issues,
  );
  if (action === 'CUSTOM' && !provider) p.add(['spec', 'provider'], 'CUSTOM action requires provider.name');
  if (action !== 'CUSTOM' && spec.provider !== undefined)
    p.add(['spec', 'provider'], 'provider is only allowed with action CUSTOM');
  const dryRun = readDryRun(o, p);
  const scope = readScope(spec, namespace, rootNamespace, p);
  const list = readList(spec.rules, ['spec', 'rules'], p.issues) ?? [];
  if (list.length === 0 && (action === 'DENY' || action === 'CUSTOM')) {
    p.add(
      ['spec'],
      `${action} policy without rules is rejected by validation (D7); istiod would match nothing`,
    );
  }
  const rules = list.map((r, i) => compileRule(o, ref, r, i, p));
  const rejected = p.issues.count > 0;
  const diagnostics = p.finish();
  const model: PolicyModel = {
    ref,
    action: action ?? 'ALLOW',
    provider,
    dryRun,
    scope,
    rules,
    invalid: diagnostics.some((d) => d.severity === 'error'),
    unusable: !action || rejected,
  };
  return { model, diagnostics };
}

/** `action` defaults to ALLOW when absent or null; an unknown one leaves the policy unusable. */
function readAction(spec: Json, p: Problems): AuthzAction | undefined {
  const raw = readString(spec.action, ['spec', 'action'], p.issues);
  if (raw === undefined) return spec.action === undefined || spec.action === null ? 'ALLOW' : undefined;
  const action = ACTIONS.find((a) => a === raw);
  if (!action) p.add(['spec', 'action'], `unknown action ${JSON.stringify(raw)}`);
  return action;
}

function readDryRun(o: K8sObject, p: Problems): boolean {
  const raw = o.annotations['istio.io/dry-run'];
  if (raw === undefined) return false;
  const v = parseBool(raw);
  if (v === undefined) {
    p.add(
      ['metadata', 'annotations', 'istio.io/dry-run'],
      `istio.io/dry-run "${raw}" is not a boolean; istiod enforces the policy`,
      'warning',
      'istio-dry-run-invalid',
    );
  }
  return v ?? false;
}

function readScope(spec: Json, ns: string, root: string, p: Problems): PolicyScope {
  readStruct(spec.targetRef, ['spec', 'targetRef'], p.issues, TARGET_REF_FIELDS);
  (readList(spec.targetRefs, ['spec', 'targetRefs'], p.issues) ?? []).forEach((t, i) => {
    element(t, ['spec', 'targetRefs', i], p, TARGET_REF_FIELDS);
  });
  const hasTarget = spec.targetRef !== undefined || spec.targetRefs !== undefined;
  const selector = readStruct(spec.selector, ['spec', 'selector'], p.issues, SELECTOR_FIELDS);
  const matchLabels: Labels | undefined = readStringMap(
    selector?.matchLabels,
    ['spec', 'selector', 'matchLabels'],
    p.issues,
  );
  if (hasTarget) {
    if (selector) p.add(['spec', 'selector'], 'selector and targetRef(s) cannot be combined (D3)');
    p.add(
      ['spec', spec.targetRef !== undefined ? 'targetRef' : 'targetRefs'],
      'targetRef(s) policies are ignored by sidecars (D3); older control planes (<1.22) may apply them namespace-wide',
      'warning',
      'istio-targetref-ignored',
    );
    return { kind: 'ignored' };
  }
  const hasLabels = matchLabels !== undefined && Object.keys(matchLabels).length > 0;
  if (ns === root) return hasLabels ? { kind: 'mesh-selector', matchLabels } : { kind: 'mesh' };
  return { kind: 'namespace', namespace: ns, matchLabels: hasLabels ? matchLabels : undefined };
}

function compileRule(o: K8sObject, policy: PolicyRef, raw: unknown, i: number, p: Problems): RuleModel {
  const path = ['spec', 'rules', i];
  const ref: RuleRef = { policy, rule: `rules[${i}]`, location: o.locate(path) };
  const before = p.errorCount();
  const rule = element(raw, path, p, RULE_FIELDS);
  const from = listOf(rule?.from, [...path, 'from'], p, (s, sp) =>
    readSource(element(s, sp, p, FROM_FIELDS)?.source, [...sp, 'source'], p),
  );
  const to = listOf(rule?.to, [...path, 'to'], p, (s, sp) =>
    readOperation(element(s, sp, p, TO_FIELDS)?.operation, [...sp, 'operation'], p),
  );
  const when = readWhen(rule?.when, [...path, 'when'], p);
  const httpOnly =
    (from ?? []).some((s) => hasField(s.requestPrincipals)) ||
    (to ?? []).some((op) => hasField(op.hosts) || hasField(op.methods) || hasField(op.paths)) ||
    when.some((c) => isHttpOnlyKey(c.key));
  const invalid = p.errorCount() > before;
  return { ref, from, to, when, httpOnly, invalid };
}

/**
 * A list element of struct type. Unlike a built-in kind (where Go decodes `null` to `{}`), a CRD's
 * schema rejects `null` where an object is expected, and `{}` would silently match everything.
 */
function element(value: unknown, path: ObjectPath, p: Problems, known: readonly string[]): Json | undefined {
  if (value === null) p.issues.add(path, 'must be an object, got null');
  return readStruct(value, path, p.issues, known);
}

function hasField(f: ValueField): boolean {
  return f.values !== undefined || f.notValues !== undefined;
}

/** `from`/`to`: absent → undefined (match anything); `[]` is invalid (D7). */
function listOf<T>(
  raw: unknown,
  path: ObjectPath,
  p: Problems,
  read: (x: unknown, path: ObjectPath) => T,
): T[] | undefined {
  const list = readList(raw, path, p.issues);
  if (list === undefined) return raw === undefined || raw === null ? undefined : [];
  if (list.length === 0) p.add(path, `${String(path[path.length - 1])} must be a non-empty list (D7)`);
  return list.map((x, j) => read(x, [...path, j]));
}

/**
 * A `[]string` field. A list of the wrong type matches nothing (the policy is rejected anyway);
 * YAML numbers are taken as their decimal text, as `ports: [80]` has always been read here.
 */
function strings(raw: unknown, path: ObjectPath, p: Problems): readonly string[] | undefined {
  const list = readList(raw, path, p.issues);
  if (list === undefined) return raw === undefined || raw === null ? undefined : [];
  const out: string[] = [];
  list.forEach((item, k) => {
    const v = typeof item === 'number' ? String(item) : item;
    if (typeof v !== 'string') p.issues.add([...path, k], `must be a string, got ${show(v)}`);
    else if (v === '')
      p.add([...path, k], `${String(path[path.length - 1])}[${k}] must be a non-empty string (D7)`);
    else out.push(v);
  });
  return out;
}

function field(raw: Json, name: string, notName: string, path: ObjectPath, p: Problems): ValueField {
  return {
    values: strings(raw[name], [...path, name], p),
    notValues: strings(raw[notName], [...path, notName], p),
  };
}

function requireNonEmpty(raw: Json | undefined, path: ObjectPath, p: Problems, what: string): Json {
  if (!raw || Object.keys(raw).length === 0) p.add(path, `an empty ${what} is rejected by validation (D7)`);
  return raw ?? {};
}

function readSource(raw: unknown, path: ObjectPath, p: Problems): SourceModel {
  const s = requireNonEmpty(readStruct(raw, path, p.issues, SOURCE_FIELDS), path, p, 'source');
  const src: SourceModel = {
    principals: field(s, 'principals', 'notPrincipals', path, p),
    requestPrincipals: field(s, 'requestPrincipals', 'notRequestPrincipals', path, p),
    namespaces: field(s, 'namespaces', 'notNamespaces', path, p),
    ipBlocks: field(s, 'ipBlocks', 'notIpBlocks', path, p),
    remoteIpBlocks: field(s, 'remoteIpBlocks', 'notRemoteIpBlocks', path, p),
  };
  for (const [name, f] of [
    ['ipBlocks', src.ipBlocks],
    ['remoteIpBlocks', src.remoteIpBlocks],
  ] as const) {
    checkCidrs(f.values, [...path, name], p);
    checkCidrs(f.notValues, [...path, `not${name[0]!.toUpperCase()}${name.slice(1)}`], p);
  }
  return src;
}

function checkCidrs(values: readonly string[] | undefined, path: ObjectPath, p: Problems): void {
  (values ?? []).forEach((v, k) => {
    try {
      parseCidr(v);
    } catch {
      p.add([...path, k], `"${v}" is not an IP address or CIDR`);
    }
  });
}

function readOperation(raw: unknown, path: ObjectPath, p: Problems): OperationModel {
  const s = requireNonEmpty(readStruct(raw, path, p.issues, OPERATION_FIELDS), path, p, 'operation');
  const ports = (name: string) => {
    const list = strings(s[name], [...path, name], p);
    return list
      ?.map((v, k) => {
        const n = /^[0-9]+$/.test(v) ? Number(v) : Number.NaN;
        if (!(n >= 1 && n <= 65535))
          p.add([...path, name, k], `port "${v}" must be a decimal number 1-65535 (D8: no named ports)`);
        return n;
      })
      .filter((n) => n >= 1 && n <= 65535);
  };
  return {
    ports: ports('ports'),
    notPorts: ports('notPorts'),
    hosts: field(s, 'hosts', 'notHosts', path, p),
    methods: field(s, 'methods', 'notMethods', path, p),
    paths: field(s, 'paths', 'notPaths', path, p),
  };
}

function readWhen(raw: unknown, path: ObjectPath, p: Problems): ConditionModel[] {
  const list = readList(raw, path, p.issues) ?? [];
  return list.map((c, j) => {
    const cp = [...path, j];
    const entry = element(c, cp, p, CONDITION_FIELDS) ?? {};
    const key = readString(entry.key, [...cp, 'key'], p.issues) ?? '';
    // A mistyped key is already an issue; only a string key can be an unknown one.
    if (!isKnownKey(key) && typeof (entry.key ?? '') === 'string')
      p.add([...cp, 'key'], `unknown condition key "${key}" (D15)`);
    const values = strings(entry.values, [...cp, 'values'], p);
    const notValues = strings(entry.notValues, [...cp, 'notValues'], p);
    if (!values?.length && !notValues?.length) p.add(cp, `condition "${key}" needs values or notValues`);
    if (key === 'destination.port') {
      for (const v of [...(values ?? []), ...(notValues ?? [])]) {
        if (!/^[0-9]+$/.test(v) || Number(v) < 1 || Number(v) > 65535)
          p.add(cp, `destination.port "${v}" is not a port number`);
      }
    }
    if (key === 'source.ip' || key === 'remote.ip' || key === 'destination.ip') {
      checkCidrs(values, [...cp, 'values'], p);
      checkCidrs(notValues, [...cp, 'notValues'], p);
    }
    return { key, values, notValues };
  });
}
