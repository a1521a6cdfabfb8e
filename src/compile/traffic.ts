import { asRecord } from '../core/decode.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceLocation } from '../core/location.js';
import type { K8sObject, Labels } from '../manifests/types.js';
import type { ClusterModel } from '../model/types.js';

type Json = Readonly<Record<string, unknown>>;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

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
  readonly meshVirtualServices: readonly MeshVirtualService[];
  /** Subsets by host FQDN, then name; for a duplicated subset the first definition wins (F5). */
  readonly subsets: ReadonlyMap<string, ReadonlyMap<string, Subset>>;
  readonly diagnostics: readonly Diagnostic[];
}

export function decodeTraffic(model: ClusterModel): TrafficPolicies {
  return {
    meshVirtualServices: meshVirtualServices(model),
    subsets: subsets(model),
    diagnostics: [],
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

function subsets(model: ClusterModel): Map<string, Map<string, Subset>> {
  const out = new Map<string, Map<string, Subset>>();
  for (const o of model.objectsByKind.get('DestinationRule') ?? []) {
    if (!NETWORKING.test(o.apiVersion)) continue;
    const spec = asRecord(o.body.spec) ?? {};
    if (typeof spec.host !== 'string') continue;
    const host = fqdn(spec.host, o.namespace ?? 'default');
    const byName = out.get(host) ?? new Map<string, Subset>();
    out.set(host, byName);
    for (const [i, raw] of list(spec.subsets).entries()) {
      const s = asRecord(raw);
      if (!s || typeof s.name !== 'string' || byName.has(s.name)) continue;
      const labels = Object.fromEntries(
        Object.entries(asRecord(s.labels) ?? {}).map(([k, v]) => [k, String(v)]),
      );
      byName.set(s.name, { labels, location: o.locate(['spec', 'subsets', i]), object: o });
    }
  }
  return out;
}

function meshVirtualServices(model: ClusterModel): MeshVirtualService[] {
  const out: MeshVirtualService[] = [];
  for (const o of model.objectsByKind.get('VirtualService') ?? []) {
    if (!NETWORKING.test(o.apiVersion)) continue;
    const ns = o.namespace ?? 'default';
    const spec = asRecord(o.body.spec) ?? {};
    const gateways = list(spec.gateways);
    // F1: gateways omitted means `mesh`; a list without `mesh` does not apply to sidecars.
    if (gateways.length > 0 && !gateways.includes('mesh')) continue;
    const hosts = list(spec.hosts)
      .filter((h): h is string => typeof h === 'string')
      .map((h) => fqdn(h, ns));
    out.push({ object: o, hosts, destinations: routeDestinations(o, spec, ns) });
  }
  return out;
}

function routeDestinations(o: K8sObject, spec: Json, ns: string): RouteDest[] {
  const destinations: RouteDest[] = [];
  for (const kind of ['http', 'tcp', 'tls'] as const) {
    for (const [i, r] of list(spec[kind]).entries()) {
      const route = list(asRecord(r)?.route);
      const weighted = route.some((d) => typeof asRecord(d)?.weight === 'number');
      for (const [j, d] of route.entries()) {
        const dest = asRecord(asRecord(d)?.destination);
        if (!dest || typeof dest.host !== 'string') continue;
        const w = asRecord(d)?.weight;
        const weight = route.length === 1 ? 100 : typeof w === 'number' ? w : weighted ? 0 : 1;
        const port = asRecord(dest.port)?.number;
        destinations.push({
          host: fqdn(dest.host, ns),
          subset: typeof dest.subset === 'string' ? dest.subset : undefined,
          port: typeof port === 'number' ? port : undefined,
          weight,
          location: o.locate(['spec', kind, i, 'route', j]),
        });
      }
    }
  }
  return destinations;
}
