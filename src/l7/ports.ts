import { serviceSelectorMatches } from '../manifests/label-match.js';
import type { Service, Workload } from '../model/types.js';
import { type PortRange, PortSet } from '../values/port-set.js';
import type { PortClass } from './types.js';

/** D19/E8: always excluded from inbound capture by the injection template (agent, health, Envoy stats). */
export const ALWAYS_EXCLUDED_INBOUND: readonly number[] = [15020, 15021, 15090];

const EXCLUDE = 'traffic.sidecar.istio.io/excludeInboundPorts';
const INCLUDE = 'traffic.sidecar.istio.io/includeInboundPorts';

/** Istio protocol names (`pkg/config/protocol`) by chain; anything else is sniffed (D18). */
const HTTP_PROTOCOLS = new Set([
  'http',
  'http2',
  'http_proxy',
  'grpc',
  'grpc-web',
  'h2c',
  'kubernetes.io/h2c',
]);
const TCP_PROTOCOLS = new Set(['tcp', 'https', 'tls', 'mongo', 'mysql', 'redis']);

/** How the destination sidecar treats its inbound ports. */
export interface InboundPorts {
  /** Why Istio does not see this port, or `undefined` when it is captured. */
  bypass(port: number): string | undefined;
  classOf(port: number): Exclude<PortClass, 'bypass'>;
  /** Ports where the answer may change: cut segments there. */
  readonly boundaries: readonly number[];
  readonly signature: string;
}

function parsePortList(raw: string): number[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^[0-9]+$/.test(s))
    .map(Number);
}

/** D18: `appProtocol` wins, else the port name up to the first `-`. */
export function classifyServicePort(
  name: string | undefined,
  appProtocol: string | undefined,
): 'http' | 'tcp' | 'auto' {
  const proto = (appProtocol ?? name?.split('-')[0] ?? '').toLowerCase();
  if (HTTP_PROTOCOLS.has(proto)) return 'http';
  if (TCP_PROTOCOLS.has(proto)) return 'tcp';
  // An unknown appProtocol falls back to the port name (`kube/conversion.go` ConvertProtocol).
  if (appProtocol !== undefined && name !== undefined) return classifyServicePort(name, undefined);
  return 'auto';
}

/** Declared chain per container port, from every Service that selects the workload. */
function declaredClasses(w: Workload, services: readonly Service[]): Map<number, 'http' | 'tcp' | 'auto'> {
  const out = new Map<number, 'http' | 'tcp' | 'auto'>();
  for (const svc of services) {
    if (svc.namespace !== w.namespace || !serviceSelectorMatches(svc.selector, w.podLabels)) continue;
    for (const sp of svc.ports) {
      if (sp.protocol !== 'TCP') continue;
      const target =
        typeof sp.targetPort === 'number'
          ? sp.targetPort
          : w.ports.find((p) => p.name === sp.targetPort)?.containerPort;
      if (target === undefined) continue;
      const cls = classifyServicePort(sp.name, sp.appProtocol);
      const prev = out.get(target);
      // Two Services declaring different protocols for one port: we cannot tell which listener wins, so both chains.
      out.set(target, prev === undefined || prev === cls ? cls : 'auto');
    }
  }
  return out;
}

export function inboundPorts(w: Workload, services: readonly Service[]): InboundPorts {
  const excluded = new Set([...ALWAYS_EXCLUDED_INBOUND, ...parsePortList(w.podAnnotations[EXCLUDE] ?? '')]);
  const includeRaw = (w.podAnnotations[INCLUDE] ?? '*').trim();
  const included = includeRaw === '*' ? undefined : new Set(parsePortList(includeRaw));
  const classes = declaredClasses(w, services);
  return {
    bypass(port) {
      if (ALWAYS_EXCLUDED_INBOUND.includes(port))
        return `port ${port} is never captured by the sidecar (D19)`;
      if (excluded.has(port)) return `port ${port} is excluded by ${EXCLUDE} (D19)`;
      if (included && !included.has(port)) return `port ${port} is not in ${INCLUDE}="${includeRaw}" (D19)`;
      return undefined;
    },
    classOf: (port) => classes.get(port) ?? 'auto',
    boundaries: [...new Set([...excluded, ...(included ?? []), ...classes.keys()])].sort((a, b) => a - b),
    signature: JSON.stringify([
      [...excluded].sort(),
      included ? [...included].sort() : '*',
      [...classes].sort((a, b) => a[0] - b[0]),
    ]),
  };
}

/** Cuts `ports` so that every boundary port is a segment of its own; each piece answers alike inside. */
export function cutPorts(ports: PortSet, boundaries: readonly number[]): PortRange[] {
  const out: PortRange[] = [];
  for (const r of ports.ranges) {
    let from = r.from;
    for (const b of boundaries) {
      if (b < from || b > r.to) continue;
      if (b > from) out.push({ from, to: b - 1 });
      out.push({ from: b, to: b });
      from = b + 1;
    }
    if (from <= r.to) out.push({ from, to: r.to });
  }
  return out;
}

export function rangeSet(r: PortRange): PortSet {
  return PortSet.range(r.from, r.to);
}
