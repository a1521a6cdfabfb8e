import {
  formatPath,
  Issues,
  readEnum,
  readInteger,
  readStringList,
  readStringMap,
  readStruct,
  readStructList,
} from '../core/decode.js';
import type { Diagnostic, DiagnosticReach } from '../core/diagnostics.js';
import type { SourceLocation } from '../core/location.js';
import type { PolicyRef } from '../core/refs.js';
import { contentDigest } from '../l4/policy-index.js';
import {
  type ClientSide,
  type DestinationTls,
  NO_CLIENT_SIDE,
  type OutboundMode,
  type RequestAuthnModel,
  type SidecarEgress,
  type SidecarModel,
  type VirtualServiceImport,
} from '../l7/client-types.js';
import { chooseSidecar } from '../l7/sidecar-scope.js';
import type { K8sObject } from '../manifests/types.js';
import type { ClusterModel } from '../model/types.js';
import type { MeshInstall } from './mesh-install.js';
import { fqdn, type TrafficPolicies } from './traffic.js';

// istio/api networking/v1alpha3 sidecar.proto and security/v1beta1 request_authentication.proto.
const SIDECAR = ['workloadSelector', 'ingress', 'egress', 'outboundTrafficPolicy', 'inboundConnectionPool'];
const EGRESS = ['port', 'bind', 'captureMode', 'hosts'];
const PORT = ['number', 'protocol', 'name', 'targetPort'];
const OUTBOUND = ['mode', 'egressProxy'];
const OUTBOUND_MODES: readonly OutboundMode[] = ['REGISTRY_ONLY', 'ALLOW_ANY'];
const REQUEST_AUTHN = ['selector', 'targetRef', 'targetRefs', 'jwtRules'];
const SECURITY = new Set(['security.istio.io/v1', 'security.istio.io/v1beta1']);
const NETWORKING = /^networking\.istio\.io\//;

/** The client side of a revision, decoded once (src/l7/client-types.ts says what each part is for). */
export function compileClientSide(
  model: ClusterModel,
  traffic: TrafficPolicies,
  mesh: MeshInstall,
  root: string,
): ClientSide {
  const diagnostics: Diagnostic[] = [];
  const digests = new Map<string, string[]>();
  const destinationTls = new Map<string, DestinationTls[]>();
  for (const t of traffic.destinationTls) push(destinationTls, t.host, t);
  for (const o of model.objectsByKind.get('DestinationRule') ?? []) {
    if (NETWORKING.test(o.apiVersion)) push(digests, `dr:${fqdn(hostOf(o), o.namespace)}`, contentDigest(o));
  }
  const routedSubsets = new Map<string, Set<string>>();
  for (const vs of traffic.meshVirtualServices) {
    for (const d of vs.destinations) {
      if (d.subset === undefined || d.weight === 0) continue;
      const set = routedSubsets.get(d.host) ?? new Set<string>();
      set.add(d.subset);
      routedSubsets.set(d.host, set);
    }
  }
  const vsDefault = mesh.defaultVirtualServiceExportTo ?? ['*'];
  const virtualServiceImports = traffic.meshVirtualServices.map((vs) => vsImport(vs, vsDefault));
  const sidecars: SidecarModel[] = [];
  for (const o of model.objectsByKind.get('Sidecar') ?? []) {
    if (!NETWORKING.test(o.apiVersion)) continue;
    push(digests, `sidecar:${o.namespace}`, contentDigest(o));
    const issues = new Issues({ suggest: true });
    const s = decodeSidecar(o, issues);
    if (issues.count > 0) diagnostics.push(...invalid(o, issues, root, 'invalid-sidecar'));
    else sidecars.push(s);
  }
  const requestAuthn: RequestAuthnModel[] = [];
  for (const o of model.objectsByKind.get('RequestAuthentication') ?? []) {
    if (!SECURITY.has(o.apiVersion)) continue;
    push(digests, `ra:${o.namespace}`, contentDigest(o));
    const issues = new Issues({ suggest: true });
    const ra = decodeRequestAuthn(o, issues);
    // An invalid one takes no effect, but which requests it would have made conditional is unknown.
    if (issues.count > 0) diagnostics.push(...invalid(o, issues, root, 'invalid-requestauthentication'));
    else requestAuthn.push(ra);
  }
  diagnostics.push(...ambiguousSidecars(model, sidecars, root));
  diagnostics.push(...missingRevisions(model, mesh.installedRevisions));
  const outbound: OutboundMode =
    mesh.outboundTrafficPolicy === 'REGISTRY_ONLY' ? 'REGISTRY_ONLY' : 'ALLOW_ANY';
  return {
    destinationTls,
    unknownTls: traffic.unknownSubsets,
    routedSubsets,
    virtualServiceImports,
    sidecars,
    requestAuthn,
    outbound,
    defaultServiceExportTo: mesh.defaultServiceExportTo ?? ['*'],
    ...(mesh.installedRevisions ? { installedRevisions: new Set(mesh.installedRevisions) } : {}),
    digests,
    diagnostics,
  };
}

