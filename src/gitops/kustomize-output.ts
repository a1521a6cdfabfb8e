import { posix } from 'node:path';
import { type Document, isMap, isScalar, type Node, type Pair } from 'yaml';
import { isRecord } from '../core/decode.js';
import type { DocumentOrigin } from '../manifests/types.js';
import { kubeDocumentJson, kubeYamlDocuments, kubeYamlValueOrUndefined } from '../manifests/yaml-read.js';
import { dirOf } from './graph.js';
import type { ParsedKustomization } from './kustomization.js';
import { type PatchLocator, patchLocator } from './patch-locators.js';
import { matchDoc, originFor, type SourceDocs } from './source-docs.js';

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

/** What kustomize wrote into one of its build annotations (itself YAML), `undefined` if unreadable. */
function annotation(json: Record<string, unknown>, key: string): unknown {
  const metadata = isRecord(json.metadata) ? json.metadata : {};
  const value = isRecord(metadata.annotations) ? metadata.annotations[key] : undefined;
  return typeof value === 'string' ? kubeYamlValueOrUndefined(value) : undefined;
}

type Span = readonly [start: number, end: number];

/** The lines a block-map entry takes: from its key's line start to the end of its value's last line. */
function entryLines(text: string, pair: Pair): Span | undefined {
  const key = (pair.key as Node | null)?.range;
  const value = (pair.value as Node | null)?.range ?? key;
  if (!key || !value) return undefined;
  const start = text.lastIndexOf('\n', key[0] - 1) + 1;
  const newline = text.indexOf('\n', Math.max(value[2] - 1, key[0]));
  return [start, newline < 0 ? text.length : newline + 1];
}

function pairOf(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  return (map.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === key);
}

/**
 * The spans of the build annotations we asked kustomize for (and of `annotations:` itself when
 * nothing else is left in it), so they never read as real annotations of the object. Cut from the
 * text rather than re-serialised: printing the document again would rewrite scalars the way the
 * `yaml` package prints them (`010` becomes `10`), and kubectl would read another value. A flow
 * map (kustomize writes block maps) is left as it is: extra annotations change no reachability.
 */
function buildMetadataSpans(text: string, doc: Document): Span[] {
  const metadata = pairOf(doc.contents, 'metadata')?.value;
  const annotations = pairOf(metadata, 'annotations');
  const map = annotations?.value;
  if (!annotations || !isMap(map) || map.flow || (isMap(metadata) && metadata.flow)) return [];
  const ours = (map.items as Pair[]).filter(
    (p) =>
      isScalar(p.key) && (p.key.value === ORIGIN_ANNOTATION || p.key.value === TRANSFORMATIONS_ANNOTATION),
  );
  if (ours.length === 0) return [];
  const whole = ours.length === map.items.length ? entryLines(text, annotations) : undefined;
  const spans = whole ? [whole] : ours.map((p) => entryLines(text, p));
  return spans.filter((s): s is Span => s !== undefined);
}

/** The document's own text (without its `---` line), build annotations cut out. */
function documentText(stdout: string, doc: Document): string {
  const [start, , end] = doc.range ?? [0, 0, stdout.length];
  const spans = buildMetadataSpans(stdout, doc);
  let text = '';
  let at = start;
  for (const [from, to] of spans) {
    text += stdout.slice(at, from);
    at = to;
  }
  text += stdout.slice(at, end);
  const body = text.startsWith('---') ? text.slice(text.indexOf('\n') + 1) : text;
  return body.endsWith('\n') || body === '' ? body : `${body}\n`;
}

/** The kustomization files whose patches touched the object, each with the transformers it ran. */
function patchingKustomizations(
  ctx: KustomizeOutputContext,
  transformations: unknown,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (!Array.isArray(transformations)) return out;
  for (const t of transformations) {
    if (!isRecord(t) || !isRecord(t.configuredBy)) continue;
    const kind = t.configuredBy.kind;
    const file = repoPath(ctx, t.configuredIn);
    if (typeof kind !== 'string' || !kind.startsWith('Patch') || !file) continue;
    out.set(file, (out.get(file) ?? new Set()).add(kind));
  }
  return out;
}

/**
 * Where each patch that touched the object writes, in the order kustomize applied them
 * (kustomizations innermost first, as the annotation lists them; inside one, its own order).
 */
function patchLocators(
  ctx: KustomizeOutputContext,
  by: ReadonlyMap<string, ReadonlySet<string>>,
  object: { readonly kind: string; readonly name: string; readonly rendered: unknown },
): PatchLocator[] {
  const out: PatchLocator[] = [];
  for (const [file, transformers] of by) {
    const k = ctx.kustomizations.get(dirOf(file));
    for (const patch of k?.patches ?? []) {
      if (!transformers.has(patch.transformer)) continue;
      const docs =
        patch.value === undefined
          ? undefined
          : ctx.sources.of(posix.normalize(posix.join(dirOf(file), patch.value)));
      const locator = patchLocator(patch, docs, file, object);
      if (locator) out.push(locator);
    }
  }
  return out;
}

function originOf(ctx: KustomizeOutputContext, json: Record<string, unknown>): DocumentOrigin {
  const kind = String(json.kind ?? '');
  const metadata = isRecord(json.metadata) ? json.metadata : {};
  const name = String(metadata.name ?? '');
  const origin = annotation(json, ORIGIN_ANNOTATION);
  const body = isRecord(origin) ? origin : {};
  // `path`: a resource file; `configuredIn`: made by a generator declared in that kustomization.
  const file = repoPath(ctx, body.path) ?? repoPath(ctx, body.configuredIn) ?? ctx.rootFile;
  const original = matchDoc(ctx.sources.of(file), kind, name);
  const by = patchingKustomizations(ctx, annotation(json, TRANSFORMATIONS_ANNOTATION));
  return originFor(file, original, patchLocators(ctx, by, { kind, name, rendered: json }));
}

/** A document's JSON for finding its origin; one kubectl would refuse is still passed on (and refused there). */
function jsonOf(doc: Document): Record<string, unknown> {
  try {
    const json = kubeDocumentJson(doc);
    return isRecord(json) ? json : {};
  } catch {
    return {};
  }
}

/**
 * kustomize's output with build metadata turned into origins and cut from the objects, read as
 * kubectl will read it (yaml-read.ts); each document's text is passed on as kustomize wrote it.
 */
export function kustomizeDocuments(stdout: string, ctx: KustomizeOutputContext): RenderedDocuments {
  const texts: string[] = [];
  const origins: DocumentOrigin[] = [];
  for (const doc of kubeYamlDocuments(stdout)) {
    if (doc.contents === null) continue;
    origins.push(originOf(ctx, jsonOf(doc)));
    texts.push(documentText(stdout, doc));
  }
  return { text: texts.join('---\n'), origins };
}
