import type { Labels } from '../manifests/types.js';
import { labelKeyProblem, labelValueProblem, namespaceNameProblem } from './k8s-names.js';
import type { Acceptance, Config, DeclaredNamespace, FindingSeverity, InjectionAssumption } from './types.js';
import { DEFAULT_CONFIG } from './types.js';
import type { Field, YamlReader } from './yaml-reader.js';

type Mesh = Config['mesh'];
type Sidecar = Config['sidecar'];

const INJECTION: readonly InjectionAssumption[] = ['labelled', 'all', 'none'];
const SEVERITIES: readonly (FindingSeverity | 'off')[] = ['error', 'warning', 'info', 'off'];

export function readGlobs(r: YamlReader, field: Field, allowEmpty: boolean): string[] {
  const globs = r.stringList(field);
  if (!allowEmpty && globs.length === 0) r.fail(field.node, `${field.path}: must list at least one glob`);
  return globs;
}

export function readNamespaceName(r: YamlReader, field: Field): string {
  const name = r.string(field);
  const problem = namespaceNameProblem(name);
  if (problem) r.fail(field.node, `${field.path}: invalid namespace '${name}': ${problem}`);
  return name;
}

export function readNamespaces(r: YamlReader, field: Field): Record<string, DeclaredNamespace> {
  const result: Record<string, DeclaredNamespace> = {};
  for (const entry of r.entries(field)) {
    const problem = namespaceNameProblem(entry.key);
    if (problem) r.fail(entry.keyNode, `${field.path}: invalid namespace '${entry.key}': ${problem}`);
    const section = r.section(entry.value, ['labels', 'annotations'], `put labels under 'labels:'`);
    const labels = section.get('labels');
    const annotations = section.get('annotations');
    result[entry.key] = {
      labels: labels ? readStringMap(r, labels, true) : {},
      annotations: annotations ? readStringMap(r, annotations, false) : {},
    };
  }
  return result;
}

/** Labels and annotations: string keys to string values; `version: 1` must be quoted, as in Kubernetes. */
function readStringMap(r: YamlReader, field: Field, isLabels: boolean): Labels {
  const result: Record<string, string> = {};
  for (const entry of r.entries(field)) {
    const keyProblem = labelKeyProblem(entry.key);
    if (keyProblem) r.fail(entry.keyNode, `${field.path}: invalid key '${entry.key}': ${keyProblem}`);
    // `key:` with nothing after it is the empty string, as Kubernetes would read it.
    const value = entry.value ? r.string(entry.value, 'a string', { allowEmpty: true }) : '';
    const valueProblem = isLabels ? labelValueProblem(value) : undefined;
    if (valueProblem && entry.value) {
      r.fail(entry.value.node, `${entry.value.path}: invalid label value '${value}': ${valueProblem}`);
    }
    result[entry.key] = value;
  }
  return result;
}

export function readCni(r: YamlReader, field: Field | undefined): Config['cni'] {
  const section = r.section(field, ['ipBlockMatchesPods']);
  const ipBlock = section.get('ipBlockMatchesPods');
  return { ipBlockMatchesPods: ipBlock ? r.boolean(ipBlock) : DEFAULT_CONFIG.cni.ipBlockMatchesPods };
}

const MESH_KEYS = [
  'rootNamespace',
  'istioNamespace',
  'trustDomain',
  'trustDomainAliases',
  'injection',
  'enableNamespacesByDefault',
  'monitoringNamespaces',
] as const;

