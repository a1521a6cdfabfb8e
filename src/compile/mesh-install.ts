import type { Config } from '../config/types.js';
import { isRecord } from '../core/decode.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceLocation } from '../core/location.js';
import type { MeshSettings } from '../l7/mesh-config.js';
import { HELM_VALUES_KIND, type ObjectPath } from '../manifests/types.js';
import type { ClusterModel } from '../model/types.js';
import { configMismatches, type Found } from './install-vs-config.js';
import {
  type InstallSource,
  istiodChartVersions,
  meshConfigSources,
  operatorSources,
  sourceLabel,
  valuesSources,
  webhookRevisions,
} from './mesh-sources.js';

type Json = Readonly<Record<string, unknown>>;

/** A proxy request default as the install writes it (findings parse the quantity). */
export interface ProxyRequestDefault {
  readonly text: string;
  /** `IstioOperator istio-system/main spec.values.global.proxy.resources`, `Helm values x global.proxy.resources`. */
  readonly from: string;
  readonly location: SourceLocation;
}

/**
 * Everything a revision's Istio install says that decides the matrix or a finding (SEMANTICS V5),
 * read once from IstioOperators, Helm values of the istiod chart, HelmReleases, Argo CD Applications
 * and the rendered `istio` / `istio-sidecar-injector` ConfigMaps. Each setting comes from the first
 * source that sets it; sources that disagree are a warning.
 */
export interface MeshInstall extends MeshSettings {
  readonly trustDomain: string | undefined;
  readonly trustDomainAliases: readonly string[];
  /** `meshConfig.outboundTrafficPolicy.mode` (Istio's default is ALLOW_ANY). */
  readonly outboundTrafficPolicy: string | undefined;
  /** `meshConfig.defaultServiceExportTo` (Istio's default is `*`, F14). */
  readonly defaultServiceExportTo: readonly string[] | undefined;
  /** `meshConfig.defaultVirtualServiceExportTo` (Istio's default is `*`): a VirtualService without `exportTo` (F9). */
  readonly defaultVirtualServiceExportTo: readonly string[] | undefined;
  /**
   * `values.global.proxy.resources.requests` (H2); a request they leave out comes from the profile
   * the install names (H1: `demo` 10m/40Mi, the others default's 100m/128Mi), when it names one.
   */
  readonly proxyRequests: { readonly cpu?: ProxyRequestDefault; readonly memory?: ProxyRequestDefault };
  /** IstioOperator `spec.profile`, else values `profile` (the istiod chart's, from 1.21). */
  readonly profile: string | undefined;
  /** Revisions the repository installs (IstioOperator `spec.revision`, values `revision`), sorted. */
  readonly revisions: readonly string[];
  /**
   * Revisions and tags whose injection webhook the repository installs (C8): `default` for an
   * install without a revision, values `revisionTags`, MutatingWebhookConfigurations labelled
   * `istio.io/rev` / `istio.io/tag`. `undefined` when the repository holds no install: unknown.
   */
  readonly installedRevisions: readonly string[] | undefined;
  /** IstioOperator `spec.tag`, values `global.tag`, else the istiod chart version a HelmRelease or Application installs. */
  readonly release: string | undefined;
  /** Some IstioOperator points proxies at plaintext xDS (`defaultConfig.discoveryAddress` on :15010). */
  readonly plaintextXds: boolean;
}

