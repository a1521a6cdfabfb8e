import { compareDiagnostics, type Diagnostic, isIncomplete } from '../core/diagnostics.js';
import type { PairExplanation } from '../diff/explain-pair.js';
import type { OutsideSource } from '../diff/exposure.js';
import { changeKind, type PairDiff } from '../diff/pair-diff.js';
import type { L7CellLike } from '../matrix/matrix.js';
import { externalPeer, type Peer } from '../model/peers.js';
import { compareRanges, type IpRange } from '../values/ip-range.js';
import type { ChangeKind, Finding, Layer, PathChange, PeerInfo, Report, RevisionInfo } from './types.js';
import { VERSION } from './version.js';

export interface ReportInput<C extends L7CellLike = L7CellLike> {
  readonly base: RevisionInfo;
  readonly head: RevisionInfo;
  readonly layer: Layer;
  readonly pairs: readonly PairDiff<C>[];
  /** Pairs that changed but are not listed (see MatrixDiff.omitted). */
  readonly omitted?: Readonly<Record<ChangeKind, number>>;
  readonly baseWorkloads: readonly string[];
  readonly headWorkloads: readonly string[];
  readonly findings: readonly Finding[];
  readonly diagnostics: readonly Diagnostic[];
  /** Causes, uncertainty and L7 scopes of a pair that changed, decided and worded by the diff. */
  readonly explain: (pair: PairDiff<C>) => PairExplanation;
  /**
   * How a pair's source is outside the cluster, when the caller knows more than the peers say: a
   * gateway hop (reported with its `ingress` source), or an external source reaching a workload a
   * NodePort/LoadBalancer Service exposes. Without it an external source is `address`.
   */
  readonly outside?: (pair: PairDiff<C>) => OutsideSource | undefined;
  /** The destination to report instead of the pair's, for a ServiceEntry host (`api.stripe.com:443/TLS`). */
  readonly destination?: (pair: PairDiff<C>) => PeerInfo | undefined;
}

export function buildReport<C extends L7CellLike>(input: ReportInput<C>): Report {
  const baseSet = new Set(input.baseWorkloads);
  const headSet = new Set(input.headWorkloads);
  const added = input.headWorkloads.filter((w) => !baseSet.has(w)).sort();
  const removed = input.baseWorkloads.filter((w) => !headSet.has(w)).sort();
  const changes = mergeExternalRanges(
    input.pairs.map((p) => toRangedChange(p, baseSet, headSet, input)),
  ).sort(compareChanges);
  const diagnostics = [...input.diagnostics].sort(compareDiagnostics);
  const omitted =
    input.omitted && Object.values(input.omitted).some((n) => n > 0) ? input.omitted : undefined;
  const count = (k: ChangeKind) => changes.filter((c) => c.kind === k).length + (omitted?.[k] ?? 0);
  const findingCount = (s: Finding['status']) => input.findings.filter((f) => f.status === s).length;
  return {
    tool: { name: 'policy-diff', version: VERSION },
    base: input.base,
    head: input.head,
    layer: input.layer,
    summary: {
      opened: count('opened'),
      closed: count('closed'),
      changed: count('changed'),
      workloadsAdded: added.length,
      workloadsRemoved: removed.length,
      findings: {
        new: findingCount('new'),
        fixed: findingCount('fixed'),
        existing: findingCount('existing'),
        accepted: findingCount('accepted'),
      },
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    },
    changes,
    ...(omitted ? { omitted } : {}),
    workloads: { added, removed },
    findings: input.findings,
    diagnostics,
    incomplete: isIncomplete(diagnostics),
  };
}

/** A change with the external range it concerns, before ranges are merged. */
interface RangedChange {
  readonly change: PathChange;
  readonly external?: { readonly range: IpRange; readonly side: 'source' | 'destination' };
}

/**
 * Consecutive external ranges that changed in exactly the same way (connections and causes) for
 * the same workload are reported as one range, as netpol-analyzer's diff does:
 * `0.0.0.0-255.255.255.255` is one line, not one per ipBlock boundary.
 */
