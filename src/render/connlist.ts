import type { IpPieces } from '../l4/engine-api.js';
import type { AccessMatrix } from '../matrix/matrix.js';
import { type ExternalPeer, externalPeer, type Peer } from '../model/peers.js';
import type { PathChange, Report } from '../report/types.js';
import type { ConnSet } from '../values/conn-set.js';
import { ALL_IPV4, type IpRange } from '../values/ip-range.js';

/**
 * netpol-analyzer's connectivity list (L4 only): `src => dst : conns`, one line per pair with
 * some connection, sorted. External peers are IPv4 ranges cut per side (README of
 * ../shared/conformance): source ranges only by ingress ipBlocks, destination ranges only by
 * egress ipBlocks and admin `networks`, each block being its cidr minus its excepts; ranges are
 * never merged. The matrix cuts at every boundary of both sides, which refines both cuts, so its
 * ranges are grouped back into each side's. Without `pieces` every matrix range is its own line.
 */
export function renderConnlist(matrix: AccessMatrix, pieces?: IpPieces): string {
  const lines: string[] = [];
  const { workloads } = matrix;
  const externals = matrix.externals.filter((e) => e.range.family === 4);
  const sources = pieces ? sideRanges(externals, pieces.sources) : externals.map((e) => [e]);
  const destinations = pieces ? sideRanges(externals, pieces.destinations) : externals.map((e) => [e]);
  for (const src of workloads) {
    for (const dst of workloads) {
      if (src.id === dst.id) continue;
      const conns = matrix.verdict(src, dst).l4.allowed;
      if (!conns.isEmpty()) lines.push(line(src, dst, conns));
    }
  }
  for (const w of workloads) {
    for (const group of sources) {
      for (const [ext, conns] of byConns(group, (e) => matrix.verdict(e, w).l4.allowed))
        if (!conns.isEmpty()) lines.push(line(ext, w, conns));
    }
    for (const group of destinations) {
      for (const [ext, conns] of byConns(group, (e) => matrix.verdict(w, e).l4.allowed))
        if (!conns.isEmpty()) lines.push(line(w, ext, conns));
    }
  }
  return lines
    .sort()
    .map((l) => `${l}\n`)
    .join('');
}

function line(src: Peer, dst: Peer, conns: ConnSet): string {
  return `${src.id} => ${dst.id} : ${conns.toString()}`;
}

/**
 * The matrix's IPv4 ranges grouped into one side's ranges: a side range starts at 0, at the first
 * address of a piece and at the address after its last.
 */
function sideRanges(externals: readonly ExternalPeer[], pieces: readonly IpRange[]): ExternalPeer[][] {
  const starts = new Set<bigint>([0n]);
  for (const p of pieces) {
    if (p.family !== 4) continue;
    starts.add(p.from);
    if (p.to < ALL_IPV4.to) starts.add(p.to + 1n);
  }
  const groups: ExternalPeer[][] = [];
  for (const e of externals) {
    const last = groups[groups.length - 1];
    if (last && !starts.has(e.range.from)) last.push(e);
    else groups.push([e]);
  }
  return groups;
}

/**
 * One side range as one peer with its connections. Policies give every matrix range of a side
 * range the same answer; should they not (never expected), each range keeps its own line.
 */
function byConns(
  group: readonly ExternalPeer[],
  conns: (e: ExternalPeer) => ConnSet,
): (readonly [ExternalPeer, ConnSet])[] {
  const each = group.map((e) => [e, conns(e)] as const);
  if (each.every(([, c]) => c.equals(each[0]![1]))) {
    const first = group[0]!.range;
    const last = group[group.length - 1]!.range;
    return [[externalPeer({ family: 4, from: first.from, to: last.to }), each[0]![1]]];
  }
  return each;
}

/** One line of the connectivity diff, before sorting. */
interface DiffLine {
  readonly kind: PathChange['kind'];
  readonly source: string;
  readonly destination: string;
  readonly before: string;
  readonly after: string;
  readonly info?: string;
}

/**
 * netpol-analyzer's connectivity diff: header, then changed, added and removed lines, each sorted.
 * External ranges are IPv4; for each workload on the other end, adjacent ranges with the same
 * connections before and after are merged (the README's rule).
 */
export function renderConnlistDiff(report: Report): string {
  const kinds = [
    ['changed', 'changed'],
    ['opened', 'added'],
    ['closed', 'removed'],
  ] as const;
  const all = mergeExternalRanges(report.changes);
  const lines = kinds.flatMap(([kind, label]) =>
    all
      .filter((c) => c.kind === kind)
      .map((c) => {
        const info = c.info ? `, workloads-diff-info: ${c.info}` : '';
        return {
          key: `${c.source}\u0000${c.destination}`,
          text: `diff-type: ${label}, source: ${c.source}, destination: ${c.destination}, ref1: ${c.before}, ref2: ${c.after}${info}`,
        };
      })
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((l) => l.text),
  );
  if (lines.length === 0) return '';
  return ['Connectivity diff:', ...lines].map((l) => `${l}\n`).join('');
}

function mergeExternalRanges(changes: readonly PathChange[]): DiffLine[] {
  const out: DiffLine[] = [];
  const runs = new Map<string, { line: DiffLine; side: 'source' | 'destination'; ranges: IpRange[] }>();
  for (const c of changes) {
    const line: DiffLine = {
      kind: c.kind,
      source: c.source.id,
      destination: c.destination.id,
      before: c.before,
      after: c.after,
      ...(c.workloadsDiff ? { info: c.workloadsDiff } : {}),
    };
    const side =
      c.source.kind === 'external' ? 'source' : c.destination.kind === 'external' ? 'destination' : undefined;
    if (!side) {
      out.push(line);
      continue;
    }
    const range = parseIpv4Range(line[side]);
    // IPv6 ranges are outside this format (netpol-analyzer reads IPv4 only).
    if (!range) continue;
    const other = side === 'source' ? line.destination : line.source;
    const key = JSON.stringify([side, other, line.kind, line.before, line.after, line.info ?? '']);
    const run = runs.get(key);
    if (run) run.ranges.push(range);
    else runs.set(key, { line, side, ranges: [range] });
  }
  for (const { line, side, ranges } of runs.values()) {
    for (const r of mergeRanges(ranges)) out.push({ ...line, [side]: externalPeer(r).id });
  }
  return out;
}

function mergeRanges(ranges: readonly IpRange[]): IpRange[] {
  const sorted = [...ranges].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const out: IpRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1n)
      out[out.length - 1] = { ...last, to: r.to > last.to ? r.to : last.to };
    else out.push(r);
  }
  return out;
}

/** `10.0.0.0-10.255.255.255[External]` as a range; `undefined` for anything else (IPv6). */
function parseIpv4Range(id: string): IpRange | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)-(\d+)\.(\d+)\.(\d+)\.(\d+)\[External\]$/.exec(id);
  if (!m) return undefined;
  const n = (i: number) => m.slice(i, i + 4).reduce((acc, x) => acc * 256n + BigInt(x), 0n);
  return { family: 4, from: n(1), to: n(5) };
}