/** The one reader of the Istio install: every consumer (L7 engine, findings) reads its answer. */
export function readMeshInstall(model: ClusterModel, configured: Config['mesh']): MeshInstall {
  const diagnostics: Diagnostic[] = [];
  const meshConfigs = meshConfigSources(model, configured.istioNamespace, diagnostics);
  const values = valuesSources(model, configured.istioNamespace);
  const first = meshConfigs[0];
  if (meshConfigs.length > 1) {
    diagnostics.push({
      severity: 'warning',
      code: 'istio-mesh-config-ambiguous',
      message: `${meshConfigs.length} mesh configurations found; using ${first!.object.kind} ${first!.object.namespace}/${first!.object.name}`,
      location: meshConfigs[1]!.object.location,
    });
  }
  const mesh = first?.json;
  const setting = <T>(name: string, read: (v: Json) => T | undefined, from = values) =>
    firstSetting(from, name, read, diagnostics);
  const operators = operatorSources(model);
  const revisions = new Set<string>();
  for (const s of [...operators, ...values]) addString(revisions, s.json.revision);
  const installed = new Set<string>();
  for (const s of [...operators, ...values]) {
    installed.add(nonEmpty(s.json.revision) ?? 'default');
    for (const tag of strings(s.json.revisionTags)) installed.add(tag);
  }
  for (const rev of webhookRevisions(model)) installed.add(rev);
  const policy = setting('global.proxy.autoInject', (v) => {
    const raw = at(v, ['global', 'proxy', 'autoInject']);
    // YAML 1.1 reads an unquoted `enabled`/`disabled` as a string, but `on`/`off` as booleans.
    return typeof raw === 'boolean' ? String(raw) : nonEmpty(raw);
  });
  const byDefault = setting('sidecarInjectorWebhook.enableNamespacesByDefault', (v) => {
    const b = at(v, ['sidecarInjectorWebhook', 'enableNamespacesByDefault']);
    return typeof b === 'boolean' ? b : undefined;
  });
  // Only the winning mesh config counts (the others are the ambiguity warned above).
  const trustDomain = setting('meshConfig.trustDomain', (v) => nonEmpty(v.trustDomain), first ? [first] : []);
  diagnostics.push(...configMismatches(configured, { trustDomain, byDefault }));
  const aliases = strings(mesh?.trustDomainAliases);
  const profile =
    setting('profile', (v) => nonEmpty(v.profile), operators) ??
    setting('profile', (v) => nonEmpty(v.profile));
  return {
    rootNamespace: nonEmpty(mesh?.rootNamespace),
    providers: mesh ? readProviders(mesh) : undefined,
    trustDomains: appliedTrustDomains(configured, trustDomain?.value, aliases),
    injector: {
      policy: policy?.value ?? 'enabled',
      policyFrom: policy ? sourceLabel(policy.source) : "Istio's default",
      enableNamespacesByDefault: configured.enableNamespacesByDefault ?? byDefault?.value ?? false,
      byDefaultFrom:
        configured.enableNamespacesByDefault !== undefined
          ? 'config mesh.enableNamespacesByDefault'
          : byDefault
            ? sourceLabel(byDefault.source)
            : "Istio's default",
    },
    trustDomain: trustDomain?.value,
    trustDomainAliases: aliases,
    outboundTrafficPolicy: nonEmpty(at(mesh, ['outboundTrafficPolicy', 'mode'])),
    defaultServiceExportTo: Array.isArray(mesh?.defaultServiceExportTo)
      ? strings(mesh.defaultServiceExportTo)
      : undefined,
    defaultVirtualServiceExportTo: Array.isArray(mesh?.defaultVirtualServiceExportTo)
      ? strings(mesh.defaultVirtualServiceExportTo)
      : undefined,
    proxyRequests: proxyRequests(values, profile, diagnostics),
    profile: profile?.value,
    revisions: [...revisions].sort(),
    installedRevisions: operators.length + values.length > 0 ? [...installed].sort() : undefined,
    release:
      setting('tag', (v) => nonEmpty(v.tag), operators)?.value ??
      setting('global.tag', (v) => nonEmpty(at(v, ['global', 'tag'])))?.value ??
      firstString(istiodChartVersions(model)),
    plaintextXds: operators.some((s) =>
      /:15010"?$/.test(String(at(s.json, ['meshConfig', 'defaultConfig', 'discoveryAddress']) ?? '')),
    ),
    diagnostics,
  };
}

/**
 * H2: the first source with `global.proxy.resources.requests` gives both requests (a source that
 * sets only one leaves the other to the built-in default, as before); later sources with other
 * requests are a conflict.
 */
function proxyRequests(
  values: readonly InstallSource[],
  profile: Found<string> | undefined,
  diagnostics: Diagnostic[],
): MeshInstall['proxyRequests'] {
  const path = ['global', 'proxy', 'resources', 'requests'];
  const found = values.filter((s) => isRecord(at(s.json, path)));
  const chosen = found[0];
  const fromProfile = profileRequests(profile);
  if (!chosen) return fromProfile;
  const requests = at(chosen.json, path) as Json;
  warnConflict(found, 'global.proxy.resources.requests', (s) => canonical(at(s.json, path)), diagnostics);
  const from =
    chosen.object.kind === HELM_VALUES_KIND
      ? `Helm values ${chosen.object.name} global.proxy.resources`
      : `${chosen.object.kind} ${chosen.object.namespace}/${chosen.object.name} ${chosen.label}.global.proxy.resources`;
  const read = (key: 'cpu' | 'memory'): ProxyRequestDefault | undefined => {
    const raw = requests[key];
    if (raw === undefined || raw === null) return undefined;
    // The injector ConfigMap holds JSON in one string: its lines say nothing about the field.
    const fieldPath: ObjectPath = chosen.opaque ? chosen.path : [...chosen.path, ...path, key];
    return { text: String(raw), from, location: chosen.object.locate(fieldPath) };
  };
  // Values overlay the profile, field by field.
  const cpu = read('cpu') ?? fromProfile.cpu;
  const memory = read('memory') ?? fromProfile.memory;
  return { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) };
}

