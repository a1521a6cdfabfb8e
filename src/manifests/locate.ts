import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { SourceLocation } from '../core/location.js';
import type { ObjectPath } from './types.js';

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
      const pair = current.items.find((p) => keyMatches(p.key, segment));
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

/** Builds `K8sObject.locate`: keeps the node, resolves the path only when asked. */
export function locator(pos: FilePosition, doc: Document, root: Node): (path: ObjectPath) => SourceLocation {
  return (path) => locationAt(pos, offsetOf(doc, root, path));
}
