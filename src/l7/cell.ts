import { ruleKey } from '../core/refs.js';
import type { Peer } from '../model/peers.js';
import { PROTOCOLS, type Protocol, type Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import type { IpRange } from '../values/ip-range.js';
import { PortSet } from '../values/port-set.js';
import { type AppliedPolicies, authorize, letsSomethingThrough, verdictOf } from './authorize.js';
import type { EvalContext } from './authz-eval.js';
import { type ClientContext, clientSends, outboundExcluded } from './client-transport.js';
import type { MeshSettings } from './mesh-config.js';
import type { PeerAuthn } from './peer-authn.js';
import { cutPorts, type InboundPorts, rangeSet } from './ports.js';
import { RequestSet } from './request-set.js';
import { checkTransport, type TransportResult } from './transport.js';
import type { L7Cell, L7Outcome, L7Reason, L7Segment, L7Verdict, PortClass, SidecarInfo } from './types.js';

/** Everything compiled once about a destination workload. */
export interface DestInfo {
  readonly sidecar: SidecarInfo;
  readonly applied: AppliedPolicies;
  readonly uncertain: boolean;
  readonly inbound: InboundPorts;
  /** Some RequestAuthentication applies, so JWT-dependent rules are conditional (D12). */
  readonly jwt: boolean;
  /** Ports where the answer can change (captured-port lists, declared ports, policy ports). */
  readonly boundaries: readonly number[];
}

export interface CellContext extends ClientContext {
  readonly root: string;
  readonly mesh: MeshSettings;
  readonly pa: PeerAuthn;
  readonly trustDomains: readonly string[];
  /** Config `cluster.podCIDRs`, parsed (empty: pod addresses unknown, D13). */
  readonly podCidrs: readonly IpRange[];
  sidecar(w: Workload): SidecarInfo;
  dest(w: Workload): DestInfo;
}

interface Piece {
  readonly portClass: PortClass;
  readonly outcomes: readonly L7Outcome[];
  readonly approximate: boolean;
  readonly uncertain: boolean;
}

export function computeCell(ctx: CellContext, src: Peer, dst: Workload, l4: ConnSet): L7Cell {
  const dest = ctx.dest(dst);
  const segments: L7Segment[] = [];
  for (const protocol of PROTOCOLS) {
    const ports = l4.ports(protocol);
    if (ports.isEmpty()) continue;
    if (protocol !== 'TCP') {
      segments.push(
        segment(
          protocol,
          ports,
          bypassPiece('not-proxied', `${protocol} is never proxied by the sidecar (D19)`),
        ),
      );
    } else if (!dest.sidecar.injected) {
      segments.push(
        segment(
          protocol,
          ports,
          bypassPiece('no-sidecar', `destination has no sidecar: ${dest.sidecar.reason} (E9)`),
        ),
      );
    } else {
      segments.push(...tcpSegments(ctx, dest, src, dst, ports));
    }
  }
  return summarise(segments);
}

/**
 * Whether some request gets through on some connection of `l4`: the same answer as asking whether
 * a segment of `computeCell` has a verdict other than `none`, but it stops at the first port that
 * lets something through and builds no explanation.
 */
export function letsSomeThrough(ctx: CellContext, src: Peer, dst: Workload, l4: ConnSet): boolean {
  const dest = ctx.dest(dst);
  for (const protocol of PROTOCOLS) {
    const ports = l4.ports(protocol);
    if (ports.isEmpty()) continue;
    // Not proxied, or no sidecar: nothing is enforced (see computeCell).
    if (protocol !== 'TCP' || !dest.sidecar.injected) return true;
    for (const range of cutPorts(ports, boundariesFor(dest, src))) {
      if (portLetsSomething(ctx, dest, src, dst, range.from)) return true;
    }
  }
  return false;
}

/**
 * Whether some request gets through on every connection: then `letsSomeThrough` holds for any
 * connections L4 may allow (the same pieces, asked at the same ports), so a check that needs Istio
 * to deny everything L4 allows can stop before computing L4 (network-allows-mesh-denies).
 */
export function letsSomeThroughEverywhere(ctx: CellContext, src: Peer, dst: Workload): boolean {
  const dest = ctx.dest(dst);
  // UDP and SCTP are never proxied; without a sidecar nothing is enforced (see computeCell).
  if (!dest.sidecar.injected) return true;
  for (const range of cutPorts(PortSet.all, boundariesFor(dest, src))) {
    if (!portLetsSomething(ctx, dest, src, dst, range.from)) return false;
  }
  return true;
}

function tcpSegments(
  ctx: CellContext,
  dest: DestInfo,
  src: Peer,
  dst: Workload,
  ports: PortSet,
): L7Segment[] {
  const groups = new Map<string, { piece: Piece; ports: PortSet }>();
  for (const range of cutPorts(ports, boundariesFor(dest, src))) {
    const piece = evaluatePort(ctx, dest, src, dst, range.from);
    const key = pieceKey(piece);
    const g = groups.get(key);
    groups.set(key, { piece, ports: (g?.ports ?? PortSet.none).union(rangeSet(range)) });
  }
  return [...groups.values()]
    .map((g) => segment('TCP', g.ports, g.piece))
    .sort((a, b) => a.ports.ranges[0]!.from - b.ports.ranges[0]!.from);
}

/** The destination's boundaries, and the container ports the client excludes from capture (E10). */
function boundariesFor(dest: DestInfo, src: Peer): readonly number[] {
  const excluded = src.kind === 'workload' ? outboundExcluded(src.workload) : [];
  if (excluded.length === 0) return dest.boundaries;
  return [...new Set([...dest.boundaries, ...excluded])].sort((a, b) => a - b);
}

/**
 * What a captured port is to the sidecar, and which of the ways the client sends (one per Service
 * port that reaches it, E10/F7/F9) the server accepts (E5): rejected only when every way is.
 */
function portTransport(ctx: CellContext, src: Peer, dst: Workload, dest: DestInfo, port: number) {
  const portClass = dest.inbound.classOf(port);
  const chains = portClass === 'auto' ? (['http', 'tcp'] as const) : ([portClass] as const);
  const client = clientSends(ctx, src, dst, port, ctx.pa.namespaceMode(dst.namespace, ctx.root));
  const mode = ctx.pa.portMode(dst, port, ctx.root);
  const results = client.sends.map((c) => checkTransport(c, mode));
  const accepted = results.filter((r): r is TransportResult & { accepted: true } => r.accepted);
  const rejectedReasons = results.flatMap((r) => (r.accepted ? [] : r.reasons));
  return { portClass, chains, accepted, rejectedReasons, uncertain: client.uncertain };
}

function evalContext(
  ctx: CellContext,
  src: Peer,
  chain: 'http' | 'tcp',
  port: number,
  identity: string | undefined,
  jwt: boolean,
): EvalContext {
  return {
    chain,
    port,
    identity,
    jwt,
    source: src.kind === 'external' ? { kind: 'external', range: src.range } : { kind: 'pod' },
    trustDomains: ctx.trustDomains,
    podCidrs: ctx.podCidrs,
  };
}

/** Whether `evaluatePort` would give some outcome other than `none`. */
function portLetsSomething(
  ctx: CellContext,
  dest: DestInfo,
  src: Peer,
  dst: Workload,
  port: number,
): boolean {
  if (dest.inbound.bypass(port)) return true;
  const { chains, accepted } = portTransport(ctx, src, dst, dest, port);
  return accepted.some((t) =>
    chains.some((chain) =>
      letsSomethingThrough(dest.applied, evalContext(ctx, src, chain, port, t.identity, dest.jwt), ctx.mesh),
    ),
  );
}

function evaluatePort(ctx: CellContext, dest: DestInfo, src: Peer, dst: Workload, port: number): Piece {
  const bypass = dest.inbound.bypass(port);
  if (bypass) return bypassPiece('port-not-captured', bypass);
  const {
    portClass,
    chains,
    accepted,
    rejectedReasons,
    uncertain: clientUncertain,
  } = portTransport(ctx, src, dst, dest, port);
  const uncertain = dest.uncertain || clientUncertain;
  if (accepted.length === 0) {
    const outcomes = chains.map((chain) => rejected(chain, rejectedReasons));
    return { portClass, outcomes, approximate: false, uncertain };
  }
  let approximate = false;
  const outcomes = chains.map((chain) => {
    // Several accepted ways in (say mTLS through one Service, plaintext through another): what
    // gets through is what any of them lets through.
    const each = accepted.map((t) => {
      const a = authorize(dest.applied, evalContext(ctx, src, chain, port, t.identity, dest.jwt), ctx.mesh);
      approximate ||= a.approximate;
      return { ...a.outcome, reasons: [...t.reasons, ...a.outcome.reasons] };
    });
    return each.length === 1 ? each[0]! : unionOutcomes(each);
  });
  return { portClass, outcomes, approximate, uncertain };
}

function unionOutcomes(list: readonly L7Outcome[]): L7Outcome {
  const requests = list.reduce((acc, o) => acc.union(o.requests), RequestSet.none);
  const rules = new Map(list.flatMap((o) => o.rules).map((r) => [ruleKey(r), r] as const));
  return {
    chain: list[0]!.chain,
    verdict: verdictOf(requests),
    requests,
    rules: [...rules.values()],
    reasons: list.flatMap((o) => o.reasons),
  };
}

function rejected(chain: 'http' | 'tcp', reasons: readonly L7Reason[]): L7Outcome {
  return {
    chain,
    verdict: 'none',
    requests: RequestSet.none,
    rules: reasons.flatMap((r) => (r.rule ? [r.rule] : [])),
    reasons,
  };
}

function bypassPiece(code: string, message: string): Piece {
  const outcome: L7Outcome = {
    chain: 'none',
    verdict: 'not-enforced',
    requests: RequestSet.all,
    rules: [],
    reasons: [{ code, message }],
  };
  return { portClass: 'bypass', outcomes: [outcome], approximate: false, uncertain: false };
}

function segment(protocol: Protocol, ports: PortSet, piece: Piece): L7Segment {
  return {
    protocol,
    ports,
    portClass: piece.portClass,
    verdict: summaryVerdict(piece.outcomes),
    outcomes: piece.outcomes,
    approximate: piece.approximate,
    uncertain: piece.uncertain,
  };
}

/** Equal verdicts stay; otherwise the one a reviewer must look at: external, conditional, else some. */
function summaryVerdict(outcomes: readonly L7Outcome[]): L7Verdict {
  const vs = new Set(outcomes.map((o) => o.verdict));
  if (vs.size === 1) return outcomes[0]!.verdict;
  if (vs.has('external')) return 'external';
  if (vs.has('conditional')) return 'conditional';
  return 'some';
}

function pieceKey(p: Piece): string {
  return JSON.stringify([
    p.portClass,
    p.approximate,
    p.uncertain,
    p.outcomes.map((o) => [
      o.chain,
      o.verdict,
      o.requests.key(),
      o.rules.map(ruleKey),
      o.reasons.map((r) => [r.code, r.message, r.rule ? ruleKey(r.rule) : '']),
    ]),
  ]);
}

function summarise(segments: readonly L7Segment[]): L7Cell {
  let effective = ConnSet.none;
  for (const s of segments) {
    if (s.outcomes.some((o) => o.verdict !== 'none'))
      effective = effective.union(ConnSet.of(s.protocol, s.ports));
  }
  const outcomes = segments.flatMap((s) => s.outcomes);
  return {
    segments,
    effective,
    conditional: outcomes.some(
      (o) =>
        o.verdict === 'conditional' ||
        (o.verdict === 'external' &&
          o.requests.conditionAtoms().some((a) => !a.startsWith('external authorizer '))),
    ),
    external: outcomes.some((o) => o.verdict === 'external'),
    approximate: segments.some((s) => s.approximate),
    uncertain: segments.some((s) => s.uncertain),
  };
}