/**
 * H1: `global.proxy.resources.requests` of the install profiles (istio/istio
 * manifests/profiles/*.yaml, the same from 1.20.8 to 1.24.6): every profile is an overlay on
 * `default` (100m/128Mi, operator/pkg/helm/helm.go), and only `demo` changes them. Another profile
 * name says nothing here.
 */
const PROFILE_REQUESTS: Readonly<Record<string, { cpu: string; memory: string }>> = {
  default: { cpu: '100m', memory: '128Mi' },
  demo: { cpu: '10m', memory: '40Mi' },
  minimal: { cpu: '100m', memory: '128Mi' },
  empty: { cpu: '100m', memory: '128Mi' },
  preview: { cpu: '100m', memory: '128Mi' },
};

function profileRequests(profile: Found<string> | undefined): MeshInstall['proxyRequests'] {
  const requests = profile ? PROFILE_REQUESTS[profile.value] : undefined;
  if (!profile || !requests) return {};
  const s = profile.source;
  const where = s.label === '' ? 'profile' : `${s.label}.profile`;
  const from = `${sourceLabel(s)} ${where} ${profile.value}`;
  const location = s.object.locate(s.opaque ? s.path : [...s.path, 'profile']);
  return {
    cpu: { text: requests.cpu, from, location },
    memory: { text: requests.memory, from, location },
  };
}

/** D9: the configured trust domain wins over the repository's install; aliases are added to either. */
function appliedTrustDomains(
  configured: Config['mesh'],
  repository: string | undefined,
  repositoryAliases: readonly string[],
): string[] {
  const aliases = configured.trustDomainAliases ?? [];
  const own = configured.trustDomain ?? repository ?? 'cluster.local';
  // The repository's aliases belong to its trust domain: a configured other domain drops them.
  const list = [own, ...(own === repository ? repositoryAliases : []), ...aliases];
  return [...new Set(list)];
}

/** The first source's value of a setting; a later source with another value is a conflict. */
function firstSetting<T>(
  sources: readonly InstallSource[],
  name: string,
  read: (v: Json) => T | undefined,
  diagnostics: Diagnostic[],
): Found<T> | undefined {
  const found = sources.filter((s) => read(s.json) !== undefined);
  warnConflict(found, name, (s) => canonical(read(s.json)), diagnostics);
  const source = found[0];
  return source ? { value: read(source.json) as T, source } : undefined;
}

function warnConflict(
  found: readonly InstallSource[],
  name: string,
  value: (s: InstallSource) => string,
  diagnostics: Diagnostic[],
): void {
  const chosen = found[0];
  const other = found.find((s) => value(s) !== value(chosen!));
  if (!chosen || !other) return;
  diagnostics.push({
    severity: 'warning',
    code: 'istio-mesh-install-conflict',
    message: `${sourceLabel(other)} sets ${name} to ${value(other)}, but ${sourceLabel(chosen)} sets it to ${value(chosen)}; using the latter`,
    location: other.object.location,
  });
}

function readProviders(meshConfig: Json): Map<string, 'http' | 'grpc' | 'other'> {
  const out = new Map<string, 'http' | 'grpc' | 'other'>();
  const list = meshConfig.extensionProviders;
  if (!Array.isArray(list)) return out;
  for (const entry of list) {
    if (!isRecord(entry) || typeof entry.name !== 'string') continue;
    out.set(entry.name, entry.envoyExtAuthzHttp ? 'http' : entry.envoyExtAuthzGrpc ? 'grpc' : 'other');
  }
  return out;
}

function at(root: unknown, path: readonly string[]): unknown {
  let v = root;
  for (const k of path) {
    if (!isRecord(v)) return undefined;
    v = v[k];
  }
  return v;
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

function firstString(values: readonly unknown[]): string | undefined {
  return values.map(nonEmpty).find((v) => v !== undefined);
}

function addString(set: Set<string>, v: unknown): void {
  const s = nonEmpty(v);
  if (s) set.add(s);
}

function canonical(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}
