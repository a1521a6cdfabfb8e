import { type Document, LineCounter, type Node } from 'yaml';
import { isRecord } from '../core/decode.js';
import type { AliasBudget } from '../manifests/alias-budget.js';
import { offsetOf } from '../manifests/locate.js';
import type { DocumentOrigin, ObjectPath } from '../manifests/types.js';
import { kubeDocumentJson, kubeYamlDocuments } from '../manifests/yaml-read.js';
import type { PatchLocator } from './patch-locators.js';

/** One document of an original (pre-render) file, to find lines in. */
export interface SourceDoc {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly kind: string | undefined;
  readonly name: string | undefined;
  readonly json: unknown;
}

/** Parses original files once each; files that are not readable YAML have no documents. */
export class SourceDocs {
  private readonly cache = new Map<string, SourceDoc[]>();

  constructor(
    private readonly text: (path: string) => string | undefined,
    private readonly budget?: AliasBudget,
  ) {}

  of(file: string): SourceDoc[] {
    let docs = this.cache.get(file);
    if (!docs) {
      docs = this.parse(file);
      this.cache.set(file, docs);
    }
    return docs;
  }

  private parse(file: string): SourceDoc[] {
    const text = this.text(file);
    return text === undefined ? [] : readSourceDocs(file, text, this.budget);
  }
}

/**
 * The documents of `text`, placed in `file`, read as kustomize reads them (yaml-read.ts), so a
 * patch's paths are the ones it writes; text that is not readable YAML has no documents.
 */
export function readSourceDocs(file: string, text: string, budget?: AliasBudget): SourceDoc[] {
  const lines = new LineCounter();
  try {
    return kubeYamlDocuments(text, lines)
      .filter((doc) => doc.errors.length === 0 && doc.contents !== null)
      .map((doc) => {
        const json = kubeDocumentJson(doc, budget);
        const body = isRecord(json) ? json : {};
        const metadata = isRecord(body.metadata) ? body.metadata : {};
        const kind = typeof body.kind === 'string' ? body.kind : undefined;
        const name = typeof metadata.name === 'string' ? metadata.name : undefined;
        return { file, doc, lines, kind, name, json };
      });
  } catch {
    return [];
  }
}

/**
 * The document of `docs` that is the object `kind`/`name` before rendering: same kind and name,
 * else the longest name contained in the rendered one (namePrefix / nameSuffix add to it).
 */
export function matchDoc(docs: readonly SourceDoc[], kind: string, name: string): SourceDoc | undefined {
  const sameKind = docs.filter((d) => d.kind === kind && d.name !== undefined);
  const exact = sameKind.find((d) => d.name === name);
  if (exact) return exact;
  const contained = sameKind.filter((d) => name.includes(d.name ?? '\u0000'));
  return contained.sort((a, b) => (b.name?.length ?? 0) - (a.name?.length ?? 0))[0];
}

export function lineOf(source: SourceDoc, path: ObjectPath): number {
  const root = source.doc.contents as Node;
  return source.lines.linePos(offsetOf(source.doc, root, path)).line;
}

/** Every patch repeats apiVersion, kind and name to say what it patches: they do not write them. */
function isIdentity(path: ObjectPath): boolean {
  const [first, second] = path;
  return (
    first === undefined ||
    first === 'apiVersion' ||
    first === 'kind' ||
    (first === 'metadata' && (second === undefined || second === 'name'))
  );
}

/**
 * The origin of a rendered object: its first line in the original file, and for a node inside it
 * the last patch that writes that node (patch-locators.ts), else the original file (nearest
 * existing ancestor).
 */
export function originFor(
  file: string,
  original: SourceDoc | undefined,
  patches: readonly PatchLocator[],
): DocumentOrigin {
  const line = original ? lineOf(original, []) : 1;
  const locate = (path: ObjectPath): { file: string; line: number } | undefined => {
    if (!isIdentity(path)) {
      for (const patch of [...patches].reverse()) {
        const at = patch.line(path);
        if (at !== undefined) return { file: patch.file, line: at };
      }
    }
    return original ? { file: original.file, line: lineOf(original, path) } : undefined;
  };
  const metadata = original && isRecord(original.json) ? original.json.metadata : undefined;
  const namespace = isRecord(metadata) ? metadata.namespace : undefined;
  return { file, line, locate, ...(typeof namespace === 'string' ? { sourceNamespace: namespace } : {}) };
}
