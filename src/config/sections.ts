import { posix } from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import { namespaceNameError } from '../core/k8s-names.js';
import { suggestKey } from '../core/suggest.js';
import type { Labels } from '../manifests/types.js';
import { parseCidr } from '../values/ip-range.js';
import { labelKeyProblem, labelValueProblem } from './k8s-names.js';
import { readMeshGateways } from './mesh-gateways-section.js';
import type {
  Acceptance,
  Config,
  DeclaredNamespace,
  FindingSeverity,
  InjectionAssumption,
  RenderRootConfig,
} from './types.js';
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
  const problem = namespaceNameError(name);
  if (problem) r.fail(field.node, `${field.path}: invalid namespace '${name}': ${problem}`);
  return name;
}

/** An Istio release as `1.20` or `1.22.3` (quoted in YAML: unquoted `1.20` is the number 1.2). */
function readIstioRelease(r: YamlReader, field: Field): string {
  const release = r.string(field, 'an Istio release such as "1.20" or "1.22.3"');
  if (!/^\d+\.\d+(\.\d+)?$/.test(release)) {
    r.fail(field.node, `${field.path}: '${release}' is not an Istio release such as "1.20" or "1.22.3"`);
  }
  return release;
}

export function readNamespaces(r: YamlReader, field: Field): Record<string, DeclaredNamespace> {
  const result: Record<string, DeclaredNamespace> = {};
  for (const entry of r.entries(field)) {
    const problem = namespaceNameError(entry.key);
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
  const section = r.section(field, ['ipBlockMatchesPods', 'hostNetworkPods']);
  const ipBlock = section.get('ipBlockMatchesPods');
  const hostNetwork = section.get('hostNetworkPods');
  return {
    ipBlockMatchesPods: ipBlock ? r.boolean(ipBlock) : DEFAULT_CONFIG.cni.ipBlockMatchesPods,
    hostNetworkPods: hostNetwork
      ? r.oneOf(hostNetwork, ['node', 'pod'] as const)
      : DEFAULT_CONFIG.cni.hostNetworkPods,
  };
}

/** `cluster.podCIDRs`: each a CIDR as the API server writes a node's `podCIDR` (10.244.0.0/16, fd00::/64). */
export function readCluster(r: YamlReader, field: Field | undefined): Config['cluster'] {
  const pods = r.section(field, ['podCIDRs']).get('podCIDRs');
  if (!pods) return DEFAULT_CONFIG.cluster;
  return {
    podCIDRs: r.items(pods).map((item) => {
      const text = r.string(item, 'a CIDR string');
      try {
        parseCidr(text);
      } catch {
        r.fail(item.node, `${item.path}: '${text}' is not a CIDR (e.g. 10.244.0.0/16)`);
      }
      return text;
    }),
  };
}

const MESH_KEYS = [
  'rootNamespace',
  'istioNamespace',
  'trustDomain',
  'trustDomainAliases',
  'injection',
  'enableNamespacesByDefault',
  'monitoringNamespaces',
  'istioRelease',
  'undeclaredPorts',
  'gateways',
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
    istioRelease: get('istioRelease', (f) => readIstioRelease(r, f), d.istioRelease),
    undeclaredPorts: get(
      'undeclaredPorts',
      (f) => r.oneOf(f, ['passthrough', 'service'] as const),
      d.undeclaredPorts,
    ),
    ...(s.get('gateways') ? { gateways: readMeshGateways(r, s.get('gateways')!) } : {}),
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

/**
 * `ruleIds`: the findings' rule ids (src/findings/rules.ts, handed in by the caller: findings
 * depends on config, not the reverse); a rule outside them is a mistake, with a suggestion.
 */
export function readFindings(
  r: YamlReader,
  field: Field | undefined,
  ruleIds?: readonly string[],
): Config['findings'] {
  const s = r.section(field, ['severity', 'accept']);
  const severityField = s.get('severity');
  const acceptField = s.get('accept');
  const severity: Record<string, FindingSeverity | 'off'> = {};
  for (const entry of severityField ? r.entries(severityField, ruleIds, 'finding rule ids') : []) {
    const value =
      entry.value ?? r.fail(entry.keyNode, `${severityField?.path}.${entry.key}: missing severity`);
    severity[entry.key] = r.oneOf(value, SEVERITIES);
  }
  const accept = acceptField ? r.items(acceptField).map((item) => readAcceptance(r, item, ruleIds)) : [];
  return { severity, accept };
}

const ACCEPT_KEYS = ['rule', 'resource', 'source', 'destination', 'reason'] as const;

function readAcceptance(r: YamlReader, field: Field, ruleIds?: readonly string[]): Acceptance {
  const s = r.section(field, ACCEPT_KEYS);
  const text = (key: (typeof ACCEPT_KEYS)[number]): string | undefined => {
    const f = s.get(key);
    return f ? r.string(f) : undefined;
  };
  const rule = text('rule') ?? r.fail(field.node, `${field.path}: missing 'rule'`);
  // `*` accepts the finding whatever its rule (findings/accept.ts).
  if (ruleIds && rule !== '*' && !ruleIds.includes(rule)) {
    const suggestion = suggestKey(rule, ruleIds);
    r.fail(
      s.get('rule')?.node,
      `${field.path}.rule: unknown rule '${rule}'; ${suggestion ? `did you mean '${suggestion}'?` : "expected a finding rule id (docs/findings.md) or '*'"}`,
    );
  }
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

const RENDER_KEYS = ['roots', 'discover', 'timeoutSeconds', 'maxOutputBytes', 'remote', 'repoURLs'] as const;
const KUSTOMIZE_KEYS = ['kustomize', 'enableHelm'] as const;
const HELM_KEYS = ['helm', 'values', 'namespace', 'releaseName'] as const;
/** Helm's own limit for release names: a DNS label of at most 53 characters. */
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/;

/**
 * `render:` is either a list of roots (the short form) or a mapping with `roots` and options.
 * Paths are repository-relative and may not leave the repository: they are rendered from a copy.
 */
export function readRender(r: YamlReader, field: Field | undefined): Config['render'] {
  const d = DEFAULT_CONFIG.render;
  if (!field) return d;
  if (isSeq(r.resolve(field.node))) return { ...d, roots: readRenderRoots(r, field) };
  const s = r.section(field, RENDER_KEYS);
  const roots = s.get('roots');
  const discover = s.get('discover');
  const timeout = s.get('timeoutSeconds');
  const maxOutput = s.get('maxOutputBytes');
  const remote = s.get('remote');
  const repoURLs = s.get('repoURLs');
  return {
    roots: roots ? readRenderRoots(r, roots) : d.roots,
    discover: discover ? r.boolean(discover) : d.discover,
    timeoutSeconds: timeout ? readPositive(r, timeout, 600) : d.timeoutSeconds,
    maxOutputBytes: maxOutput ? readPositive(r, maxOutput, 2 ** 31) : d.maxOutputBytes,
    remote: remote ? r.oneOf(remote, ['fail', 'skip'] as const) : d.remote,
    repoURLs: repoURLs ? r.stringList(repoURLs) : d.repoURLs,
  };
}

function readRenderRoots(r: YamlReader, field: Field): RenderRootConfig[] {
  return r.items(field).map((item) => {
    const node = r.resolve(item.node);
    const keys = isMap(node) ? node.items.map((p) => (isScalar(p.key) ? p.key.value : undefined)) : [];
    if (keys.includes('helm')) return readHelmRoot(r, item);
    if (keys.includes('kustomize')) return readKustomizeRoot(r, item);
    return r.fail(item.node, `${item.path}: expected 'kustomize: <dir>' or 'helm: <chart dir>'`);
  });
}

function readKustomizeRoot(r: YamlReader, field: Field): RenderRootConfig {
  const s = r.section(field, KUSTOMIZE_KEYS, 'a root is either kustomize or helm');
  const path = s.get('kustomize') ?? r.fail(field.node, `${field.path}.kustomize: missing directory`);
  const enableHelm = s.get('enableHelm');
  return {
    tool: 'kustomize',
    path: readRepoPath(r, path),
    enableHelm: enableHelm ? r.boolean(enableHelm) : false,
  };
}

function readHelmRoot(r: YamlReader, field: Field): RenderRootConfig {
  const s = r.section(field, HELM_KEYS, 'a root is either kustomize or helm');
  const pathField = s.get('helm') ?? r.fail(field.node, `${field.path}.helm: missing chart directory`);
  const path = readRepoPath(r, pathField);
  const values = s.get('values');
  const namespace = s.get('namespace');
  const releaseField = s.get('releaseName');
  const releaseName = releaseField ? r.string(releaseField) : (path.split('/').pop() ?? '');
  if (!RELEASE_NAME.test(releaseName)) {
    r.fail(
      (releaseField ?? pathField).node,
      `${field.path}: invalid Helm release name '${releaseName}': lowercase letters, digits and '-', at most 53 characters${releaseField ? '' : '; set releaseName'}`,
    );
  }
  return {
    tool: 'helm',
    path,
    values: values ? r.items(values).map((item) => readValuesPath(r, item, path)) : [],
    ...(namespace ? { namespace: readNamespaceName(r, namespace) } : {}),
    releaseName,
  };
}

/** A relative path that stays inside the repository, normalised (`./a/b/` is `a/b`, the root is `.`). */
function readRepoPath(r: YamlReader, field: Field): string {
  const raw = r.string(field);
  const path = posix.normalize(raw).replace(/\/+$/, '') || '.';
  if (raw.includes('\\') || posix.isAbsolute(raw) || path === '..' || path.startsWith('../')) {
    r.fail(field.node, `${field.path}: '${raw}' must be a relative path inside the repository, with '/'`);
  }
  return path;
}

/** Relative to the chart directory (`../envs/prod.yaml` is fine) but inside the repository. */
function readValuesPath(r: YamlReader, field: Field, chart: string): string {
  const raw = r.string(field);
  const inRepo = posix.normalize(posix.join(chart, raw));
  if (raw.includes('\\') || posix.isAbsolute(raw) || inRepo === '..' || inRepo.startsWith('../')) {
    r.fail(field.node, `${field.path}: '${raw}' must be a path relative to the chart, inside the repository`);
  }
  return posix.normalize(raw);
}

function readPositive(r: YamlReader, field: Field, max: number): number {
  const node = r.resolve(field.node);
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    r.fail(node, `${field.path}: expected a whole number from 1 to ${max}`);
  }
  return value;
}