function mergeExternalRanges(items: readonly RangedChange[]): PathChange[] {
  const out: PathChange[] = [];
  const runs = new Map<string, RangedChange[]>();
  for (const item of items) {
    if (!item.external) {
      out.push(item.change);
      continue;
    }
    const other = item.external.side === 'source' ? item.change.destination : item.change.source;
    const key = `${item.external.side}|${other.id}|${item.external.range.family}`;
    const run = runs.get(key);
    if (run) run.push(item);
    else runs.set(key, [item]);
  }
  for (const run of runs.values()) {
    run.sort((a, b) => compareRanges(a.external!.range, b.external!.range));
    let current: { item: RangedChange; range: IpRange } | undefined;
    const flush = () => {
      if (current) out.push(withExternal(current.item, current.range));
    };
    for (const item of run) {
      const r = item.external!.range;
      if (current && r.from === current.range.to + 1n && sameExceptPeers(current.item.change, item.change)) {
        current = { item: current.item, range: { ...current.range, to: r.to } };
        continue;
      }
      flush();
      current = { item, range: r };
    }
    flush();
  }
  return out;
}

function withExternal(item: RangedChange, range: IpRange): PathChange {
  const peer = peerInfo(externalPeer(range));
  return item.external!.side === 'source'
    ? { ...item.change, source: peer }
    : { ...item.change, destination: peer };
}

function sameExceptPeers(a: PathChange, b: PathChange): boolean {
  const strip = (c: PathChange) => JSON.stringify({ ...c, source: null, destination: null });
  return strip(a) === strip(b);
}

function toRangedChange<C extends L7CellLike>(
  pair: PairDiff<C>,
  baseSet: ReadonlySet<string>,
  headSet: ReadonlySet<string>,
  input: Pick<ReportInput<C>, 'explain' | 'outside' | 'destination'>,
): RangedChange {
  const added = pair.afterConns.subtract(pair.beforeConns);
  const removed = pair.beforeConns.subtract(pair.afterConns);
  const kind = changeKind(pair.beforeConns, pair.afterConns);
  const why = input.explain(pair);
  const host = input.destination?.(pair);
  const outside =
    input.outside?.(pair) ?? (pair.src.kind === 'external' ? { exposure: 'address' as const } : undefined);
  // A gateway hop's source is reported as its ingress peer: only the backend can be added or removed.
  const ends = outside?.source ? [pair.dst] : [pair.src, pair.dst];
  const workloadsDiff = workloadsDiffInfo(ends, baseSet, headSet);
  const change: PathChange = {
    kind,
    source: outside?.source ?? peerInfo(pair.src),
    destination: host ?? peerInfo(pair.dst),
    before: pair.beforeConns.toString(),
    after: pair.afterConns.toString(),
    added: added.isEmpty() ? '' : added.toString(),
    removed: removed.isEmpty() ? '' : removed.toString(),
    causes: [...why.causes],
    uncertain: why.uncertain,
    ...(why.uncertainBecause ? { uncertainBecause: [...why.uncertainBecause] } : {}),
    ...(workloadsDiff ? { workloadsDiff } : {}),
    ...(why.scopes ? { l7Before: why.scopes.before, l7After: why.scopes.after } : {}),
    ...(why.l7Change ? { l7Change: why.l7Change } : {}),
    ...(outside ? { fromOutside: outside.exposure } : {}),
  };
  if (pair.src.kind === 'external') return { change, external: { range: pair.src.range, side: 'source' } };
  // A host is no address range: nothing to merge.
  if (pair.dst.kind === 'external' && !host)
    return { change, external: { range: pair.dst.range, side: 'destination' } };
  return { change };
}

/** netpol-analyzer's `workloads-diff-info`: `workload a added`, `workload a and b added`, `... removed`. */
function workloadsDiffInfo(
  ends: readonly Peer[],
  baseSet: ReadonlySet<string>,
  headSet: ReadonlySet<string>,
): string | undefined {
  for (const verb of ['added', 'removed'] as const) {
    const isNew = (p: Peer) =>
      p.kind === 'workload' && (verb === 'added' ? !baseSet.has(p.id) : !headSet.has(p.id));
    const ids = ends.filter(isNew).map((p) => p.id);
    if (ids.length > 0) return `workload ${ids.join(' and ')} ${verb}`;
  }
  return undefined;
}

function peerInfo(p: Peer): PeerInfo {
  return p.kind === 'workload'
    ? { id: p.id, kind: 'workload', namespace: p.workload.namespace }
    : { id: p.id, kind: 'external' };
}

/** By destination namespace (external destinations last), destination, then source. */
export function compareChanges(a: PathChange, b: PathChange): number {
  const ns = (c: PathChange) => (c.destination.namespace === undefined ? '\uffff' : c.destination.namespace);
  return cmp(ns(a), ns(b)) || cmp(a.destination.id, b.destination.id) || cmp(a.source.id, b.source.id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
