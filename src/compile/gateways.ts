import type { GatewayPodsConfig } from '../config/types.js';
import {
  asRecord,
  formatPath,
  Issues,
  readBoolean,
  readInteger,
  readString,
  readStringList,
  readStringMap,
  readStruct,
  readStructList,
} from '../core/decode.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { digest } from '../core/digest.js';
import type { RuleRef } from '../core/refs.js';
import type {
  GatewayModel,
  GatewayServer,
  GatewayVirtualService,
  IstioGateway,
} from '../l7/gateway-types.js';
import { matchesLabels } from '../manifests/label-match.js';
import type { K8sObject } from '../manifests/types.js';
import type { ClusterModel, Workload } from '../model/types.js';
import { GATEWAY_FIELDS as GW } from './gateway-fields.js';

const NETWORKING = /^networking\.istio\.io\//;

export interface DecodedGateways {
  /** Valid Gateways, in input order. */
  readonly gateways: readonly IstioGateway[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Istio `Gateway` objects, strictly (core/decode): an unknown or mistyped field makes the object
 * invalid, as the API server rejects it; an invalid Gateway takes no effect and is said so.
 */
export function decodeGateways(model: ClusterModel): DecodedGateways {
  const gateways: IstioGateway[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const o of model.objectsByKind.get('Gateway') ?? []) {
    if (!NETWORKING.test(o.apiVersion)) continue;
    const issues = new Issues({ suggest: true });
    const gw = decodeGateway(o, issues);
    if (issues.count > 0) diagnostics.push(...invalidGateway(o, issues));
    else if (gw) gateways.push(gw);
  }
  return { gateways, diagnostics };
}

/** Service account of Istio's default ingress gateway (the istio/gateway chart and istioctl profiles). */
const DEFAULT_GATEWAY_ACCOUNT = 'istio-ingressgateway-service-account';

/**
 * The revision's ingress edges: valid Gateways, the VirtualServices bound to them (decoded with
 * the other VirtualServices, in traffic.ts) and each Gateway's pods. Gateway pods usually come
 * with the Istio install; when the repository has none that the selector matches, the first
 * `mesh.gateways` entry of the config it matches serves it (the install is elsewhere, and the config
 * says where); else the routes are evaluated from an assumed gateway workload in the mesh root
 * namespace, and a warning says so (its reach: the assumed workload, so every path through it is
 * uncertain).
 */
export function compileGateways(
  model: ClusterModel,
  virtualServices: readonly GatewayVirtualService[],
  rootNamespace: string,
  configured: readonly GatewayPodsConfig[] = [],
  ingresses: { readonly gateways: readonly IstioGateway[]; readonly diagnostics: readonly Diagnostic[] } = {
    gateways: [],
    diagnostics: [],
  },
): GatewayModel & { readonly diagnostics: readonly Diagnostic[] } {
  const decoded = decodeGateways(model);
  const gateways = [...decoded.gateways, ...ingresses.gateways];
  const diagnostics = [...decoded.diagnostics, ...ingresses.diagnostics];
  const pods = new Map<string, readonly Workload[]>();
  const assumedIds = new Set<string>();
  for (const gw of gateways) {
    const selected = model.workloads.filter(
      (w) => Object.keys(gw.selector).length > 0 && matchesLabels(gw.selector, w.podLabels),
    );
    if (selected.length > 0) {
      pods.set(gw.key, selected);
      continue;
    }
    const fromConfig = configured.find(
      (c) => Object.keys(gw.selector).length > 0 && matchesLabels(gw.selector, c.labels),
    );
    if (fromConfig) {
      pods.set(gw.key, [configuredPods(gw, model, fromConfig)]);
      continue;
    }
    const assumed = assumedPods(gw, model, gw.ingress && !gw.ingress.istio ? gw.namespace : rootNamespace);
    pods.set(gw.key, [assumed]);
    assumedIds.add(assumed.id);
    const bound = virtualServices.some((vs) => vs.gateways.includes(gw.key));
    if (bound) diagnostics.push(assumedDiagnostic(gw, assumed));
  }
  return { gateways, virtualServices, pods, assumedPods: assumedIds, diagnostics };
}

function assumedDiagnostic(gw: IstioGateway, assumed: Workload): Diagnostic {
  const selector =
    Object.entries(gw.selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',') || '(empty)';
  const what =
    gw.ingress && !gw.ingress.istio
      ? `Ingress class ${gw.ingress.label} (controller ${gw.ingress.controller}): its controller pods are not in the repository${Object.keys(gw.selector).length > 0 ? ` (no workload has the labels ${selector})` : ''}; its Ingresses are evaluated from assumed controller pods ${assumed.id}`
      : `${gw.ingress ? `Ingress ${gw.ingress.label}, served by Istio's ingress gateway` : `Gateway ${gw.key}`}: no workload in the repository has the labels its selector names (${selector}); its routes are evaluated from assumed gateway pods in ${assumed.namespace} with those labels and service account ${DEFAULT_GATEWAY_ACCOUNT}`;
  return {
    severity: 'warning',
    code: 'gateway-pods-assumed',
    message: `${what}, so the paths through it are uncertain`,
    location: gw.rule.location,
    reach: { kind: 'workloads', workloads: [assumed.id] },
  };
}

function assumedPods(gw: IstioGateway, model: ClusterModel, rootNamespace: string): Workload {
  const object =
    model.objectsByKind.get('Gateway')?.find((o) => `${o.namespace}/${o.name}` === gw.key) ??
    model.objectsByKind.get(gw.rule.policy.kind)?.find((o) => o.location === gw.rule.policy.location);
  const name = `${gw.name}-gateway-pods`;
  return {
    id: `${rootNamespace}/${name}[Pod]`,
    kind: 'Pod',
    name,
    namespace: rootNamespace,
    podLabels: gw.selector,
    podAnnotations: {},
    // Another controller's pods: whether they run a sidecar is as unknown as the rest of them.
    containers: gw.ingress && !gw.ingress.istio ? [] : [{ name: 'istio-proxy', ports: [] }],
    initContainers: [],
    ports: [],
    serviceAccountName: gw.ingress && !gw.ingress.istio ? 'default' : DEFAULT_GATEWAY_ACCOUNT,
    hostNetwork: false,
    location: gw.rule.location,
    object: object!,
  };
}

/** The gateway pods `mesh.gateways` names: a Deployment of the install outside the repository. */
function configuredPods(gw: IstioGateway, model: ClusterModel, c: GatewayPodsConfig): Workload {
  return {
    ...assumedPods(gw, model, c.namespace),
    id: `${c.namespace}/${c.name}[Deployment]`,
    kind: 'Deployment',
    name: c.name,
    podLabels: c.labels,
    serviceAccountName: c.serviceAccount,
  };
}

/** The rule a cause cites: `Gateway istio-system/public servers[0]`. */
export function objectRule(o: K8sObject, path: readonly (string | number)[], rule: string): RuleRef {
  return {
    policy: { kind: o.kind, namespace: o.namespace, name: o.name, location: o.location },
    rule,
    location: o.locate(path),
  };
}

function decodeGateway(o: K8sObject, issues: Issues): IstioGateway | undefined {
  const spec = readStruct(o.body.spec, ['spec'], issues, GW.spec) ?? {};
  const selector = readStringMap(spec.selector, ['spec', 'selector'], issues) ?? {};
  const list = readStructList(spec.servers, ['spec', 'servers'], issues, GW.server) ?? [];
  const servers = list.flatMap((s, i) => {
    const server = decodeServer(o, s, i, issues);
    return server ? [server] : [];
  });
  return {
    key: `${o.namespace}/${o.name}`,
    namespace: o.namespace,
    name: o.name,
    selector,
    servers,
    rule: objectRule(o, [], ''),
  };
}

function decodeServer(
  o: K8sObject,
  s: Readonly<Record<string, unknown>>,
  i: number,
  issues: Issues,
): GatewayServer | undefined {
  const path = ['spec', 'servers', i];
  const port = readStruct(s.port, [...path, 'port'], issues, GW.port);
  const number = readInteger(port?.number, [...path, 'port', 'number'], issues);
  const protocol = readString(port?.protocol, [...path, 'port', 'protocol'], issues);
  readString(port?.name, [...path, 'port', 'name'], issues);
  readInteger(port?.targetPort, [...path, 'port', 'targetPort'], issues);
  readString(s.bind, [...path, 'bind'], issues);
  readString(s.name, [...path, 'name'], issues);
  readString(s.defaultEndpoint, [...path, 'defaultEndpoint'], issues);
  const hosts = readStringList(s.hosts, [...path, 'hosts'], issues) ?? [];
  if (hosts.length === 0) issues.add([...path, 'hosts'], 'a server needs at least one host');
  const tls = readStruct(s.tls, [...path, 'tls'], issues, GW.tls);
  const tlsMode = readString(tls?.mode, [...path, 'tls', 'mode'], issues);
  const httpsRedirect = readBoolean(tls?.httpsRedirect, [...path, 'tls', 'httpsRedirect'], issues) ?? false;
  if (number === undefined || protocol === undefined) {
    if (number === undefined) issues.add([...path, 'port', 'number'], 'a server port needs a number');
    if (protocol === undefined) issues.add([...path, 'port', 'protocol'], 'a server port needs a protocol');
    return undefined;
  }
  return {
    port: number,
    protocol: protocol.toUpperCase(),
    hosts: hosts.map((h) => splitHost(h, o.namespace)),
    ...(tlsMode ? { tlsMode } : {}),
    httpsRedirect,
    rule: { rule: objectRule(o, path, `servers[${i}]`), digest: digest(JSON.stringify(s)) },
  };
}

/** `ns/host` (`.` = the Gateway's namespace), or a bare host that VirtualServices of any namespace may bind. */
function splitHost(h: string, namespace: string): { namespace: string; host: string } {
  const slash = h.indexOf('/');
  if (slash < 0) return { namespace: '*', host: h.toLowerCase() };
  const ns = h.slice(0, slash);
  return { namespace: ns === '.' ? namespace : ns, host: h.slice(slash + 1).toLowerCase() };
}

function invalidGateway(o: K8sObject, issues: Issues): Diagnostic[] {
  const label = `Gateway ${o.namespace}/${o.name}`;
  return issues.items.map((issue) => ({
    severity: 'error',
    code: 'invalid-gateway',
    message: `${label}: ${formatPath(issue.path)}: ${issue.message}; the API server would reject this object, so it takes no effect and opens no listener`,
    location: o.locate(issue.path),
    dropped: label,
  }));
}

/** `value` as a list of records, without checking it again (traffic.ts checks those levels). */
export function records(value: unknown): readonly Readonly<Record<string, unknown>>[] {
  return Array.isArray(value) ? value.flatMap((v) => (asRecord(v) ? [asRecord(v)!] : [])) : [];
}