/**
 * F9: what a Sidecar import of a mesh VirtualService brings along (exportTo checked by name only: the
 * object is valid). Without `exportTo` the mesh's `defaultVirtualServiceExportTo` decides (Istio: `*`).
 */
function vsImport(
  vs: TrafficPolicies['meshVirtualServices'][number],
  meshDefault: readonly string[],
): VirtualServiceImport {
  const spec = vs.object.body.spec as Record<string, unknown> | undefined;
  const raw = Array.isArray(spec?.exportTo) ? spec.exportTo.filter((e) => typeof e === 'string') : [];
  return {
    ref: refOf(vs.object),
    namespace: vs.object.namespace,
    exportTo: raw.length > 0 ? raw : meshDefault,
    hosts: vs.hosts,
    destinations: [...new Set(vs.destinations.filter((d) => d.weight !== 0).map((d) => d.host))],
  };
}

function hostOf(o: K8sObject): string {
  const spec = o.body.spec as Record<string, unknown> | undefined;
  return typeof spec?.host === 'string' ? spec.host : '';
}

function refOf(o: K8sObject): PolicyRef {
  return { kind: o.kind, namespace: o.namespace, name: o.name, location: o.location };
}

function decodeSidecar(o: K8sObject, issues: Issues): SidecarModel {
  const spec = readStruct(o.body.spec, ['spec'], issues, SIDECAR) ?? {};
  const sel = readStruct(spec.workloadSelector, ['spec', 'workloadSelector'], issues, ['labels']);
  const labels = readStringMap(sel?.labels, ['spec', 'workloadSelector', 'labels'], issues);
  const egress: SidecarEgress[] = [];
  const list = readStructList(spec.egress, ['spec', 'egress'], issues, EGRESS);
  list?.forEach((e, i) => {
    const path = ['spec', 'egress', i];
    const port = readStruct(e.port, [...path, 'port'], issues, PORT);
    const number = readInteger(port?.number, [...path, 'port', 'number'], issues);
    const hosts = readStringList(e.hosts, [...path, 'hosts'], issues) ?? [];
    if (hosts.length === 0) issues.add([...path, 'hosts'], 'an egress listener needs at least one host');
    egress.push({ port: number, hosts });
  });
  const ob = readStruct(spec.outboundTrafficPolicy, ['spec', 'outboundTrafficPolicy'], issues, OUTBOUND);
  const mode = readEnum(ob?.mode, ['spec', 'outboundTrafficPolicy', 'mode'], issues, OUTBOUND_MODES);
  return {
    ref: refOf(o),
    object: o,
    selector: labels && Object.keys(labels).length > 0 ? labels : undefined,
    // F9: no egress listener imports every host of every namespace.
    egress: list === undefined || list.length === 0 ? [{ port: undefined, hosts: ['*/*'] }] : egress,
    // The proto's zero value is REGISTRY_ONLY, but an omitted outboundTrafficPolicy inherits the mesh's.
    outbound: ob ? (mode ?? 'REGISTRY_ONLY') : undefined,
    outboundLocation: ob ? o.locate(['spec', 'outboundTrafficPolicy']) : undefined,
  };
}

