import { ruleKey } from '../core/refs.js';
import type { L4Engine } from '../l4/engine-api.js';
import type { L4Cell } from '../l4/verdict.js';
import { workloadPeer } from '../model/peers.js';
import type { ClusterModel, Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { PortSet } from '../values/port-set.js';
import type { L7Engine } from './engine.js';
import { type RoutedPort, routedPorts, type SubsetLookup } from './gateway-routing.js';
import type { CitedRule, GatewayModel, IstioGateway } from './gateway-types.js';
import type { RequestSet } from './request-set.js';
import type { L7Cell, L7Outcome, L7Segment, L7Verdict } from './types.js';

/** The answer for one hop, shaped like a matrix cell (matrix `CellVerdict`). */
export interface HopVerdict {
  readonly l4: L4Cell;
  readonly l7?: L7Cell;
  readonly effective: ConnSet;
}

/** What the outside reaches on one backend through one Gateway's pods. */
export interface GatewayHop {
  /** `outside via ns/name[Gateway]`: the source the report names. */
  readonly sourceId: string;
  readonly gateway: IstioGateway;
  /** The gateway's pods: the source NetworkPolicy and AuthorizationPolicy see. */
  readonly pods: Workload;
  readonly backend: Workload;
  readonly verdict: HopVerdict;
  /** The Gateway servers and VirtualService routes that send traffic to the backend. */
  readonly rules: readonly CitedRule[];
  /** What the routes send per backend port, before any policy (another Ingress controller sends only these at L4 too). */
  readonly routed: readonly RoutedPort[];
}

/** The engines of the layer: without `l4` NetworkPolicy is not applied, without `l7` Istio is not. */
export interface HopEngines {
  readonly l4?: L4Engine;
  readonly l7?: L7Engine;
}

export function ingressPeerId(gateway: IstioGateway): string {
  return `outside via ${gateway.ingress ? gateway.ingress.label : `${gateway.key}[Gateway]`}`;
}

/**
 * Every hop gateway pods -> backend of a revision, evaluated like any pair (issue 17): the gateway
 * pods' egress and the backend's ingress (NetworkPolicy), the backend's PeerAuthentication and
 * AuthorizationPolicy with the gateway's identity as source (the gateway proxy always speaks
 * Istio mTLS), and the requests narrowed to what the routes send. Work follows the routes: only
 * the backends some route names are evaluated.
 */
export function gatewayHops(
  model: ClusterModel,
  edges: GatewayModel,
  subsets: SubsetLookup,
  engines: HopEngines,
): GatewayHop[] {
  const hops: GatewayHop[] = [];
  for (const gateway of edges.gateways) {
    const routed = routedPorts(gateway, edges, model, subsets);
    if (routed.length === 0) continue;
    const byBackend = new Map<string, RoutedPort[]>();
    for (const r of routed) byBackend.set(r.backend.id, [...(byBackend.get(r.backend.id) ?? []), r]);
    const pods = edges.pods.get(gateway.key) ?? [];
    for (const from of pods) {
      for (const ports of byBackend.values()) {
        const backend = ports[0]!.backend;
        if (backend.id === from.id) continue;
        hops.push({
          sourceId: pods.length > 1 ? `${ingressPeerId(gateway)} (${from.id})` : ingressPeerId(gateway),
          gateway,
          pods: from,
          backend,
          verdict: evaluateHop(from, backend, ports, engines, gateway.ingress?.istio ?? true),
          rules: dedupe(ports.flatMap((p) => p.rules)),
          routed: ports,
        });
      }
    }
  }
  return hops;
}

function evaluateHop(
  from: Workload,
  backend: Workload,
  routed: readonly RoutedPort[],
  engines: HopEngines,
  proxy: boolean,
): HopVerdict {
  const conns = ConnSet.of('TCP', PortSet.of(routed.map((r) => ({ from: r.port, to: r.port }))));
  const egress = engines.l4 ? engines.l4.egress(from, workloadPeer(backend)) : null;
  const ingress = engines.l4 ? engines.l4.ingress(backend, workloadPeer(from)) : null;
  const allowed = conns.intersect(egress?.allowed ?? ConnSet.all).intersect(ingress?.allowed ?? ConnSet.all);
  const l4: L4Cell = { allowed, egress, ingress };
  if (!engines.l7 || allowed.isEmpty()) return { l4, effective: allowed };
  // Another Ingress controller is an ordinary pod: its own sidecar (or none) decides what it sends.
  const cell = engines.l7.evaluate(workloadPeer(proxy ? asProxy(from) : from), backend, allowed);
  const l7 = narrowCell(cell, routed, allowed.ports('TCP'));
  return { l4, l7, effective: l7.effective.intersect(allowed) };
}

/**
 * The gateway pods as the proxy they are: a gateway runs istio-proxy itself, so it sends Istio mTLS
 * with its service account's identity whatever the injection settings say (C7). A copy under its
 * own id, so the engine's caches keep the real workload's answers apart.
 */
function asProxy(w: Workload): Workload {
  return {
    ...w,
    id: `${w.id}#gateway-proxy`,
    hostNetwork: false,
    // Read by isGatewayProxy: no Sidecar resource configures a gateway (F8), whatever its labels.
    podAnnotations: { ...w.podAnnotations, 'inject.istio.io/templates': 'gateway' },
    containers: [...w.containers, { name: 'istio-proxy', ports: [] }],
  };
}

/** One segment per routed port, with the outcomes of the chain the gateway speaks, narrowed to its requests. */
function narrowCell(cell: L7Cell, routed: readonly RoutedPort[], allowed: PortSet): L7Cell {
  const segments: L7Segment[] = [];
  const byPort = new Map<number, RoutedPort[]>();
  for (const r of routed) if (allowed.has(r.port)) byPort.set(r.port, [...(byPort.get(r.port) ?? []), r]);
  for (const [port, rs] of [...byPort].sort((a, b) => a[0] - b[0])) {
    const s = cell.segments.find((x) => x.protocol === 'TCP' && x.ports.has(port));
    if (!s) continue;
    const chain = rs.some((r) => r.chain === 'http') ? 'http' : 'tcp';
    let requests = rs[0]!.requests;
    for (const r of rs.slice(1)) requests = requests.union(r.requests);
    const picked = s.outcomes.filter((o) => o.chain === chain);
    const outcomes = (picked.length > 0 ? picked : s.outcomes).map((o) => narrow(o, requests));
    segments.push({
      ...s,
      ports: PortSet.range(port),
      portClass: s.portClass === 'auto' ? chain : s.portClass,
      verdict: summaryVerdict(outcomes),
      outcomes,
      approximate: s.approximate || rs.some((r) => r.approximate),
    });
  }
  let effective = ConnSet.none;
  for (const s of segments)
    if (s.outcomes.some((o) => o.verdict !== 'none')) effective = effective.union(ConnSet.of('TCP', s.ports));
  const outcomes = segments.flatMap((s) => s.outcomes);
  return {
    segments,
    effective,
    conditional: outcomes.some((o) => o.verdict === 'conditional'),
    external: outcomes.some((o) => o.verdict === 'external'),
    approximate: segments.some((s) => s.approximate),
    uncertain: segments.some((s) => s.uncertain),
  };
}

function narrow(o: L7Outcome, routed: RequestSet): L7Outcome {
  if (o.verdict === 'none') return o;
  const requests = o.requests.intersect(routed);
  if (requests.isEmpty()) return { ...o, verdict: 'none', requests };
  const verdict: L7Verdict =
    o.verdict === 'conditional' || o.verdict === 'external'
      ? o.verdict
      : requests.isAll()
        ? o.verdict
        : requests.isConditional()
          ? 'conditional'
          : 'some';
  return { ...o, verdict, requests };
}

function summaryVerdict(outcomes: readonly L7Outcome[]): L7Verdict {
  const vs = new Set(outcomes.map((o) => o.verdict));
  if (vs.size === 1) return outcomes[0]!.verdict;
  if (vs.has('external')) return 'external';
  if (vs.has('conditional')) return 'conditional';
  return 'some';
}

function dedupe(rules: readonly CitedRule[]): CitedRule[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = ruleKey(r.rule);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
