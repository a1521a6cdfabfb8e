import { type ChangeClass, changeClass, isGaining } from './risk.js';
import type { PathChange } from './types.js';

/**
 * Ports the Istio sidecar serves itself (pilot-agent status 15020, health 15021, Envoy metrics
 * 15090): a change only there reaches no application. SEMANTICS H (sidecar ports).
 */
export const SIDECAR_BYPASS_PORTS: ReadonlySet<number> = new Set([15020, 15021, 15090]);

/**
 * Whether a change is only noise for a reviewer: what it gained (or lost) is only UDP or SCTP, or
 * only the sidecar's own ports. An L7-only change is never noise (its connections are the same).
 * `All Connections` is never noise.
 */
export function isNoiseChange(c: PathChange): boolean {
  const conns = isGaining(changeClass(c)) ? c.added : c.removed;
  if (conns === '' || conns === 'All Connections' || conns === 'No Connections') return false;
  if (c.l7Change !== undefined) return false;
  return parseConns(conns).every(
    ({ protocol, ranges }) =>
      protocol !== 'TCP' || ranges.every(([from, to]) => rangeIn(from, to, SIDECAR_BYPASS_PORTS)),
  );
}

function rangeIn(from: number, to: number, ports: ReadonlySet<number>): boolean {
  for (let p = from; p <= to; p++) if (!ports.has(p)) return false;
  return true;
}

/** `SCTP 1-9002,TCP 80,UDP 53` (conn-set's form) as protocols with port ranges. */
export function parseConns(text: string): { protocol: string; ranges: [number, number][] }[] {
  const out: { protocol: string; ranges: [number, number][] }[] = [];
  for (const token of text.split(',')) {
    const m = /^(?:([A-Z]+) )?(\d+)(?:-(\d+))?$/.exec(token.trim());
    if (!m) return [{ protocol: 'unknown', ranges: [] }];
    if (m[1]) out.push({ protocol: m[1], ranges: [] });
    const current = out[out.length - 1];
    if (!current) return [{ protocol: 'unknown', ranges: [] }];
    const from = Number(m[2]);
    current.ranges.push([from, m[3] ? Number(m[3]) : from]);
  }
  return out;
}

/** Changes of one class folded into one line: only UDP/SCTP or only the sidecar's own ports. */
export interface FoldedChanges {
  readonly class: ChangeClass;
  readonly changes: readonly PathChange[];
}

/**
 * Splits noise from the rest, per class: noise is folded unless it is the whole of its class
 * (then it is what changed, and is listed like any change).
 */
export function foldNoise(changes: readonly PathChange[]): { kept: PathChange[]; folded: FoldedChanges[] } {
  const byClass = new Map<ChangeClass, { noise: PathChange[]; other: number }>();
  for (const c of changes) {
    const k = changeClass(c);
    const entry = byClass.get(k) ?? { noise: [], other: 0 };
    if (isNoiseChange(c)) entry.noise.push(c);
    else entry.other++;
    byClass.set(k, entry);
  }
  const foldedSet = new Set<PathChange>();
  const folded: FoldedChanges[] = [];
  for (const k of ['opened', 'widened', 'closed', 'narrowed', 'changed'] as const) {
    const entry = byClass.get(k);
    if (!entry || entry.noise.length === 0 || entry.other === 0) continue;
    folded.push({ class: k, changes: entry.noise });
    for (const c of entry.noise) foldedSet.add(c);
  }
  return { kept: changes.filter((c) => !foldedSet.has(c)), folded };
}