export function readMesh(r: YamlReader, field: Field | undefined): Mesh {
  const s = r.section(field, MESH_KEYS);
  const d = DEFAULT_CONFIG.mesh;
  const get = <T>(key: (typeof MESH_KEYS)[number], read: (f: Field) => T, fallback: T): T => {
    const f = s.get(key);
    return f ? read(f) : fallback;
  };
  return {
    rootNamespace: get('rootNamespace', (f) => readNamespaceName(r, f), d.rootNamespace),
    istioNamespace: get('istioNamespace', (f) => readNamespaceName(r, f), d.istioNamespace),
    trustDomain: get('trustDomain', (f) => r.string(f), d.trustDomain),
    trustDomainAliases: get('trustDomainAliases', (f) => r.stringList(f), d.trustDomainAliases),
    injection: get('injection', (f) => r.oneOf(f, INJECTION), d.injection),
    enableNamespacesByDefault: get(
      'enableNamespacesByDefault',
      (f) => r.boolean(f),
      d.enableNamespacesByDefault,
    ),
    monitoringNamespaces: get(
      'monitoringNamespaces',
      (f) => r.items(f).map((item) => readNamespaceName(r, item)),
      d.monitoringNamespaces,
    ),
  };
}

const SIDECAR_KEYS = [
  'minCpuRequest',
  'minMemoryRequest',
  'defaultCpuRequest',
  'defaultMemoryRequest',
] as const;

/** Quantities stay strings: the model stage parses them and reports its own errors. */
export function readSidecar(r: YamlReader, field: Field | undefined): Sidecar {
  const s = r.section(field, SIDECAR_KEYS);
  const quantity = (key: (typeof SIDECAR_KEYS)[number]): string | undefined => {
    const f = s.get(key);
    return f ? r.string(f, 'a quantity string') : undefined;
  };
  const result: { -readonly [K in keyof Sidecar]: Sidecar[K] } = {
    minCpuRequest: quantity('minCpuRequest') ?? DEFAULT_CONFIG.sidecar.minCpuRequest,
    minMemoryRequest: quantity('minMemoryRequest') ?? DEFAULT_CONFIG.sidecar.minMemoryRequest,
  };
  const defaultCpu = quantity('defaultCpuRequest');
  const defaultMemory = quantity('defaultMemoryRequest');
  if (defaultCpu !== undefined) result.defaultCpuRequest = defaultCpu;
  if (defaultMemory !== undefined) result.defaultMemoryRequest = defaultMemory;
  return result;
}

export function readFindings(r: YamlReader, field: Field | undefined): Config['findings'] {
  const s = r.section(field, ['severity', 'accept']);
  const severityField = s.get('severity');
  const acceptField = s.get('accept');
  const severity: Record<string, FindingSeverity | 'off'> = {};
  for (const entry of severityField ? r.entries(severityField) : []) {
    const value =
      entry.value ?? r.fail(entry.keyNode, `${severityField?.path}.${entry.key}: missing severity`);
    severity[entry.key] = r.oneOf(value, SEVERITIES);
  }
  const accept = acceptField ? r.items(acceptField).map((item) => readAcceptance(r, item)) : [];
  return { severity, accept };
}

const ACCEPT_KEYS = ['rule', 'resource', 'source', 'destination', 'reason'] as const;

function readAcceptance(r: YamlReader, field: Field): Acceptance {
  const s = r.section(field, ACCEPT_KEYS);
  const text = (key: (typeof ACCEPT_KEYS)[number]): string | undefined => {
    const f = s.get(key);
    return f ? r.string(f) : undefined;
  };
  const rule = text('rule') ?? r.fail(field.node, `${field.path}: missing 'rule'`);
  const reason =
    text('reason') ?? r.fail(field.node, `${field.path}: missing 'reason' (say why it is accepted)`);
  const resource = text('resource');
  const source = text('source');
  const destination = text('destination');
  if (resource === undefined && source === undefined && destination === undefined) {
    r.fail(field.node, `${field.path}: needs 'resource', or 'source' and/or 'destination'`);
  }
  if (resource !== undefined && (source !== undefined || destination !== undefined)) {
    r.fail(field.node, `${field.path}: use either 'resource' or 'source'/'destination', not both`);
  }
  return {
    rule,
    reason,
    ...(resource !== undefined && { resource }),
    ...(source !== undefined && { source }),
    ...(destination !== undefined && { destination }),
  };
}
