import type { RuleRef } from '../core/refs.js';
import type { Workload } from '../model/types.js';
import { PROTOCOLS } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { containsRange, formatRange, type IpRange, parseCidr } from '../values/ip-range.js';
import { PortSet } from '../values/port-set.js';
import type { ClientSide } from './client-types.js';
import { isGatewayProxy } from './gateway-proxy.js';
import { RequestSet } from './request-set.js';
import { hostScope } from './service-entry-scope.js';
import type { ServiceEntryModel } from './service-entry-types.js';
import { chooseSidecar, outboundMode } from './sidecar-scope.js';
import type { L7Cell, L7Outcome, L7Segment, SidecarInfo } from './types.js';

// F10/F12: what a client's sidecar does with a call to an address outside the cluster (an ipBlock
// peer of the matrix). Under ALLOW_ANY it passes through as dialled (NetworkPolicy alone decides:
// no cell). Under REGISTRY_ONLY it is blackholed unless a ServiceEntry in the client's registry and
// Sidecar scope claims the address on the port, or the call bypasses the sidecar (E10).

const EXCLUDE_IPS = 'traffic.sidecar.istio.io/excludeOutboundIPRanges';
const INCLUDE_IPS = 'traffic.sidecar.istio.io/includeOutboundIPRanges';
const EXCLUDE_PORTS = 'traffic.sidecar.istio.io/excludeOutboundPorts';
/** ServiceEntry port protocols the sidecar matches by Host header or SNI. */
const BY_NAME = new Set(['HTTP', 'HTTP2', 'HTTPS', 'GRPC', 'GRPC-WEB', 'TLS']);

/** What the external answer reads of the revision. */
export interface ExternalEgressContext {
  readonly client: ClientSide;
  readonly root: string;
  readonly entries: readonly ServiceEntryModel[];
  sidecar(w: Workload): SidecarInfo;
}

/**
 * The L7 cell of `src -> range` on the connections L4 allows, or `undefined` when the sidecar takes
 * no part (no sidecar, ALLOW_ANY). Only `none` and `not-enforced` outcomes: nothing here narrows
 * requests, it decides whole ports.
 */
export function externalCell(
  ctx: ExternalEgressContext,
  src: Workload,
  range: IpRange,
  l4: ConnSet,
): L7Cell | undefined {
  const info = ctx.sidecar(src);
  // A gateway's Envoy captures nothing: its pods' own calls are what NetworkPolicy sees.
  if (!info.injected || isGatewayProxy(src)) return undefined;
  const choice = chooseSidecar(ctx.client, src, ctx.root);
  if (outboundMode(ctx.client, choice.sidecar) !== 'REGISTRY_ONLY') return undefined;
  const uncertain = info.unknown !== undefined || choice.ambiguous.length > 0;
  const s = choice.sidecar;
  const rule: RuleRef | undefined = s?.outbound
    ? { policy: s.ref, rule: 'outboundTrafficPolicy', location: s.outboundLocation ?? s.ref.location }
    : undefined;
  const by = s?.outbound ? `Sidecar ${s.ref.namespace}/${s.ref.name}` : 'the mesh outboundTrafficPolicy';
  const bypassed = bypassesSidecar(src, range);
  const excluded = excludedPorts(src);
  const registered = registeredPorts(ctx, src, range);
  const segments: L7Segment[] = [];
  for (const protocol of PROTOCOLS) {
    const ports = l4.ports(protocol);
    if (ports.isEmpty()) continue;
    if (protocol !== 'TCP') {
      segments.push(
        pass(protocol, ports, 'not-proxied', `${protocol} is never proxied by the sidecar (D19)`),
      );
      continue;
    }
    if (bypassed) {
      segments.push(pass(protocol, ports, 'outbound-bypassed', `the client ${bypassed} (E10)`));
      continue;
    }
    const out = ports.intersect(excluded);
    if (!out.isEmpty())
      segments.push(
        pass(
          protocol,
          out,
          'outbound-bypassed',
          `the client excludes these ports via ${EXCLUDE_PORTS} (E10)`,
        ),
      );
    const inRegistry = ports.subtract(excluded).intersect(registered.ports);
    if (!inRegistry.isEmpty())
      segments.push(
        pass(protocol, inRegistry, 'registered', `registered by ${registered.by.join(', ')} (F12)`),
      );
    const dropped = ports.subtract(excluded).subtract(registered.ports);
    if (!dropped.isEmpty()) {
      const message = `REGISTRY_ONLY (${by}): no ServiceEntry in the registry and Sidecar scope of the client claims ${formatRange(range)} on these ports, so its sidecar blackholes the calls (F10)`;
      const reason = { code: 'registry-only-blackhole', message, ...(rule ? { rule } : {}) };
      const outcome: L7Outcome = {
        chain: 'tcp',
        verdict: 'none',
        requests: RequestSet.none,
        rules: rule ? [rule] : [],
        reasons: [reason],
      };
      segments.push(segmentOf(protocol, dropped, 'tcp', outcome, uncertain));
    }
  }
  segments.sort((a, b) => a.protocol.localeCompare(b.protocol) || firstPort(a) - firstPort(b));
  return summarise(segments);
}

