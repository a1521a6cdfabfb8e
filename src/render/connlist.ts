import type { AccessMatrix } from '../matrix/matrix.js';
import { externalPeer, type Peer } from '../model/peers.js';
import type { Report } from '../report/types.js';
import type { ConnSet } from '../values/conn-set.js';

/**
 * netpol-analyzer's connectivity list (L4 only): `src => dst : conns`, one line per pair with
 * some connection, sorted. Consecutive external destination ranges with equal connections are merged.
 */
export function renderConnlist(matrix: AccessMatrix): string {
  const lines: string[] = [];
  const { workloads, externals } = matrix;
  for (const src of workloads) {
    for (const dst of workloads) {
      if (src.id === dst.id) continue;
      const conns = matrix.verdict(src, dst).l4.allowed;
      if (!conns.isEmpty()) lines.push(line(src, dst, conns));
    }
  }
  for (const w of workloads) {
    // Sources stay cut at every ipBlock boundary; only destinations merge (as netpol-analyzer does).
    for (const ext of externals) {
      const conns = matrix.verdict(ext, w).l4.allowed;
      if (!conns.isEmpty()) lines.push(line(ext, w, conns));
    }
    for (const [ext, conns] of mergeRuns(
      externals.map((e) => [e, matrix.verdict(w, e).l4.allowed] as const),
    )) {
      lines.push(line(w, ext, conns));
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

type Run = readonly [Extract<Peer, { kind: 'external' }>, ConnSet];

function mergeRuns(items: readonly Run[]): Run[] {
  const out: Run[] = [];
  for (const [ext, conns] of items) {
    if (conns.isEmpty()) {
      out.push([ext, conns]);
      continue;
    }
    const last = out[out.length - 1];
    if (
      last &&
      !last[1].isEmpty() &&
      last[1].equals(conns) &&
      last[0].range.family === ext.range.family &&
      last[0].range.to + 1n === ext.range.from
    ) {
      out[out.length - 1] = [
        externalPeer({ family: ext.range.family, from: last[0].range.from, to: ext.range.to }),
        conns,
      ];
    } else {
      out.push([ext, conns]);
    }
  }
  return out.filter(([, c]) => !c.isEmpty());
}

/** netpol-analyzer's connectivity diff: header, then changed, added and removed lines, each sorted. */
export function renderConnlistDiff(report: Report): string {
  const kinds = [
    ['changed', 'changed'],
    ['opened', 'added'],
    ['closed', 'removed'],
  ] as const;
  const lines = kinds.flatMap(([kind, label]) =>
    report.changes
      .filter((c) => c.kind === kind)
      .map((c) => {
        const info = c.workloadsDiff ? `, workloads-diff-info: ${c.workloadsDiff}` : '';
        return {
          key: `${c.source.id}\u0000${c.destination.id}`,
          text: `diff-type: ${label}, source: ${c.source.id}, destination: ${c.destination.id}, ref1: ${c.before}, ref2: ${c.after}${info}`,
        };
      })
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((l) => l.text),
  );
  if (lines.length === 0) return '';
  return ['Connectivity diff:', ...lines].map((l) => `${l}\n`).join('');
}
