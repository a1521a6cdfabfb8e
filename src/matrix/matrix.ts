import { digest } from '../core/digest.js';
import type { Candidates, L4Engine } from '../l4/engine-api.js';
import type { L4Cell } from '../l4/verdict.js';
import {
  type ExternalPeer,
  externalPeer,
  type Peer,
  type WorkloadPeer,
  workloadPeer,
} from '../model/peers.js';
import type { ClusterModel, Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { cutAddressSpace, type IpRange } from '../values/ip-range.js';
import { classifyWorkloads, type WorkloadClasses } from './classes.js';
import { l7Cells } from './l7-cells.js';
import { NO_NAMES, type SourceGrouping } from './source-grouping.js';

export type { SourceGrouping } from './source-grouping.js';

/**
 * The layer above L4 (Istio). Kept as an interface so the matrix does not depend on how L7 is
 * computed; `evaluate` only ever sees connections that L4 already allows.
 */
export interface L7Layer<C extends L7CellLike = L7CellLike> {
  signature(workload: Workload): string;
  /** See L4Engine.fingerprint; optional (without it the diff compares every pair). */
  fingerprint?(workload: Workload): string;
  /** What `evaluate` reads of a workload source (L7Engine.sourceFingerprint). Optional. */
  sourceFingerprint?(workload: Workload): string;
  /**
   * What `evaluate(src, dst, ...)` reads of a workload source, as `dst`'s policies distinguish it
   * (L7Engine.sourceKey). Optional: without it a source is keyed by its whole L7 signature.
   */
  sourceKey?(src: Workload, dst: Workload): string;
  /** The same for an external source (L7Engine.externalKey). Optional: without it, keyed by its range. */
  externalKey?(src: ExternalPeer, dst: Workload): string;
  /**
   * `sourceKey` in parts (L7Engine.sourceNamesRead, sourceGroupKey): two sources outside the
   * namespaces named for `dst` with equal group keys for its `patterns` have equal source keys,
   * and so have two sources in them whose accounts it does not name, with `inNamed` keys.
   * Optional (then the matrix offers no SourceGrouping while `sourceKey` is there).
   */
  sourceNamesRead?(dst: Workload): {
    readonly namespaces: ReadonlySet<string>;
    readonly patterns: number;
    namesAccount(src: Workload): boolean;
  };
  sourceGroupKey?(src: Workload, patterns: number, inNamed?: boolean): number;
  evaluate(src: Peer, dst: Workload, l4Allowed: ConnSet): C;
  /**
   * A workload's call to an address outside the cluster (F10: a REGISTRY_ONLY sidecar blackholes
   * what no ServiceEntry registers); `undefined`: L4 alone decides. Optional. Read per class pair,
   * so the source's signature must cover what it reads.
   */
  external?(src: Workload, dst: ExternalPeer, l4Allowed: ConnSet): C | undefined;
}

/** What the matrix needs from an L7 cell: the connections where some request gets through. */
export interface L7CellLike {
  readonly effective: ConnSet;
  /** An Istio policy that applies here could not be understood (L7Cell.uncertain). */
  readonly uncertain?: boolean;
}

/** The verdict for one (source, destination) pair; shared by every pair of the same classes. */
export interface CellVerdict<C extends L7CellLike = L7CellLike> {
  readonly l4: L4Cell;
  /** Absent when there is no L7 layer, or the destination is external and L7Layer.external gives none. */
  readonly l7?: C;
  /** L4 allowed, narrowed by L7 when present. */
  readonly effective: ConnSet;
}

export interface MatrixOptions {
  /** IP boundaries to cut external peers at, in addition to this revision's own (for diffs). */
  readonly extraIpBoundaries?: readonly IpRange[];
}

export interface AccessMatrix<C extends L7CellLike = L7CellLike> {
  readonly revision: string;
  /** Sorted by id. */
  readonly workloads: readonly WorkloadPeer[];
  /** Consecutive ranges covering the address space. */
  readonly externals: readonly ExternalPeer[];
  readonly hasL7: boolean;
  /** Class of a peer: equal classes give equal verdicts. Externals get classes of their own. */
  classOf(peer: Peer): number;
  /** The verdict for a pair (computed once per pair of classes). Never call with src === dst. */
  verdict(src: Peer, dst: Peer): CellVerdict<C>;
  /**
   * `verdict` without keeping it (its L7 cell is still shared): for pairs a caller only counts, so
   * a change to a million pairs does not hold a million verdicts.
   */
  peek(src: Peer, dst: Peer): CellVerdict<C>;
  /**
   * `peek` that keeps no L7 cell it computes either (a bounded transient cache aside): for the
   * diff's counting, which compares millions of pairs nobody asks about again. Optional.
   */
  glance?(src: Peer, dst: Peer): CellVerdict<C>;
  /** The L4 part of `verdict` alone, for checks that need no L7 (cached per pair of classes too). */
  l4Verdict(src: Peer, dst: Peer): L4Cell;
  /** `l4Verdict` without keeping it: for checks that walk every pair once (findings in base). */
  l4Peek(src: Peer, dst: Peer): L4Cell;
  /**
   * Cells computed so far (for the benchmark): the verdicts without an L7 cell, plus the distinct L7
   * cells (one L7 cell serves every class pair of the same L7 classes and L4-allowed connections).
   */
  computedCells(): number;
  /**
   * What a peer's verdicts depend on, comparable with another revision's matrix built with the same
   * options: two pairs whose peers have equal fingerprints in both matrices have equal verdicts.
   * `undefined` when an engine cannot tell (then the pair must be compared).
   */
  fingerprint(peer: Peer): string | undefined;
  /**
   * The part of `fingerprint` the L7 layer reads (the same for every peer when there is none): a
   * pair whose ends have equal L7 fingerprints in both matrices, and equal L4-allowed connections,
   * has equal L7 cells, hence equal effective connections. `asSource`: only what it reads of the
   * peer as the source of a pair toward a workload (L7Layer.sourceFingerprint), which holds the
   * same promise with the destination's whole L7 fingerprint. Optional; `undefined` as `fingerprint`.
   */
  l7Fingerprint?(peer: Peer, asSource?: boolean): string | undefined;
  /**
   * The workloads that may have a non-empty verdict with `peer` as its other end: for `sources`, the
   * workloads `peer`'s ingress may admit; for `destinations`, those its egress may reach. A
   * superset (`verdict` decides); `all` when unknown or unrestricted. Lets the diff skip pairs
   * that NetworkPolicy closes in both revisions without computing them.
   */
  candidates(peer: WorkloadPeer, role: 'sources' | 'destinations'): 'all' | MatrixCandidates;
  /**
   * The reverse of `candidates(d, 'sources')`: the ids of every workload whose ingress may let
   * `peer` in (its source candidates are `all` or hold `peer`), in model order; `all` when the
   * engine cannot tell. Optional; see L4Engine.ingressAdmitting.
   */
  admitting?(peer: WorkloadPeer): 'all' | readonly string[];
  /**
   * For counting many sources toward one workload destination at once (the diff beyond its
   * listing cap); `undefined` when the engines cannot tell (see SourceGrouping). Optional.
   */
  sourceGrouping?(dst: WorkloadPeer): SourceGrouping | undefined;
  /**
   * See SourceGrouping: a number per workload source and SourceGrouping.reader, for the sources
   * outside its `namespaces`, or (`inNamed`) for those in them its `namesAccount` leaves alone.
   */
  groupKey?(src: WorkloadPeer, reader: number, inNamed?: boolean): number;
}

/** Candidate workloads by id (see AccessMatrix.candidates). */
export interface MatrixCandidates {
  has(id: string): boolean;
  /** Every candidate's id (the diff's reverse index reads them); optional for other matrices. */
  list?(): readonly string[];
  /** `list()` without keeping it (for a walk that asks each destination once); optional. */
  listOnce?(): readonly string[];
}

export function buildMatrix<C extends L7CellLike>(
  model: ClusterModel,
  l4: L4Engine,
  l7: L7Layer<C> | undefined,
  options: MatrixOptions = {},
): AccessMatrix<C> {
  const signatures = l7
    ? [(w: Workload) => l4.signature(w), (w: Workload) => l7.signature(w)]
    : [(w: Workload) => l4.signature(w)];
  const classes: WorkloadClasses = classifyWorkloads(model.workloads, signatures);
  const workloads = model.workloads.map(workloadPeer);
  const externals = cutAddressSpace([...l4.ipBoundaries, ...(options.extraIpBoundaries ?? [])]).map(
    externalPeer,
  );
  const workloadClassCount = classes.representatives.length;
  const externalClass = new Map(externals.map((e, i) => [e.id, workloadClassCount + i]));
  const classCount = workloadClassCount + externals.length;
  const cache = new Map<number, CellVerdict<C>>();
  // Asked by the diff and again by findings that share work across revisions.
  const fingerprints = new Map<string, string>();
  const byId = new Map(model.workloads.map((w) => [w.id, w]));
  // The engine answers membership per workload object; the diff asks by id.
  const byIdOf = (found: 'all' | Candidates | undefined): 'all' | MatrixCandidates => {
    if (found === undefined || found === 'all') return 'all';
    return {
      has: (id) => {
        const w = byId.get(id);
        return w !== undefined && found.has(w);
      },
      list: () => found.list().map((w) => w.id),
      listOnce: () => (found.listOnce?.() ?? found.list()).map((w) => w.id),
    };
  };
  const classOf = (peer: Peer): number => {
    const c = peer.kind === 'workload' ? classes.classOf.get(peer.id) : externalClass.get(peer.id);
    if (c === undefined) throw new Error(`peer ${peer.id} is not in the matrix of ${model.revision}`);
    return c;
  };

  /** One key per pair of classes: every pair of those classes shares the verdict. */
  const keyOf = (src: Peer, dst: Peer): number => classOf(src) * classCount + classOf(dst);

  const representative = (peer: Peer): Peer =>
    peer.kind === 'workload' ? workloadPeer(classes.representatives[classOf(peer)]!) : peer;

  const l4Cache = new Map<number, L4Cell>();
  // The last cell computed and not kept: the diff peeks at a pair's L4 cell and, when it differs
  // across revisions, at its whole verdict next (which would compute it again).
  let last: { readonly key: number; readonly cell: L4Cell } | undefined;
  const l4Of = (src: Peer, dst: Peer, key: number, keep = true): L4Cell => {
    let cell = l4Cache.get(key);
    if (cell) return cell;
    cell = last?.key === key ? last.cell : computeL4Cell(l4, representative(src), representative(dst));
    if (keep) l4Cache.set(key, cell);
    else last = { key, cell };
    return cell;
  };

  const l7Classes = l7 ? classifyWorkloads(model.workloads, [(w) => l7.signature(w)]) : undefined;
  const cells = l7 ? l7Cells(l7, l7Classes!) : undefined;
  let l4OnlyCells = 0;

  const compute = (src: Peer, dst: Peer, key: number, keep = true, keepL7 = true): CellVerdict<C> => {
    const l4Cell = l4Of(src, dst, key, keep);
    if (l7?.external && dst.kind === 'external' && src.kind === 'workload' && !l4Cell.allowed.isEmpty()) {
      const cell = l7.external(classes.representatives[classOf(src)]!, dst, l4Cell.allowed);
      if (cell) {
        l4OnlyCells++;
        return { l4: l4Cell, l7: cell, effective: cell.effective.intersect(l4Cell.allowed) };
      }
    }
    if (!l7 || dst.kind !== 'workload' || l4Cell.allowed.isEmpty()) {
      l4OnlyCells++;
      return { l4: l4Cell, effective: l4Cell.allowed };
    }
    const l7Cell = cells!.of(
      representative(src),
      classes.representatives[classOf(dst)]!,
      l4Cell.allowed,
      keepL7,
    );
    return { l4: l4Cell, l7: l7Cell, effective: l7Cell.effective.intersect(l4Cell.allowed) };
  };

  const l7Fingerprints = [new Map<string, string>(), new Map<string, string>()] as const;
  // The layer's part of `fingerprint` (a digest too): without a layer, nothing above L4 to read.
  const l7Fingerprint = (peer: Peer, asSource = false): string | undefined => {
    if (peer.kind === 'external') return peer.id;
    if (!l7) return '';
    const source = asSource && l7.sourceFingerprint !== undefined;
    if (!(source ? l7.sourceFingerprint : l7.fingerprint)) return undefined;
    const memo = l7Fingerprints[source ? 1 : 0];
    let found = memo.get(peer.id);
    if (found === undefined) {
      const w = peer.workload;
      found = digest(source ? l7.sourceFingerprint!(w) : l7.fingerprint!(w));
      memo.set(peer.id, found);
    }
    return found;
  };

  // Per class: the sources of a class are the same to every selector.
  const admittingByClass = new Map<number, readonly string[]>();
  const groupKeys: Map<number, number>[] = [];

  return {
    revision: model.revision,
    workloads,
    externals,
    hasL7: l7 !== undefined,
    classOf,
    verdict(src, dst) {
      const key = keyOf(src, dst);
      let v = cache.get(key);
      if (!v) {
        v = compute(src, dst, key);
        cache.set(key, v);
      }
      return v;
    },
    peek(src, dst) {
      const key = keyOf(src, dst);
      return cache.get(key) ?? compute(src, dst, key, false);
    },
    glance(src, dst) {
      const key = keyOf(src, dst);
      return cache.get(key) ?? compute(src, dst, key, false, false);
    },
    // Every verdict's L4 part is in l4Cache too.
    l4Verdict: (src, dst) => l4Of(src, dst, keyOf(src, dst)),
    l4Peek: (src, dst) => l4Of(src, dst, keyOf(src, dst), false),
    computedCells: () => l4OnlyCells + (cells?.computed() ?? 0),
    fingerprint(peer) {
      // External peers: the verdicts depend only on the range and on the other end.
      if (peer.kind === 'external') return peer.id;
      if (!l4.fingerprint || (l7 && !l7.fingerprint)) return undefined;
      let found = fingerprints.get(peer.id);
      if (found === undefined) {
        // Kept for the whole run and compared often: a digest, not the text.
        found = digest(`${l4.fingerprint(peer.workload)}\u0000${l7Fingerprint(peer) ?? ''}`);
        fingerprints.set(peer.id, found);
      }
      return found;
    },
    l7Fingerprint,
    candidates(peer, role) {
      // Candidates follow the policies that select a workload, which its class decides.
      const w = classes.representatives[classOf(peer)]!;
      return byIdOf(role === 'sources' ? l4.ingressCandidates?.(w) : l4.egressCandidates?.(w));
    },
    admitting(peer) {
      if (!l4.ingressAdmitting) return 'all';
      const c = classOf(peer);
      let found = admittingByClass.get(c);
      if (!found) {
        found = l4.ingressAdmitting(classes.representatives[c]!).map((w) => w.id);
        admittingByClass.set(c, found);
      }
      return found;
    },
    sourceGrouping(dst) {
      const d = classes.representatives[classOf(dst)]!;
      if (!l4.egressGroup || !l4.ingressReadsSource) return undefined;
      if (l4.ingressReadsSource(d)) {
        const found = l4.ingressCandidates?.(d);
        if (found === undefined || found === 'all') return undefined;
      }
      if (!l7?.sourceKey) return NO_NAMES;
      if (!l7.sourceNamesRead || !l7.sourceGroupKey) return undefined;
      const read = l7.sourceNamesRead(d);
      // The source's L7 key is read of its class representative (l7-cells.ts), which shares its account.
      const namesAccount = (src: WorkloadPeer) => read.namesAccount(classes.representatives[classOf(src)]!);
      return { namespaces: read.namespaces, reader: read.patterns, namesAccount };
    },
    groupKey(src, reader, inNamed = false) {
      const c = classOf(src);
      const slot = reader * 2 + (inNamed ? 1 : 0);
      groupKeys[slot] ??= new Map();
      const memo = groupKeys[slot]!;
      let key = memo.get(c);
      if (key === undefined) {
        const w = classes.representatives[c]!;
        // What compute reads of the source: its egress side (L4), and l7-cells.ts's source key outside the
        // named namespaces (sourceGroupKey), or its L7 class without sourceKey.
        const l7Part = !l7
          ? 0
          : l7.sourceKey
            ? l7.sourceGroupKey!(w, reader, inNamed)
            : l7Classes!.classOf.get(w.id)!;
        key = (l4.egressGroup?.(w) ?? c) * 2 ** 32 + l7Part;
        memo.set(c, key);
      }
      return key;
    },
  };
}

function computeL4Cell(l4: L4Engine, src: Peer, dst: Peer): L4Cell {
  const egress = src.kind === 'workload' ? l4.egress(src.workload, dst) : null;
  const ingress = dst.kind === 'workload' ? l4.ingress(dst.workload, src) : null;
  const allowed = (egress?.allowed ?? ConnSet.all).intersect(ingress?.allowed ?? ConnSet.all);
  return { allowed, egress, ingress };
}
