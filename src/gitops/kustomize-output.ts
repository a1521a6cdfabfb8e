import { posix } from 'node:path';
import { type Document, isMap, parseAllDocuments, parse as parseYaml } from 'yaml';
import { isRecord } from '../core/decode.js';
import type { DocumentOrigin } from '../manifests/types.js';
import { dirOf } from './graph.js';
import type { ParsedKustomization } from './kustomization.js';
import { matchDoc, originFor, type SourceDoc, type SourceDocs } from './source-docs.js';

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
export const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';

/** Rendered documents as text with the origin of each, in the same order. */
export interface RenderedDocuments {
  readonly text: string;
  readonly origins: DocumentOrigin[];
}

export interface KustomizeOutputContext {
  /** Absolute: the wrapper kustomization's directory, and the materialised repository. */
  readonly wrapperDir: string;
  readonly repoDir: string;
  /** The root's kustomization file: the origin of what the annotations do not place. */
  readonly rootFile: string;
  readonly kustomizations: ReadonlyMap<string, ParsedKustomization>;
  readonly sources: SourceDocs;
}

/** A path from an annotation (relative to the wrapper) as a repository path, or undefined outside it. */
function repoPath(ctx: KustomizeOutputContext, path: unknown): string | undefined {
  if (typeof path !== 'string' || path === '' || posix.isAbsolute(path)) return undefined;
  const resolved = posix.relative(ctx.repoDir, posix.resolve(ctx.wrapperDir, path));
  return resolved === '' || resolved === '..' || resolved.startsWith('../') || posix.isAbsolute(resolved)
    ? undefined
    : resolved;
}

function annotation(doc: Document, key: string): unknown {
  const value = doc.getIn(['metadata', 'annotations', key]);
  if (typeof value !== 'string') return undefined;
  try {
    return parseYaml(value, { maxAliasCount: 10 });
  } catch {
    return undefined;
  }
}

/** Removes what we asked kustomize to add, so it never reads as a real annotation of the object. */
function stripBuildMetadata(doc: Document): void {
  doc.deleteIn(['metadata', 'annotations', ORIGIN_ANNOTATION]);
  doc.deleteIn(['metadata', 'annotations', TRANSFORMATIONS_ANNOTATION]);
  const annotations = doc.getIn(['metadata', 'annotations'], true);
  if (isMap(annotations) && annotations.items.length === 0) doc.deleteIn(['metadata', 'annotations']);
}

/** Kustomization files whose patches touched the object, in the order they were applied. */
function patchingKustomizations(ctx: KustomizeOutputContext, transformations: unknown): string[] {
  if (!Array.isArray(transformations)) return [];
  return transformations.flatMap((t) => {
    if (!isRecord(t) || !isRecord(t.configuredBy)) return [];
    const kind = t.configuredBy.kind;
    const file = repoPath(ctx, t.configuredIn);
    return typeof kind === 'string' && kind.startsWith('Patch') && file ? [file] : [];
  });
}

function patchDocs(
  ctx: KustomizeOutputContext,
  files: readonly string[],
  kind: string,
  name: string,
): SourceDoc[] {
  const out: SourceDoc[] = [];
  for (const file of new Set(files)) {
    const k = ctx.kustomizations.get(dirOf(file));
    for (const patch of k?.patches ?? []) {
      if (patch.targetKind !== undefined && patch.targetKind !== kind) continue;
      if (patch.targetName !== undefined && !name.includes(patch.targetName)) continue;
      const path = posix.normalize(posix.join(dirOf(file), patch.value));
      const doc = matchDoc(ctx.sources.of(path), kind, name);
      if (doc) out.push(doc);
    }
  }
  return out;
}

function originOf(ctx: KustomizeOutputContext, doc: Document): DocumentOrigin {
  const kind = String(doc.get('kind') ?? '');
  const name = String(doc.getIn(['metadata', 'name']) ?? '');
  const origin = annotation(doc, ORIGIN_ANNOTATION);
  const body = isRecord(origin) ? origin : {};
  // `path`: a resource file; `configuredIn`: made by a generator declared in that kustomization.
  const file = repoPath(ctx, body.path) ?? repoPath(ctx, body.configuredIn) ?? ctx.rootFile;
  const original = matchDoc(ctx.sources.of(file), kind, name);
  const patches = patchDocs(
    ctx,
    patchingKustomizations(ctx, annotation(doc, TRANSFORMATIONS_ANNOTATION)),
    kind,
    name,
  );
  return originFor(file, original, patches);
}

/** kustomize's output with build metadata turned into origins and stripped from the objects. */
export function kustomizeDocuments(stdout: string, ctx: KustomizeOutputContext): RenderedDocuments {
  const texts: string[] = [];
  const origins: DocumentOrigin[] = [];
  for (const doc of parseAllDocuments(stdout, { prettyErrors: false }) as Document[]) {
    if (doc.contents === null) continue;
    origins.push(originOf(ctx, doc));
    stripBuildMetadata(doc);
    // Documents after the first carry kustomize's `---`: the join below adds exactly one.
    if (doc.directives) doc.directives.docStart = null;
    texts.push(doc.toString({ lineWidth: 0 }));
  }
  return { text: texts.join('---\n'), origins };
}
