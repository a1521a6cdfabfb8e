import { isRecord } from '../core/decode.js';
import type { ObjectPath } from '../manifests/types.js';
import type { PatchRef } from './kustomization.js';
import { lineOf, matchDoc, readSourceDocs, type SourceDoc } from './source-docs.js';

/** Where one patch writes a node of the object it patches, or undefined where it writes nothing. */
export interface PatchLocator {
  readonly file: string;
  line(path: ObjectPath): number | undefined;
}

function hasPath(json: unknown, path: ObjectPath): boolean {
  let node = json;
  for (const segment of path) {
    if (typeof segment === 'number') node = Array.isArray(node) ? node[segment] : undefined;
    else node = isRecord(node) ? node[segment] : undefined;
    if (node === undefined) return false;
  }
  return true;
}

/** A strategic-merge patch writes every node it holds. */
function mergeLocator(doc: SourceDoc, toFile: (line: number) => number): PatchLocator {
  return {
    file: doc.file,
    line: (path) => (hasPath(doc.json, path) ? toFile(lineOf(doc, path)) : undefined),
  };
}

/** `/spec/ingress/0` as segments (RFC 6901: `~1` is `/`, `~0` is `~`). */
function pointer(text: string): string[] | undefined {
  if (!text.startsWith('/')) return undefined;
  return text
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function lengthAt(json: unknown, path: ObjectPath): number | undefined {
  let node = json;
  for (const segment of path)
    node = isRecord(node) || Array.isArray(node) ? (node as never)[segment] : undefined;
  return Array.isArray(node) ? node.length : undefined;
}

/**
 * How far the op's pointer names `path`: the pointer is a prefix of it, or it of the pointer (the
 * op writes inside the node). `-` (append) is the last item of the rendered array. Undefined: apart.
 */
function sharedDepth(at: string[], path: ObjectPath, rendered: unknown): number | undefined {
  const n = Math.min(at.length, path.length);
  for (let i = 0; i < n; i++) {
    const segment = path[i]!;
    const step = at[i]!;
    if (typeof segment === 'number') {
      const last = step === '-' ? (lengthAt(rendered, path.slice(0, i)) ?? 0) - 1 : undefined;
      if (step !== String(segment) && last !== segment) return undefined;
    } else if (step !== segment) return undefined;
  }
  return n;
}

/**
 * A JSON 6902 patch writes what its add / replace / copy / move ops name and everything under it;
 * the last op wins. A remove writes nothing that is still there; a test writes nothing.
 */
function jsonOpsLocator(doc: SourceDoc, rendered: unknown, toFile: (line: number) => number): PatchLocator {
  const ops = Array.isArray(doc.json) ? doc.json : [];
  const line = (path: ObjectPath): number | undefined => {
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i];
      if (!isRecord(op) || typeof op.path !== 'string') continue;
      if (!['add', 'replace', 'copy', 'move'].includes(String(op.op))) continue;
      const at = pointer(op.path);
      const depth = at && sharedDepth(at, path, rendered);
      if (depth === undefined) continue;
      const within = depth === at!.length && 'value' in op;
      return toFile(lineOf(doc, within ? [i, 'value', ...path.slice(depth)] : [i, 'path']));
    }
    return undefined;
  };
  return { file: doc.file, line };
}

/** Does a patch's target (kind, name: a regular expression to kustomize) take the object? */
function targets(patch: PatchRef, kind: string, name: string): boolean {
  if (patch.targetKind !== undefined && patch.targetKind !== kind) return false;
  if (patch.targetName === undefined) return true;
  try {
    return new RegExp(`^(?:${patch.targetName})$`).test(name) || name.includes(patch.targetName);
  } catch {
    return name.includes(patch.targetName);
  }
}

/**
 * The locator of one patch entry for the object `kind`/`name` (rendered JSON `rendered`): its
 * file's documents (`docs`, or its inline text placed in `kustomizationFile`), a list of ops read
 * as JSON 6902, a document as a strategic merge: the one naming the object, else with a target
 * the one of its kind. Undefined when the patch does not take the object.
 */
export function patchLocator(
  patch: PatchRef,
  docs: readonly SourceDoc[] | undefined,
  kustomizationFile: string,
  object: { readonly kind: string; readonly name: string; readonly rendered: unknown },
): PatchLocator | undefined {
  if (!targets(patch, object.kind, object.name)) return undefined;
  const inline = patch.inline;
  // An inline patch's documents are placed as if they were a file: the kustomization.
  const own = docs ?? (inline ? readSourceDocs(kustomizationFile, inline.text) : []);
  const toFile = (line: number) => (!inline ? line : inline.exact ? inline.line + line - 1 : inline.line);
  const first = own[0];
  if (first && Array.isArray(first.json)) {
    if (patch.targetKind === undefined) return undefined;
    return jsonOpsLocator(first, object.rendered, toFile);
  }
  const targeted = patch.targetKind !== undefined || patch.targetName !== undefined;
  const doc =
    matchDoc(own, object.kind, object.name) ??
    (targeted ? own.find((d) => d.kind === object.kind) : undefined);
  return doc ? mergeLocator(doc, toFile) : undefined;
}
