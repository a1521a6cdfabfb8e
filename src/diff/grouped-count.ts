import type { AccessMatrix, SourceGrouping } from '../matrix/matrix.js';
import type { WorkloadPeer } from '../model/peers.js';
import type { ChangeKind } from './changes.js';
import type { JointClass } from './joint-classes.js';

/** A class pair compared (pair-diff.ts): undefined when closed in both revisions or unchanged. */
export type Compare = (src: number, dst: number) => { readonly kind: ChangeKind } | undefined;

/** No destination present in a revision: nothing of the source is read there. */
const ABSENT: SourceGrouping = { namespaces: new Set(), reader: 0, namesAccount: () => false };

/**
 * Counts, by kind, every changed pair of workloads whose source group is at `from` or after, as
 * the per-pair loop of diffMatrices would (the same class pairs, the same `compare`), without
 * comparing every class pair.
 *
 * Per destination, the matrices say which sources they cannot tell apart (SourceGrouping): in a
 * revision where the destination lists its ingress candidates, every other source is closed; where
 * it does not, its ingress answers every source alike, and the source's egress side and L7 client
 * key decide the rest (AccessMatrix.groupKey). So the sources are bucketed once by what the
 * revisions read of them (a key per revision, or "closed" where the destination lists), and per
 * destination one representative per bucket is compared and its bucket counted. The sources of
 * a namespace the destination's L7 policies name are bucketed apart, with their namespace; the
 * ones the key says nothing about (listed candidates, a source whose account those policies name,
 * the destination's own group) are compared one by one. Where a matrix gives no grouping for a
 * destination (an ingress that reads the source without listing it, an admin tier, ...), its
 * sources are compared one by one.
 */
export function countGrouped(
  groups: readonly JointClass[],
  from: number,
  base: AccessMatrix,
  head: AccessMatrix,
  compare: Compare,
  omitted: Record<ChangeKind, number>,
): void {
  const groupOf = new Map<string, number>();
  const byNamespace = new Map<string, number[]>();
  const sources: number[] = [];
  for (let i = from; i < groups.length; i++) {
    const g = groups[i]!;
    if (g.external) continue;
    sources.push(i);
    for (const m of g.members) groupOf.set(m.id, i);
    const ns = (g.members[0] as WorkloadPeer).workload.namespace;
    const list = byNamespace.get(ns);
    if (list) list.push(i);
    else byNamespace.set(ns, [i]);
  }
  // A source's key in a revision: absent there, closed (when the destination lists its
  // candidates, only those listed may be open), or its group key (`named`: as a source of a
  // namespace the destination's L7 policies name).
  const keyOf = (g: JointClass, matrix: AccessMatrix, present: boolean, read: Read) =>
    !present
      ? '-'
      : read === CLOSED
        ? 'c'
        : String(matrix.groupKey!(g.members[0] as WorkloadPeer, read.reader, read.named));
  const partitions = new Map<string, Partition>();
  // By what the destination reads in each revision.
  const partition = (inBase: Read, inHead: Read): Partition => {
    const text = (r: Read) => (r === CLOSED ? 'c' : `${r.reader}${r.named ? 'n' : ''}`);
    const variant = `${text(inBase)},${text(inHead)}`;
    let found = partitions.get(variant);
    if (!found) {
      found = bucketSources(groups, sources, (g) => {
        const b = keyOf(g, base, g.inBase, inBase);
        const h = keyOf(g, head, g.inHead, inHead);
        return `${b},${h},${g.stable > 0 ? 's' : 'u'}`;
      });
      partitions.set(variant, found);
    }
    return found;
  };
  const special = new Uint8Array(groups.length);
  const single = new Uint8Array(groups.length);
  groups.forEach((dstGroup, j) => {
    if (dstGroup.external) return;
    // The class pairs the per-pair loop visits: a stable group meets a stable one unchanged,
    // except itself when it has a single stable member.
    const visited = (i: number) =>
      dstGroup.stable === 0 || groups[i]!.stable === 0 || (i === j && groups[i]!.stable === 1);
    const dst = dstGroup.members[0] as WorkloadPeer;
    const tally = (i: number) => {
      if (!visited(i)) return;
      const c = compare(i, j);
      if (!c) return;
      const g = groups[i]!;
      const size =
        i === j ? g.members.length * (g.members.length - 1) : g.members.length * dstGroup.members.length;
      omitted[c.kind] += size;
    };
    const listed = [listedSources(base, dst, dstGroup.inBase), listedSources(head, dst, dstGroup.inHead)];
    const grouping = [
      dstGroup.inBase ? base.sourceGrouping!(dst) : ABSENT,
      dstGroup.inHead ? head.sourceGrouping!(dst) : ABSENT,
    ];
    if (!grouping[0] || !grouping[1] || listed[0] === undefined || listed[1] === undefined) {
      for (const i of sources) tally(i);
      return;
    }
    // Where the destination is absent or lists its candidates, every other source is closed.
    const closed = [!dstGroup.inBase || listed[0] !== 'all', !dstGroup.inHead || listed[1] !== 'all'];
    const named = grouping.map((g, r) => (closed[r] ? NO_NAMESPACES : g!.namespaces));
    const read = (r: number, inNamed: boolean): Read =>
      closed[r] ? CLOSED : { reader: grouping[r]!.reader, named: inNamed };
    // Kept out of the buckets of the other sources: the destination's own group, its listed
    // candidates, the sources of its named namespaces. Compared one by one: the first two, and
    // the sources whose account a revision's policies name.
    const marked: number[] = [];
    const mark = (i: number | undefined, alone: boolean) => {
      if (i === undefined) return;
      if (!special[i]) {
        special[i] = 1;
        marked.push(i);
      }
      if (alone) single[i] = 1;
    };
    if (j >= from) mark(j, true);
    for (const ids of listed) {
      if (ids !== 'all' && ids !== undefined) for (const id of ids) mark(groupOf.get(id), true);
    }
    const namespaces = new Set([...named[0]!, ...named[1]!]);
    for (const ns of namespaces) {
      for (const i of byNamespace.get(ns) ?? []) {
        const g = groups[i]!;
        const w = g.members[0] as WorkloadPeer;
        const present = [g.inBase, g.inHead];
        const alone = [0, 1].some((r) => present[r] && named[r]!.has(ns) && grouping[r]!.namesAccount(w));
        mark(i, alone);
      }
    }
    for (const i of marked) if (single[i]) tally(i);
    // The other sources, bucketed.
    const p = partition(read(0, false), read(1, false));
    const taken = new Float64Array(p.buckets.length);
    for (const i of marked) taken[p.bucketOf.get(i)!]! += groups[i]!.members.length;
    p.buckets.forEach((bucket, b) => {
      // Stable sources meet a stable destination unchanged (its own group was compared above).
      if (bucket.stable && dstGroup.stable !== 0) return;
      const count = bucket.size - taken[b]!;
      if (count === 0) return;
      const representative = bucket.members.find((i) => !special[i])!;
      const c = compare(representative, j);
      if (c) omitted[c.kind] += count * dstGroup.members.length;
    });
    // The sources of each named namespace not compared one by one, bucketed with their namespace.
    for (const ns of namespaces) {
      const q = partition(read(0, named[0]!.has(ns)), read(1, named[1]!.has(ns)));
      const found = new Map<number, { count: number; representative: number }>();
      for (const i of byNamespace.get(ns) ?? []) {
        const g = groups[i]!;
        if (single[i] || (g.stable > 0 && dstGroup.stable !== 0)) continue;
        const b = q.bucketOf.get(i)!;
        const seen = found.get(b);
        if (seen) seen.count += g.members.length;
        else found.set(b, { count: g.members.length, representative: i });
      }
      for (const { count, representative } of found.values()) {
        const c = compare(representative, j);
        if (c) omitted[c.kind] += count * dstGroup.members.length;
      }
    }
    for (const i of marked) {
      special[i] = 0;
      single[i] = 0;
    }
  });
}