/** The ports of `range` that a ServiceEntry in the client's registry and Sidecar scope claims (F9, F12). */
function registeredPorts(
  ctx: ExternalEgressContext,
  src: Workload,
  range: IpRange,
): { ports: PortSet; by: string[] } {
  let ports = PortSet.none;
  const by = new Set<string>();
  const scope = { client: ctx.client, root: ctx.root, injected: () => true };
  for (const e of ctx.entries) {
    // With addresses an entry claims those (the matrix cuts its external peers at them, so a peer
    // is inside or outside). Without, it claims every address on its plain TCP ports (F12); on an
    // HTTP or TLS port it matches the Host header or SNI, i.e. the call by name (the host's own
    // destination), not one dialled by address.
    const unaddressed = e.addresses.length === 0;
    if (!unaddressed && !e.addresses.some((a) => containsRange(a, range))) continue;
    for (const p of e.ports) {
      if (unaddressed && BY_NAME.has(p.protocol)) continue;
      if (!e.hosts.some((h) => hostScope(scope, src, e, h, p.number).kind !== 'blackhole')) continue;
      ports = ports.union(PortSet.range(p.number));
      by.add(`ServiceEntry ${e.namespace}/${e.name}`);
    }
  }
  return { ports, by: [...by].sort() };
}

/** E10: why the call leaves without the sidecar, or undefined when the sidecar captures it. */
function bypassesSidecar(w: Workload, range: IpRange): string | undefined {
  const excluded = cidrs(w.podAnnotations[EXCLUDE_IPS]);
  if (excluded.some((c) => containsRange(c, range)))
    return `excludes ${formatRange(range)} via ${EXCLUDE_IPS}`;
  const include = w.podAnnotations[INCLUDE_IPS];
  if (include === undefined || include.trim() === '*') return undefined;
  if (!cidrs(include).some((c) => containsRange(c, range)))
    return `captures only ${include.trim() || 'nothing'} via ${INCLUDE_IPS}`;
  return undefined;
}

/** The CIDRs of a capture annotation (`*` is every address); unreadable ones are left out. */
export function cidrs(text: string | undefined): IpRange[] {
  const out: IpRange[] = [];
  for (const part of (text ?? '').split(',')) {
    const v = part.trim();
    if (v === '') continue;
    try {
      if (v === '*') out.push(parseCidr('0.0.0.0/0'), parseCidr('::/0'));
      else out.push(parseCidr(v));
    } catch {
      // The injector rejects it; the capture stays what the rest says.
    }
  }
  return out;
}

function excludedPorts(w: Workload): PortSet {
  const nums = (w.podAnnotations[EXCLUDE_PORTS] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^[0-9]+$/.test(s))
    .map(Number);
  return PortSet.of(nums.map((n) => ({ from: n, to: n })));
}

/**
 * Where the external peers must be cut for these answers to be whole: every ServiceEntry address
 * and every CIDR of a capture annotation.
 */
export function externalBoundaries(
  entries: readonly ServiceEntryModel[],
  workloads: readonly Workload[],
): IpRange[] {
  return [
    ...entries.flatMap((e) => e.addresses),
    ...workloads.flatMap((w) => [
      ...cidrs(w.podAnnotations[EXCLUDE_IPS]),
      ...cidrs(w.podAnnotations[INCLUDE_IPS]),
    ]),
  ];
}

function pass(protocol: L7Segment['protocol'], ports: PortSet, code: string, message: string): L7Segment {
  const outcome: L7Outcome = {
    chain: 'none',
    verdict: 'not-enforced',
    requests: RequestSet.all,
    rules: [],
    reasons: [{ code, message }],
  };
  return segmentOf(protocol, ports, 'bypass', outcome, false);
}

function segmentOf(
  protocol: L7Segment['protocol'],
  ports: PortSet,
  portClass: L7Segment['portClass'],
  outcome: L7Outcome,
  uncertain: boolean,
): L7Segment {
  return {
    protocol,
    ports,
    portClass,
    verdict: outcome.verdict,
    outcomes: [outcome],
    approximate: false,
    uncertain,
  };
}

function firstPort(s: L7Segment): number {
  return s.ports.ranges[0]?.from ?? 0;
}

function summarise(segments: readonly L7Segment[]): L7Cell {
  let effective = ConnSet.none;
  for (const s of segments)
    if (s.verdict !== 'none') effective = effective.union(ConnSet.of(s.protocol, s.ports));
  return {
    segments,
    effective,
    conditional: false,
    external: false,
    approximate: false,
    uncertain: segments.some((s) => s.uncertain),
  };
}
