import type { Diagnostic } from '../core/diagnostics.js';
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

function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

/** Collects problems of one policy, each located on its node, as `error` diagnostics (D22). */
class Problems {
  readonly list: Diagnostic[] = [];
  constructor(
    private readonly o: K8sObject,
    private readonly label: string,
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
    });
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
  const namespace = o.namespace ?? 'default';
  const ref: PolicyRef = { kind: 'AuthorizationPolicy', namespace, name: o.name, location: o.location };
  const p = new Problems(o, `AuthorizationPolicy ${namespace}/${o.name}`);
  const spec = obj(o.body.spec) ?? {};
  const rawAction = spec.action ?? 'ALLOW';
  const action = ACTIONS.find((a) => a === rawAction);
  if (!action) p.add(['spec', 'action'], `unknown action ${JSON.stringify(rawAction)}`);
  const provider =
    typeof obj(spec.provider)?.name === 'string' ? (obj(spec.provider)!.name as string) : undefined;
  if (action === 'CUSTOM' && !provider) p.add(['spec', 'provider'], 'CUSTOM action requires provider.name');
  if (action !== 'CUSTOM' && spec.provider !== undefined)
    p.add(['spec', 'provider'], 'provider is only allowed with action CUSTOM');
  const dryRun = readDryRun(o, p);
  const scope = readScope(spec, namespace, rootNamespace, p);
  const rawRules = spec.rules;
  if (rawRules !== undefined && !Array.isArray(rawRules)) p.add(['spec', 'rules'], 'rules must be a list');
  const list = Array.isArray(rawRules) ? rawRules : [];
  if (list.length === 0 && (action === 'DENY' || action === 'CUSTOM')) {
    p.add(
      ['spec'],
      `${action} policy without rules is rejected by validation (D7); istiod would match nothing`,
    );
  }
  const rules = list.map((r, i) => compileRule(o, ref, r, i, p));
  const invalid = p.list.some((d) => d.severity === 'error');
  const model: PolicyModel = {
    ref,
    action: action ?? 'ALLOW',
    provider,
    dryRun,
    scope,
    rules,
    invalid,
    unusable: !action,
  };
  return { model, diagnostics: p.list };
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
  const hasTarget = spec.targetRef !== undefined || spec.targetRefs !== undefined;
  const selector = obj(spec.selector);
  const matchLabels = readLabels(obj(selector?.matchLabels));
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

function readLabels(raw: Json | undefined): Labels | undefined {
  if (!raw) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = String(v);
  return out;
}

function compileRule(o: K8sObject, policy: PolicyRef, raw: unknown, i: number, p: Problems): RuleModel {
  const path = ['spec', 'rules', i];
  const ref: RuleRef = { policy, rule: `rules[${i}]`, location: o.locate(path) };
  const before = p.list.length;
  const rule = obj(raw);
  if (!rule) p.add(path, `rules[${i}] must be an object`);
  const from = listOf(rule?.from, [...path, 'from'], p, (s, sp) =>
    readSource(obj(s)?.source, [...sp, 'source'], p),
  );
  const to = listOf(rule?.to, [...path, 'to'], p, (s, sp) =>
    readOperation(obj(s)?.operation, [...sp, 'operation'], p),
  );
  const when = readWhen(rule?.when, [...path, 'when'], p);
  const httpOnly =
    (from ?? []).some((s) => hasField(s.requestPrincipals)) ||
    (to ?? []).some((op) => hasField(op.hosts) || hasField(op.methods) || hasField(op.paths)) ||
    when.some((c) => isHttpOnlyKey(c.key));
  const invalid = p.list.slice(before).some((d) => d.severity === 'error');
  return { ref, from, to, when, httpOnly, invalid };
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
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw) || raw.length === 0) {
    p.add(path, `${String(path[path.length - 1])} must be a non-empty list (D7)`);
    return Array.isArray(raw) ? [] : undefined;
  }
  return raw.map((x, j) => read(x, [...path, j]));
}

function strings(raw: unknown, path: ObjectPath, p: Problems): readonly string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    p.add(path, `${String(path[path.length - 1])} must be a list of strings`);
    return [];
  }
  const out = raw.map((v) => (typeof v === 'number' ? String(v) : v));
  out.forEach((v, k) => {
    if (typeof v !== 'string' || v === '')
      p.add([...path, k], `${String(path[path.length - 1])}[${k}] must be a non-empty string (D7)`);
  });
  return out.filter((v): v is string => typeof v === 'string' && v !== '');
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
  const s = requireNonEmpty(obj(raw), path, p, 'source');
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
  const s = requireNonEmpty(obj(raw), path, p, 'operation');
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
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    p.add(path, 'when must be a list');
    return [];
  }
  return raw.map((c, j) => {
    const cp = [...path, j];
    const entry = obj(c) ?? {};
    const key = typeof entry.key === 'string' ? entry.key : '';
    if (!isKnownKey(key)) p.add([...cp, 'key'], `unknown condition key "${key}" (D15)`);
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
