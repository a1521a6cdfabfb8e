import { type Document, isAlias, isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { SourceLocation } from '../core/location.js';
import { isAliasFree } from './fast-yaml.js';
import type { ObjectPath } from './types.js';
import { isMergeKey } from './yaml-schema.js';

/** Turns an offset into a 1-based line and column: a `yaml` LineCounter, or its packed copy (PackedLines). */
export interface LinePositions {
  readonly lineStarts: ArrayLike<number>;
  linePos(offset: number): { line: number; col: number };
}

/**
 * A LineCounter's line starts, packed once the file is read: every object's `locate` keeps its
 * file's lines for the whole run, and a LineCounter's array (grown by push, 8 bytes a line and
 * room to spare) with its two closures weighed about three times this at L (14 k files).
 * `linePos` is the LineCounter's own search (yaml/dist/parse/line-counter.js), so locations are
 * unchanged; test/manifests/locate.test.ts compares the two on random texts.
 */
export class PackedLines implements LinePositions {
  constructor(readonly lineStarts: Int32Array) {}

  static of(lines: LinePositions): PackedLines {
    return lines instanceof PackedLines ? lines : new PackedLines(Int32Array.from(lines.lineStarts));
  }

  linePos(offset: number): { line: number; col: number } {
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (starts[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    if (starts[low] === offset) return { line: low + 1, col: 1 };
    if (low === 0) return { line: 0, col: offset };
    return { line: low, col: offset - starts[low - 1]! + 1 };
  }
}

/** Everything needed to turn a byte offset of one file into a `SourceLocation`. */
export interface FilePosition {
  readonly revision: string;
  readonly file: string;
  readonly lineCounter: LinePositions;
}

export function locationAt(pos: FilePosition, offset: number): SourceLocation {
  const { line, col } = pos.lineCounter.linePos(offset);
  return { revision: pos.revision, file: pos.file, line, column: col };
}

/** Follows aliases so a path through an anchor still lands on real content. */
function deref(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function keyMatches(key: unknown, segment: string | number): boolean {
  return isScalar(key) ? String(key.value) === String(segment) : false;
}

/** The maps a `<<` entry merges in, in the order go-yaml v2 applies them (a list: last first). */
function mergeSources(doc: Document, value: unknown): YAMLMap[] {
  const items = isSeq(value) ? [...value.items].reverse() : [value];
  return items.map((item) => deref(doc, item)).filter((m): m is YAMLMap => isMap(m));
}

/**
 * The pairs of a map as kubectl applies them: merged pairs in place of their `<<` key. A key
 * applied later wins, so the last pair of a key is the one a path goes through.
 */
function appliedPairs(doc: Document, map: YAMLMap, seen = new Set<YAMLMap>()): Pair[] {
  // Without a merge key (most maps) the pairs are the map's own: no copy.
  if (!(map.items as Pair[]).some((pair) => isMergeKey(pair.key))) return map.items as Pair[];
  if (seen.has(map)) return [];
  seen.add(map);
  const out: Pair[] = [];
  for (const pair of map.items as Pair[]) {
    if (!isMergeKey(pair.key)) out.push(pair);
    else for (const source of mergeSources(doc, pair.value)) out.push(...appliedPairs(doc, source, seen));
  }
  seen.delete(map);
  return out;
}

/**
 * Offset of the node at `path` under `root`, or of the nearest ancestor that exists. A map entry is
 * located at its key (`ingress:` is where a reviewer looks), a sequence item at the item itself.
 */
export function offsetOf(doc: Document, root: Node, path: ObjectPath): number {
  let node: unknown = root;
  let offset = root.range?.[0] ?? 0;
  for (const segment of path) {
    const current = deref(doc, node);
    if (isMap(current)) {
      const pair = appliedPairs(doc, current).findLast((p) => keyMatches(p.key, segment));
      if (!pair) return offset;
      const key = pair.key as Node | null;
      offset = key?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(current) && typeof segment === 'number') {
      const item: unknown = current.items[segment];
      if (!item) return offset;
      const itemNode = deref(doc, item) as Node;
      offset = (item as Node).range?.[0] ?? itemNode.range?.[0] ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

/**
 * Where the entries of a document's collections start: what `locate` needs of a document, without
 * its YAML nodes (a parsed Document weighs several times its JSON, and objects live for the whole
 * run). Packed flat, since every object of the repository keeps one: a tree of small arrays weighed
 * about six times the object's JSON, which made positions most of what a big repository keeps in
 * memory after parsing (the XL benchmark ran out of heap on them).
 *
 * `data` holds the collections depth first, the document's root first: `kind` (0 map, 1 sequence),
 * `n`, then `n` entries of three ints: the key's index in `keys` (-1: a sequence item, or a key that
 * is no scalar and so never matches a path segment), the offset of the key (map) or item
 * (sequence), -1 when it has no range, and where its value's collection starts in `data` (-1: a
 * scalar). An alias points at its anchor's collection.
 */
export interface Positions {
  /** Key texts; shared by every object a thread reads (see KEYS). */
  readonly keys: readonly string[];
  readonly data: Int32Array;
}

/** One table of key texts per thread: the same few keys (metadata, labels, spec...) recur everywhere. */
const KEYS: string[] = [];
const KEY_INDEX = new Map<string, number>();

function keyIndex(text: string): number {
  let index = KEY_INDEX.get(text);
  if (index === undefined) {
    index = KEYS.length;
    KEYS.push(text);
    KEY_INDEX.set(text, index);
  }
  return index;
}

/**
 * Records the offsets `offsetOf` would find, once. An alias shares its anchor's record, so a path
 * through an alias lands on the anchored content, and a document full of aliases costs no more than
 * its anchors. `undefined` when the root is no collection.
 */
function positionsOf(doc: Document, root: unknown, aliasFree: boolean): Positions | undefined {
  const data: number[] = [];
  // Records by node, for aliases; none when the document has none (no node is reached twice).
  const seen = aliasFree ? undefined : new Map<unknown, number>();
  const visit = (node: unknown): number => {
    const current = deref(doc, node);
    // Only collections are recorded (a scalar has no positions): no look-up for the many scalars.
    if (isScalar(current)) return -1;
    const known = seen?.get(current);
    if (known !== undefined) return known;
    if (isMap(current)) {
      const pairs = appliedPairs(doc, current);
      const at = collection(0, pairs.length);
      pairs.forEach((pair, i) => {
        const key = pair.key as Node | null;
        data[at + 2 + 3 * i] = isScalar(key) ? keyIndex(String(key.value)) : -1;
        data[at + 3 + 3 * i] = key?.range?.[0] ?? -1;
        data[at + 4 + 3 * i] = visit(pair.value);
      });
      return at;
    }
    if (isSeq(current)) {
      const items = current.items;
      const at = collection(1, items.length);
      items.forEach((item, i) => {
        data[at + 3 + 3 * i] =
          (item as Node | null)?.range?.[0] ?? (deref(doc, item) as Node | null)?.range?.[0] ?? -1;
        data[at + 4 + 3 * i] = visit(item);
      });
      return at;
    }
    return -1;
    /** Reserves a collection of `n` entries (keys -1) and registers it before its children (aliases). */
    function collection(kind: 0 | 1, n: number): number {
      const at = data.length;
      data.push(kind, n);
      for (let i = 0; i < n; i++) data.push(-1, -1, -1);
      seen?.set(current, at);
      return at;
    }
  };
  return visit(root) < 0 ? undefined : { keys: KEYS, data: Int32Array.from(data) };
}

/** `offsetOf` over recorded positions (-1: an entry without a range keeps its parent's offset). */
function offsetIn(start: number, positions: Positions | undefined, path: ObjectPath): number {
  let offset = start;
  if (!positions) return offset;
  const { keys, data } = positions;
  let node = 0;
  for (const segment of path) {
    if (node < 0) return offset;
    const n = data[node + 1]!;
    let index = -1;
    if (data[node] === 0) {
      // The last pair of a key is the one kubectl applies.
      const text = String(segment);
      for (let i = n - 1; i >= 0; i--) {
        const k = data[node + 2 + 3 * i]!;
        if (k >= 0 && keys[k] === text) {
          index = i;
          break;
        }
      }
    } else if (typeof segment === 'number' && segment < n) {
      index = segment;
    } else {
      return offset;
    }
    if (index < 0) return offset;
    const at = data[node + 3 + 3 * index]!;
    if (at >= 0) offset = at;
    node = data[node + 4 + 3 * index]!;
  }
  return offset;
}

/**
 * What a locator needs, as plain data: it survives structured cloning, so objects parsed in a worker
 * thread keep their `locate` (see parse-pool.ts).
 */
export interface LocatorData {
  readonly revision: string;
  readonly file: string;
  /** The file's line starts (shared by every object of the file: PackedLines.lineStarts). */
  readonly lineStarts: ArrayLike<number>;
  readonly start: number;
  readonly positions: Positions | undefined;
}

const locatorData = new WeakMap<object, LocatorData>();

/** Builds `K8sObject.locate`: records the object's positions now and keeps nothing of the document. */
export function locator(pos: FilePosition, doc: Document, root: Node): (path: ObjectPath) => SourceLocation {
  const start = root.range?.[0] ?? 0;
  const positions = positionsOf(doc, root, isAliasFree(doc));
  const locate = (path: ObjectPath) => locationAt(pos, offsetIn(start, positions, path));
  locatorData.set(locate, {
    revision: pos.revision,
    file: pos.file,
    lineStarts: pos.lineCounter.lineStarts,
    start,
    positions,
  });
  return locate;
}

/** The data behind a locator made by `locator` or `locatorFrom`; `undefined` for any other function. */
export function dataOf(locate: (path: ObjectPath) => SourceLocation): LocatorData | undefined {
  return locatorData.get(locate);
}

/** A locator from its data (lineStarts of one file are turned into one PackedLines per array). */
export function locatorFrom(
  data: LocatorData,
  counters: WeakMap<object, LinePositions>,
): (path: ObjectPath) => SourceLocation {
  let lineCounter = counters.get(data.lineStarts);
  if (!lineCounter) {
    // Cloned from a worker, the packed starts are an Int32Array already: kept, not copied.
    const starts = data.lineStarts;
    lineCounter = new PackedLines(starts instanceof Int32Array ? starts : Int32Array.from(starts));
    counters.set(data.lineStarts, lineCounter);
  }
  const pos: FilePosition = { revision: data.revision, file: data.file, lineCounter };
  const locate = (path: ObjectPath) => locationAt(pos, offsetIn(data.start, data.positions, path));
  locatorData.set(locate, data);
  return locate;
}
