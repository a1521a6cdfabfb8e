import {
  formatPath,
  Issues,
  readEnum,
  readInteger,
  readString,
  readStringList,
  readStringMap,
  readStruct,
  readStructList,
} from '../core/decode.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { digest } from '../core/digest.js';
import type { ServiceEntryEndpoint, ServiceEntryModel, ServiceEntryPort } from '../l7/service-entry-types.js';
import type { K8sObject } from '../manifests/types.js';
import type { ClusterModel } from '../model/types.js';
import { type IpRange, parseCidr } from '../values/ip-range.js';
import { objectRule } from './gateways.js';

const NETWORKING = /^networking\.istio\.io\//;

/** Known fields (istio/api networking/v1alpha3 service_entry.proto, JSON names). */
const FIELDS = {
  spec: [
    'hosts',
    'addresses',
    'ports',
    'location',
    'resolution',
    'endpoints',
    'workloadSelector',
    'exportTo',
    'subjectAltNames',
  ],
  port: ['number', 'protocol', 'name', 'targetPort'],
  endpoint: ['address', 'ports', 'labels', 'network', 'locality', 'weight', 'serviceAccount'],
  workloadSelector: ['labels'],
} as const;

export interface DecodedServiceEntries {
  readonly entries: readonly ServiceEntryModel[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * ServiceEntries, strictly (core/decode): an unknown or mistyped field makes the object invalid, as
 * the API server rejects it; an invalid one takes no effect and is said so.
 */
export function decodeServiceEntries(model: ClusterModel): DecodedServiceEntries {
  const entries: ServiceEntryModel[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const o of model.objectsByKind.get('ServiceEntry') ?? []) {
    if (!NETWORKING.test(o.apiVersion)) continue;
    const issues = new Issues({ suggest: true });
    const entry = decodeEntry(o, issues);
    if (issues.count > 0) {
      const label = `ServiceEntry ${o.namespace}/${o.name}`;
      diagnostics.push(
        ...issues.items.map(
          (issue): Diagnostic => ({
            severity: 'error',
            code: 'invalid-serviceentry',
            message: `${label}: ${formatPath(issue.path)}: ${issue.message}; the API server would reject this object, so it takes no effect`,
            location: o.locate(issue.path),
            dropped: label,
          }),
        ),
      );
    } else if (entry) {
      entries.push(entry);
      diagnostics.push(...notModelled(o, entry));
    }
  }
  return { entries, diagnostics };
}

/** Matched by Host header or SNI, so an entry without addresses claims only its hosts on these. */
const NAMED_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTPS', 'TLS']);

/**
 * What the hosts-as-destinations model leaves out, said (never silent): a TCP port without
 * addresses claims every address on that port for the sidecars it is exported to (F12).
 * Endpoints and workloadSelector are modelled (service-entry-hops.ts); a WorkloadEntry they may
 * select is reported as not modelled by its own kind.
 */
function notModelled(o: K8sObject, entry: ServiceEntryModel): Diagnostic[] {
  const label = `ServiceEntry ${o.namespace}/${o.name}`;
  const out: Diagnostic[] = [];
  const claiming = entry.ports.filter((p) => !NAMED_PROTOCOLS.has(p.protocol));
  if (entry.addresses.length === 0 && claiming.length > 0) {
    const ports = claiming.map((p) => p.number).join(', ');
    out.push({
      severity: 'warning',
      code: 'serviceentry-claims-port',
      message: `${label} has no addresses: its TCP port${claiming.length > 1 ? 's' : ''} ${ports} claim${claiming.length > 1 ? '' : 's'} every address for the sidecars it is exported to (F12), which is not analysed; paths from those namespaces are uncertain`,
      location: o.location,
      reach: entry.exportTo.includes('*')
        ? { kind: 'all' }
        : { kind: 'namespaces', namespaces: [...entry.exportTo].sort() },
    });
  }
  return out;
}

function decodeEntry(o: K8sObject, issues: Issues): ServiceEntryModel | undefined {
  const spec = readStruct(o.body.spec, ['spec'], issues, FIELDS.spec) ?? {};
  const hosts = (readStringList(spec.hosts, ['spec', 'hosts'], issues) ?? []).map((h) => h.toLowerCase());
  if (hosts.length === 0) issues.add(['spec', 'hosts'], 'a ServiceEntry needs at least one host');
  const addresses: IpRange[] = [];
  (readStringList(spec.addresses, ['spec', 'addresses'], issues) ?? []).forEach((a, i) => {
    try {
      addresses.push(parseCidr(a));
    } catch {
      issues.add(['spec', 'addresses', i], `not an IP address or CIDR: ${a}`);
    }
  });
  const ports = (readStructList(spec.ports, ['spec', 'ports'], issues, FIELDS.port) ?? []).flatMap(
    (p, i): ServiceEntryPort[] => {
      const at = ['spec', 'ports', i];
      const number = readInteger(p.number, [...at, 'number'], issues);
      const protocol = readString(p.protocol, [...at, 'protocol'], issues);
      const name = readString(p.name, [...at, 'name'], issues);
      const targetPort = readInteger(p.targetPort, [...at, 'targetPort'], issues);
      if (number === undefined) return [];
      return [
        {
          number,
          protocol: (protocol ?? 'TCP').toUpperCase(),
          ...(name !== undefined ? { name } : {}),
          ...(targetPort !== undefined ? { targetPort } : {}),
        },
      ];
    },
  );
  const { endpoints, namedEndpoints } = decodeEndpoints(spec.endpoints, issues);
  const selector = readStruct(
    spec.workloadSelector,
    ['spec', 'workloadSelector'],
    issues,
    FIELDS.workloadSelector,
  );
  const workloadSelector = readStringMap(selector?.labels, ['spec', 'workloadSelector', 'labels'], issues);
  const location =
    readEnum(spec.location, ['spec', 'location'], issues, ['MESH_EXTERNAL', 'MESH_INTERNAL'] as const) ??
    'MESH_EXTERNAL';
  const resolution =
    readEnum(spec.resolution, ['spec', 'resolution'], issues, [
      'NONE',
      'STATIC',
      'DNS',
      'DNS_ROUND_ROBIN',
    ] as const) ?? 'NONE';
  const exportTo = (readStringList(spec.exportTo, ['spec', 'exportTo'], issues) ?? ['*']).map((ns) =>
    ns === '.' ? o.namespace : ns,
  );
  const ref = objectRule(o, [], '');
  return {
    namespace: o.namespace,
    name: o.name,
    hosts,
    addresses,
    ports,
    location,
    resolution,
    endpoints,
    namedEndpoints,
    ...(workloadSelector ? { workloadSelector } : {}),
    exportTo: exportTo.length === 0 ? ['*'] : exportTo,
    rule: { rule: ref, digest: digest(JSON.stringify(o.body.spec ?? null)) },
    ref,
  };
}

/** Endpoints with an IP (or CIDR-free unix socket: skipped) address, and how many name a host instead. */
function decodeEndpoints(
  value: unknown,
  issues: Issues,
): { endpoints: ServiceEntryEndpoint[]; namedEndpoints: number } {
  const endpoints: ServiceEntryEndpoint[] = [];
  let namedEndpoints = 0;
  (readStructList(value, ['spec', 'endpoints'], issues, FIELDS.endpoint) ?? []).forEach((e, i) => {
    const at = ['spec', 'endpoints', i];
    const address = readString(e.address, [...at, 'address'], issues);
    const ports = readPortMap(e.ports, [...at, 'ports'], issues);
    readStringMap(e.labels, [...at, 'labels'], issues);
    readString(e.network, [...at, 'network'], issues);
    readString(e.locality, [...at, 'locality'], issues);
    readInteger(e.weight, [...at, 'weight'], issues);
    readString(e.serviceAccount, [...at, 'serviceAccount'], issues);
    if (address === undefined || address.startsWith('unix://')) return;
    try {
      endpoints.push({
        address: parseCidr(
          address.includes('/') ? address : address.includes(':') ? `${address}/128` : `${address}/32`,
        ),
        ports,
      });
    } catch {
      namedEndpoints++; // a DNS name: resolved at runtime
    }
  });
  return { endpoints, namedEndpoints };
}

function readPortMap(
  value: unknown,
  at: readonly (string | number)[],
  issues: Issues,
): Record<string, number> {
  const out: Record<string, number> = {};
  if (value === undefined || value === null) return out;
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.add(at, 'must be a map of port name to number');
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    const n = readInteger(v, [...at, k], issues);
    if (n !== undefined) out[k] = n;
  }
  return out;
}
