import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { SourceLocation } from '../core/location.js';
import { isAliasFree } from './fast-yaml.js';
import type { ObjectPath } from './types.js';
import { isMergeKey } from './yaml-schema.js';

/** Everything needed to turn a byte offset of one file into a `SourceLocation`. */
export interface FilePosition {
  readonly revision: string;
  readonly file: string;
  readonly lineCounter: LineCounter;
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
 * Where the entries of one YAML collection start: what `locate` needs of a document, without its
 * YAML nodes (a parsed Document weighs several times its JSON, and objects live for the whole run).
 */
export interface Positions {
  /** Map: each entry's key as text (a non-scalar key never matches a path segment). */
  readonly keys?: readonly (string | undefined)[];
  /** Map: offset of each entry's key; sequence: offset of each item. */
  readonly offsets: readonly number[];
  /** Positions of each entry's value when it is a collection. */
  readonly children: readonly (Positions | undefined)[];
}

/**
 * Records the offsets `offsetOf` would find, once. An alias shares its anchor's record, so a path
 * through an alias lands on the anchored content, and a document full of aliases costs no more than
 * its anchors.
 */
function positionsOf(
  doc: Document,
  node: unknown,
  /** Records by node, for aliases; undefined when the document has none (no node is reached twice). */
  seen: Map<unknown, Positions | undefined> | undefined,
): Positions | undefined {
  const current = deref(doc, node);
  // Only collections are recorded (a scalar has no positions): no look-up for the many scalars.
  if (isScalar(current)) return undefined;
  if (seen?.has(current)) return seen.get(current);
  if (isMap(current)) {
    const keys: (string | undefined)[] = [];
    const offsets: number[] = [];
    const children: (Positions | undefined)[] = [];
    const out: Positions = { keys, offsets, children };
    seen?.set(current, out);
    for (const pair of appliedPairs(doc, current)) {
      const key = pair.key as Node | null;
      keys.push(isScalar(key) ? String(key.value) : undefined);
      offsets.push(key?.range?.[0] ?? -1);
      children.push(positionsOf(doc, pair.value, seen));
    }
    return out;
  }
  if (isSeq(current)) {
    const offsets: number[] = [];
    const children: (Positions | undefined)[] = [];
    const out: Positions = { offsets, children };
    seen?.set(current, out);
    for (const item of current.items) {
      offsets.push((item as Node | null)?.range?.[0] ?? (deref(doc, item) as Node | null)?.range?.[0] ?? -1);
      children.push(positionsOf(doc, item, seen));
    }
    return out;
  }
  return undefined;
}

/** `offsetOf` over recorded positions (-1: an entry without a range keeps its parent's offset). */
function offsetIn(start: number, root: Positions | undefined, path: ObjectPath): number {
  let offset = start;
  let node = root;
  for (const segment of path) {
    if (!node) return offset;
    let index: number;
    if (node.keys) {
      index = node.keys.lastIndexOf(String(segment));
    } else if (typeof segment === 'number' && segment < node.offsets.length) {
      index = segment;
    } else {
      return offset;
    }
    if (index < 0) return offset;
    const at = node.offsets[index]!;
    if (at >= 0) offset = at;
    node = node.children[index];
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
  /** The file's LineCounter.lineStarts (shared by every object of the file). */
  readonly lineStarts: readonly number[];
  readonly start: number;
  readonly positions: Positions | undefined;
}

const locatorData = new WeakMap<object, LocatorData>();

/** Builds `K8sObject.locate`: records the object's positions now and keeps nothing of the document. */
export function locator(pos: FilePosition, doc: Document, root: Node): (path: ObjectPath) => SourceLocation {
  const start = root.range?.[0] ?? 0;
  const positions = positionsOf(doc, root, isAliasFree(doc) ? undefined : new Map());
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

/** A locator from its data (lineStarts of one file are turned into one LineCounter per array). */
export function locatorFrom(
  data: LocatorData,
  counters: WeakMap<object, LineCounter>,
): (path: ObjectPath) => SourceLocation {
  let lineCounter = counters.get(data.lineStarts);
  if (!lineCounter) {
    lineCounter = new LineCounter();
    for (const offset of data.lineStarts) lineCounter.addNewLine(offset);
    counters.set(data.lineStarts, lineCounter);
  }
  const pos: FilePosition = { revision: data.revision, file: data.file, lineCounter };
  const locate = (path: ObjectPath) => locationAt(pos, offsetIn(data.start, data.positions, path));
  locatorData.set(locate, data);
  return locate;
}