function decodeRequestAuthn(o: K8sObject, issues: Issues): RequestAuthnModel {
  const spec = readStruct(o.body.spec, ['spec'], issues, REQUEST_AUTHN) ?? {};
  const sel = readStruct(spec.selector, ['spec', 'selector'], issues, ['matchLabels']);
  const labels = readStringMap(sel?.matchLabels, ['spec', 'selector', 'matchLabels'], issues);
  const targeted = spec.targetRef !== undefined || spec.targetRefs !== undefined;
  return {
    ref: refOf(o),
    object: o,
    selector: labels && Object.keys(labels).length > 0 ? labels : undefined,
    targetRefOnly: targeted && !labels,
  };
}

function invalid(o: K8sObject, issues: Issues, root: string, code: string): Diagnostic[] {
  const label = `${o.kind} ${o.namespace}/${o.name}`;
  // Outside the root namespace it applies to its own namespace's workloads only.
  const reach: DiagnosticReach | undefined =
    o.namespace === root ? undefined : { kind: 'namespaces', namespaces: [o.namespace] };
  return issues.items.map((issue) => ({
    severity: 'error',
    code,
    message: `${label}: ${formatPath(issue.path)}: ${issue.message}; the API server would reject this object, so it takes no effect`,
    location: o.locate(issue.path),
    dropped: label,
    ...(reach ? { reach } : {}),
  }));
}

/** F8: two Sidecars at the level that decides for a workload: which one istiod uses is undefined. */
function ambiguousSidecars(
  model: ClusterModel,
  sidecars: readonly SidecarModel[],
  root: string,
): Diagnostic[] {
  if (sidecars.length < 2) return [];
  const side = { ...NO_CLIENT_SIDE, sidecars };
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const w of model.workloads) {
    const { ambiguous } = chooseSidecar(side, w, root);
    const key = ambiguous.map((s) => `${s.ref.namespace}/${s.ref.name}`).join(', ');
    if (ambiguous.length < 2 || seen.has(key)) continue;
    seen.add(key);
    out.push({
      severity: 'warning',
      code: 'istio-sidecar-ambiguous',
      message: `${ambiguous.length} Sidecars apply to ${w.id} (${key}); which one istiod uses is undefined (F8), so its outbound answers are uncertain`,
      location: ambiguous[1]!.ref.location,
      reach: { kind: 'namespaces', namespaces: [w.namespace] },
    });
  }
  return out;
}

/**
 * C8: a namespace or pod asking for a revision the repository's install does not provide gets no
 * sidecar; said once per namespace and revision.
 */
function missingRevisions(model: ClusterModel, installed: readonly string[] | undefined): Diagnostic[] {
  if (!installed) return [];
  const out: Diagnostic[] = [];
  const say = (rev: string, where: string, location: SourceLocation | undefined) =>
    out.push({
      severity: 'warning',
      code: 'istio-revision-not-installed',
      message: `${where} asks for Istio revision ${JSON.stringify(rev)}, but the repository installs only ${installed.join(', ')}: no injection webhook for it, so its pods get no sidecar (C8)`,
      ...(location ? { location } : {}),
    });
  for (const ns of model.namespaces.values()) {
    const rev = ns.labels['istio.io/rev'];
    if (rev === undefined || ns.labels['istio-injection'] !== undefined || installed.includes(rev)) continue;
    say(rev, `Namespace ${ns.name}`, ns.location);
  }
  const seen = new Set<string>();
  for (const w of model.workloads) {
    const rev = w.podLabels['istio.io/rev'];
    if (rev === undefined || installed.includes(rev) || seen.has(`${w.namespace}/${rev}`)) continue;
    seen.add(`${w.namespace}/${rev}`);
    say(rev, `Workload ${w.id}`, w.location);
  }
  return out;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
