import { ruleKey } from '../core/refs.js';
import type { Peer } from '../model/peers.js';
import { PROTOCOLS, type Protocol, type Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { PortSet } from '../values/port-set.js';
import { type AppliedPolicies, authorize, letsSomethingThrough } from './authorize.js';
import type { EvalContext } from './authz-eval.js';
import type { MeshSettings } from './mesh-config.js';
import type { PeerAuthn } from './peer-authn.js';
import { cutPorts, type InboundPorts, rangeSet } from './ports.js';
import { RequestSet } from './request-set.js';
import { checkTransport, clientTls } from './transport.js';
import type { L7Cell, L7Outcome, L7Reason, L7Segment, L7Verdict, PortClass, SidecarInfo } from './types.js';

/** Everything compiled once about a destination workload. */
export interface DestInfo {
  readonly sidecar: SidecarInfo;
  readonly applied: AppliedPolicies;
  readonly uncertain: boolean;
  readonly inbound: InboundPorts;
  /** Ports where the answer can change (captured-port lists, declared ports, policy ports). */
  readonly boundaries: readonly number[];
}

export interface CellContext {
  readonly root: string;
  readonly mesh: MeshSettings;
  readonly pa: PeerAuthn;
  readonly trustDomains: readonly string[];
  readonly ipBlockMatchesPods: boolean;
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
    for (const range of cutPorts(ports, dest.boundaries)) {
      if (portLetsSomething(ctx, dest, src, dst, range.from)) return true;
    }
  }
  return false;
}

function tcpSegments(
  ctx: CellContext,
  dest: DestInfo,
  src: Peer,
  dst: Workload,
  ports: PortSet,
): L7Segment[] {
  const groups = new Map<string, { piece: Piece; ports: PortSet }>();
  for (const range of cutPorts(ports, dest.boundaries)) {
    const piece = evaluatePort(ctx, dest, src, dst, range.from);
    const key = pieceKey(piece);
    const g = groups.get(key);
    groups.set(key, { piece, ports: (g?.ports ?? PortSet.none).union(rangeSet(range)) });
  }
  return [...groups.values()]
    .map((g) => segment('TCP', g.ports, g.piece))
    .sort((a, b) => a.ports.ranges[0]!.from - b.ports.ranges[0]!.from);
}

/** What a captured port is to the sidecar, and whether the client's transport is accepted there. */
function portTransport(ctx: CellContext, src: Peer, dst: Workload, dest: DestInfo, port: number) {
  const portClass = dest.inbound.classOf(port);
  const chains = portClass === 'auto' ? (['http', 'tcp'] as const) : ([portClass] as const);
  const client = clientTls(src, (w) => ctx.sidecar(w), port, ctx.pa.namespaceMode(dst.namespace, ctx.root));
  const transport = checkTransport(client, ctx.pa.portMode(dst, port, ctx.root));
  return { portClass, chains, transport };
}

function evalContext(
  ctx: CellContext,
  src: Peer,
  chain: 'http' | 'tcp',
  port: number,
  identity: string | undefined,
): EvalContext {
  return {
    chain,
    port,
    identity,
    source: src.kind === 'external' ? { kind: 'external', range: src.range } : { kind: 'pod' },
    trustDomains: ctx.trustDomains,
    ipBlockMatchesPods: ctx.ipBlockMatchesPods,
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
  const { chains, transport } = portTransport(ctx, src, dst, dest, port);
  if (!transport.accepted) return false;
  return chains.some((chain) =>
    letsSomethingThrough(dest.applied, evalContext(ctx, src, chain, port, transport.identity), ctx.mesh),
  );
}

function evaluatePort(ctx: CellContext, dest: DestInfo, src: Peer, dst: Workload, port: number): Piece {
  const bypass = dest.inbound.bypass(port);
  if (bypass) return bypassPiece('port-not-captured', bypass);
  const { portClass, chains, transport } = portTransport(ctx, src, dst, dest, port);
  if (!transport.accepted) {
    const outcomes = chains.map((chain) => rejected(chain, transport.reason));
    return { portClass, outcomes, approximate: false, uncertain: dest.uncertain };
  }
  let approximate = false;
  const outcomes = chains.map((chain) => {
    const evalCtx = evalContext(ctx, src, chain, port, transport.identity);
    const a = authorize(dest.applied, evalCtx, ctx.mesh);
    approximate ||= a.approximate;
    return { ...a.outcome, reasons: [...transport.reasons, ...a.outcome.reasons] };
  });
  return { portClass, outcomes, approximate, uncertain: dest.uncertain };
}

function rejected(chain: 'http' | 'tcp', reason: L7Reason): L7Outcome {
  return {
    chain,
    verdict: 'none',
    requests: RequestSet.none,
    rules: reason.rule ? [reason.rule] : [],
    reasons: [reason],
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