/** What a destination reads of the other sources in a revision (CLOSED: nothing is open). */
type Read = typeof CLOSED | { readonly reader: number; readonly named: boolean };
const CLOSED = 'closed' as const;
const NO_NAMESPACES: ReadonlySet<string> = new Set();

interface Bucket {
  /** Source groups, ascending. */
  readonly members: number[];
  /** Their workloads. */
  size: number;
  readonly stable: boolean;
}

interface Partition {
  readonly buckets: Bucket[];
  readonly bucketOf: Map<number, number>;
}

function bucketSources(
  groups: readonly JointClass[],
  sources: readonly number[],
  key: (g: JointClass) => string,
): Partition {
  const index = new Map<string, number>();
  const buckets: Bucket[] = [];
  const bucketOf = new Map<number, number>();
  for (const i of sources) {
    const g = groups[i]!;
    const k = key(g);
    let b = index.get(k);
    if (b === undefined) {
      b = buckets.length;
      index.set(k, b);
      buckets.push({ members: [], size: 0, stable: g.stable > 0 });
    }
    buckets[b]!.members.push(i);
    buckets[b]!.size += g.members.length;
    bucketOf.set(i, b);
  }
  return { buckets, bucketOf };
}

/**
 * The ids a destination lists as its possible sources in a revision, `all` when it lists none
 * (or is absent there: nothing is read), `undefined` when they cannot be enumerated.
 */
function listedSources(
  matrix: AccessMatrix,
  dst: WorkloadPeer,
  present: boolean,
): 'all' | readonly string[] | undefined {
  if (!present) return 'all';
  const found = matrix.candidates(dst, 'sources');
  if (found === 'all') return 'all';
  return found.listOnce?.() ?? found.list?.();
}
