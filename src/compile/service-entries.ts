import {
  formatPath,
  Issues,
  readEnum,
  readInteger,
  readString,
  readStringList,
  readStruct,
  readStructList,
} from '../core/decode.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { digest } from '../core/digest.js';
import type { ServiceEntryModel, ServiceEntryPort } from '../l7/service-entry-types.js';
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
 * What the hosts-as-destinations model leaves out, said (never silent): endpoints that add
 * workloads to the mesh are not modelled (an error, as before this kind was modelled), and a TCP
 * port without addresses claims every address on that port for the sidecars it is exported to (F12).
 */
function notModelled(o: K8sObject, entry: ServiceEntryModel): Diagnostic[] {
  const spec = (o.body.spec ?? {}) as Readonly<Record<string, unknown>>;
  const label = `ServiceEntry ${o.namespace}/${o.name}`;
  const out: Diagnostic[] = [];
  if (
    entry.location === 'MESH_INTERNAL' ||
    spec.workloadSelector !== undefined ||
    spec.endpoints !== undefined
  ) {
    out.push({
      severity: 'error',
      code: 'kind-not-modelled',
      message: `${label}: endpoints, workloadSelector and MESH_INTERNAL entries add workloads to the mesh, which is not analysed yet; its hosts are analysed as destinations only, so the result for every pair is uncertain`,
      location: o.location,
      inputDigest: entry.rule.digest,
    });
  }
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
      readString(p.name, [...at, 'name'], issues);
      readInteger(p.targetPort, [...at, 'targetPort'], issues);
      return number === undefined ? [] : [{ number, protocol: (protocol ?? 'TCP').toUpperCase() }];
    },
  );
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
    exportTo: exportTo.length === 0 ? ['*'] : exportTo,
    rule: { rule: ref, digest: digest(JSON.stringify(o.body.spec ?? null)) },
    ref,
  };
}
