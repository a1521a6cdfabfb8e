import type { Peer } from '../model/peers.js';
import type { Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import type { CellContext, DestInfo } from './cell.js';
import type { L7Cell, L7Reason, SidecarInfo } from './types.js';

/**
 * A cell one of whose ends has an injection decision resting on unknown namespace labels
 * (SidecarInfo.unknown, rule C2): computed again with that guess turned around, and marked
 * uncertain, with the reason, only where the two answers let different traffic through. A pair
 * that no Istio rule touches gets the same answer either way and stays certain (no false doubt).
 */
export function withUnknownInjection(
  ctx: CellContext,
  src: Peer,
  dst: Workload,
  compute: (ctx: CellContext) => L7Cell,
): L7Cell {
  const cell = compute(ctx);
  const ends = [...(src.kind === 'workload' ? [src.workload] : []), dst];
  const unknown = ends.filter((w) => ctx.sidecar(w).unknown !== undefined);
  if (unknown.length === 0) return cell;
  const other = compute(flipped(ctx, new Set(unknown.map((w) => w.id))));
  if (effectKey(cell) === effectKey(other)) return cell;
  const reasons: L7Reason[] = unknown.map((w) => ({
    code: 'injection-unknown',
    message: ctx.sidecar(w).unknown!,
  }));
  return markUncertain(cell, reasons);
}

function flip(info: SidecarInfo): SidecarInfo {
  return { ...info, injected: !info.injected };
}

/** The same context with the guess turned around for `ids` (everything else read through). */
function flipped(ctx: CellContext, ids: ReadonlySet<string>): CellContext {
  const out = Object.create(ctx) as CellContext & Record<string, unknown>;
  out.sidecar = (w: Workload) => (ids.has(w.id) ? flip(ctx.sidecar(w)) : ctx.sidecar(w));
  out.dest = (w: Workload): DestInfo => {
    const d = ctx.dest(w);
    return ids.has(w.id) ? { ...d, sidecar: flip(d.sidecar) } : d;
  };
  return out;
}

/** What gets through, port by port: the connections each distinct set of requests reaches. */
function effectKey(cell: L7Cell): string {
  const byRequests = new Map<string, ConnSet>();
  for (const s of cell.segments) {
    const key = [...new Set(s.outcomes.map((o) => o.requests.key()))].sort().join('\u0001');
    byRequests.set(key, (byRequests.get(key) ?? ConnSet.none).union(ConnSet.of(s.protocol, s.ports)));
  }
  return [...byRequests]
    .map(([k, c]) => `${k}\u0000${c.toString()}`)
    .sort()
    .join('\u0002');
}

function markUncertain(cell: L7Cell, reasons: readonly L7Reason[]): L7Cell {
  const segments = cell.segments.map((s) => ({
    ...s,
    uncertain: true,
    outcomes: s.outcomes.map((o) => ({ ...o, reasons: [...o.reasons, ...reasons] })),
  }));
  return { ...cell, segments, uncertain: true };
}
