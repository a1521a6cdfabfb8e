import {
  formatPath,
  Issues,
  readInteger,
  readString,
  readStringList,
  readStringMap,
  readStruct,
  readStructList,
} from '../core/decode.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceLocation } from '../core/location.js';
import type { DestinationTls } from '../l7/client-types.js';
import type { GatewayVirtualService } from '../l7/gateway-types.js';
import type { K8sObject, Labels } from '../manifests/types.js';
import type { ClusterModel } from '../model/types.js';
import { decodeDestinationTls } from './destination-tls.js';
import { decodeGatewayVirtualService } from './gateway-routes.js';
import { DESTINATION_RULE_FIELDS as DR, VIRTUAL_SERVICE_FIELDS as VS } from './traffic-fields.js';

type Json = Readonly<Record<string, unknown>>;

const NETWORKING = /^networking\.istio\.io\//;

/** One subset of a DestinationRule. */
export interface Subset {
  readonly labels: Labels;
  readonly location: SourceLocation;
  readonly object: K8sObject;
}

/** One weighted destination of a VirtualService route. */
export interface RouteDest {
  /** FQDN, resolved in the VirtualService's namespace (F1). */
  readonly host: string;
  readonly subset: string | undefined;
  readonly port: number | undefined;
  readonly weight: number;
  readonly location: SourceLocation;
}

/** A VirtualService that applies to sidecars (`gateways` omitted or naming `mesh`). */
export interface MeshVirtualService {
  readonly object: K8sObject;
  /** FQDNs (F1). */
  readonly hosts: readonly string[];
  readonly destinations: readonly RouteDest[];
}

/** A revision's VirtualServices and DestinationRules (networking.istio.io), decoded once. */
export interface TrafficPolicies {
  /** Valid VirtualServices that apply to sidecars, in input order. */
  readonly meshVirtualServices: readonly MeshVirtualService[];
  /** The gateway side of valid VirtualServices bound to gateways, in input order (compile/gateway-routes.ts). */
  readonly gatewayVirtualServices: readonly GatewayVirtualService[];
  /** Subsets of valid DestinationRules by host FQDN, then name; for a duplicated subset the first wins (F5). */
  readonly subsets: ReadonlyMap<string, ReadonlyMap<string, Subset>>;
  /** Hosts (FQDN) of invalid DestinationRules: which subsets they define is unknown. */
  readonly unknownSubsets: ReadonlySet<string>;
  /** Client TLS of valid DestinationRules, in input order (E6, F7). */
  readonly destinationTls: readonly DestinationTls[];
  /** One error per problem of an invalid object (which then takes no effect). */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Strict, like every policy kind (core/decode): an unknown or mistyped field makes the object
 * invalid, as the API server rejects it; an invalid object takes no effect and is said so.
 * Only the fields the findings read are decoded; the rest are checked by name at the levels read.
 */
export function decodeTraffic(model: ClusterModel): TrafficPolicies {
  const diagnostics: Diagnostic[] = [];
  const meshVirtualServices: MeshVirtualService[] = [];
  const gatewayVirtualServices: GatewayVirtualService[] = [];
  for (const o of model.objectsByKind.get('VirtualService') ?? []) {
    if (!NETWORKING.test(o.apiVersion)) continue;
    const issues = new Issues({ suggest: true });
    const vs = decodeVirtualService(o, issues);
    const spec = o.body.spec && typeof o.body.spec === 'object' ? (o.body.spec as Json) : {};
    const bound = decodeGatewayVirtualService(o, spec, (h) => fqdn(h, o.namespace), issues);
    if (issues.count > 0) diagnostics.push(...invalidDiagnostics(o, issues));
    else {
      if (vs) meshVirtualServices.push(vs);
      // A mesh-only VirtualService's routes, for the egress gateways it may send to; its fields were
      // checked above at the levels sidecars read, so the gateway decoder's checks are not reported.
      const meshOnly = bound
        ? undefined
        : decodeGatewayVirtualService(o, spec, (h) => fqdn(h, o.namespace), new Issues(), { mesh: true });
      if (bound ?? meshOnly) gatewayVirtualServices.push((bound ?? meshOnly)!);
    }
  }
  const subsets = new Map<string, Map<string, Subset>>();
  const unknownSubsets = new Set<string>();
  const destinationTls: DestinationTls[] = [];
  for (const o of model.objectsByKind.get('DestinationRule') ?? []) {
    if (!NETWORKING.test(o.apiVersion)) continue;
    const issues = new Issues({ suggest: true });
    const rule = decodeDestinationRule(o, issues);
    if (issues.count > 0) {
      diagnostics.push(...invalidDiagnostics(o, issues));
      if (rule) unknownSubsets.add(rule.host);
    } else if (rule) {
      addSubsets(subsets, rule);
      destinationTls.push(rule.tls);
    }
  }
  return {
    meshVirtualServices,
    gatewayVirtualServices,
    subsets,
    unknownSubsets,
    destinationTls,
    diagnostics,
  };
}

/** A host name as written, resolved in the namespace of the object that names it (F1). */
export function fqdn(host: string, namespace: string): string {
  if (host.includes('*')) return host;
  const parts = host.split('.');
  if (parts.length === 1) return `${host}.${namespace}.svc.cluster.local`;
  if (parts.length === 2) return `${host}.svc.cluster.local`;
  return host;
}

function invalidDiagnostics(o: K8sObject, issues: Issues): Diagnostic[] {
  const label = `${o.kind} ${o.namespace}/${o.name}`;
  return issues.items.map((issue) => ({
    severity: 'error',
    code: o.kind === 'VirtualService' ? 'invalid-virtualservice' : 'invalid-destinationrule',
    message: `${label}: ${formatPath(issue.path)}: ${issue.message}; the API server would reject this object, so it takes no effect and its routes are not checked`,
    location: o.locate(issue.path),
    dropped: label,
  }));
}

interface DecodedRule {
  readonly object: K8sObject;
  readonly host: string;
  readonly subsets: readonly { readonly name: string; readonly labels: Labels; readonly index: number }[];
  readonly tls: DestinationTls;
}

function decodeDestinationRule(o: K8sObject, issues: Issues): DecodedRule | undefined {
  const spec = readStruct(o.body.spec, ['spec'], issues, DR.spec) ?? {};
  const host = readString(spec.host, ['spec', 'host'], issues);
  const list = readStructList(spec.subsets, ['spec', 'subsets'], issues, DR.subset) ?? [];
  const subsets = list.flatMap((s, index) => {
    const path = ['spec', 'subsets', index];
    const name = readString(s.name, [...path, 'name'], issues);
    const labels = readStringMap(s.labels, [...path, 'labels'], issues) ?? {};
    return name === undefined ? [] : [{ name, labels, index }];
  });
  if (host === undefined) return undefined;
  const full = fqdn(host, o.namespace);
  return { object: o, host: full, subsets, tls: decodeDestinationTls(o, spec, full, subsets, issues) };
}

function addSubsets(out: Map<string, Map<string, Subset>>, rule: DecodedRule): void {
  const byName = out.get(rule.host) ?? new Map<string, Subset>();
  out.set(rule.host, byName);
  for (const s of rule.subsets) {
    if (byName.has(s.name)) continue;
    const location = rule.object.locate(['spec', 'subsets', s.index]);
    byName.set(s.name, { labels: s.labels, location, object: rule.object });
  }
}

function decodeVirtualService(o: K8sObject, issues: Issues): MeshVirtualService | undefined {
  const ns = o.namespace;
  const spec = readStruct(o.body.spec, ['spec'], issues, VS.spec) ?? {};
  const gateways = readStringList(spec.gateways, ['spec', 'gateways'], issues) ?? [];
  const hosts = (readStringList(spec.hosts, ['spec', 'hosts'], issues) ?? []).map((h) => fqdn(h, ns));
  const destinations = routeDestinations(o, spec, ns, issues);
  // F1: gateways omitted means `mesh`; a list without `mesh` does not apply to sidecars.
  if (gateways.length > 0 && !gateways.includes('mesh')) return undefined;
  return { object: o, hosts, destinations };
}

function routeDestinations(o: K8sObject, spec: Json, ns: string, issues: Issues): RouteDest[] {
  const destinations: RouteDest[] = [];
  for (const kind of ['http', 'tcp', 'tls'] as const) {
    const routes = readStructList(spec[kind], ['spec', kind], issues, VS.route[kind]) ?? [];
    routes.forEach((r, i) => {
      const base = ['spec', kind, i, 'route'];
      const known = kind === 'http' ? VS.httpDestination : VS.routeDestination;
      const route = readStructList(r.route, base, issues, known) ?? [];
      const weights = route.map((d, j) => readInteger(d.weight, [...base, j, 'weight'], issues));
      const weighted = weights.some((w) => w !== undefined);
      route.forEach((d, j) => {
        const path = [...base, j, 'destination'];
        const dest = readStruct(d.destination, path, issues, VS.destination);
        const host = readString(dest?.host, [...path, 'host'], issues);
        const subset = readString(dest?.subset, [...path, 'subset'], issues);
        const portSel = readStruct(dest?.port, [...path, 'port'], issues, VS.port);
        const port = readInteger(portSel?.number, [...path, 'port', 'number'], issues);
        if (host === undefined) return;
        const w = weights[j];
        const weight = route.length === 1 ? 100 : w !== undefined ? w : weighted ? 0 : 1;
        destinations.push({
          host: fqdn(host, ns),
          subset,
          port,
          weight,
          location: o.locate([...base, j]),
        });
      });
    });
  }
  return destinations;
}
