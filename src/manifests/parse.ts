import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  type YAMLError,
} from 'yaml';
import { isRecord } from '../core/decode.js';
import { type Diagnostic, REACH_ALL } from '../core/diagnostics.js';
import { boundDiagnostic } from './bound-text.js';
import { fastDocuments } from './fast-yaml.js';
import { normaliseLabelMaps } from './labels.js';
import { type FilePosition, locationAt, locator, PackedLines } from './locate.js';
import { effectiveNamespace } from './namespace.js';
import { missingTypeError, type ObjectSource, toK8sObject } from './object.js';
import { relocateRendered } from './rendered.js';
import { isHelmTemplate, isKustomizationFile, isKustomizeKind } from './skip.js';
import {
  HELM_VALUES_API,
  HELM_VALUES_KIND,
  type K8sObject,
  type RenderedOrigins,
  type SourceFile,
} from './types.js';
import { KubeJsonError, toKubeJson } from './yaml-json.js';
import { KUBE_YAML } from './yaml-schema.js';

export interface ParsedFile {
  objects: K8sObject[];
  diagnostics: Diagnostic[];
  /** Values of the kept documents that come from alias and merge expansion (the run's budget). */
  aliased?: number;
}

/** Syntax errors reported per document; the rest add nothing a reader can act on. */
const MAX_ERRORS_PER_DOCUMENT = 5;

interface DocContext {
  readonly pos: FilePosition;
  readonly doc: Document;
  /** `document 3 of deploy/netpol.yaml`, what an error drops. */
  readonly label: string;
  readonly out: ParsedFile;
}

function note(ctx: DocContext, code: string, message: string, offset: number): void {
  ctx.out.diagnostics.push({ severity: 'note', code, message, location: locationAt(ctx.pos, offset) });
}

function docOffset(doc: Document): number {
  return (doc.contents as Node | null)?.range?.[0] ?? doc.range?.[0] ?? 0;
}

/** A message quoting user text is cut: a huge scalar must not become a huge report line. */
const MAX_MESSAGE = 200;

function cut(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 3)}...` : message;
}

function plainMessage(err: YAMLError): string {
  // yaml catches its own stack overflow on absurdly deep nesting; say what it means.
  return /call stack/i.test(err.message) ? 'nested too deeply to read' : cut(err.message);
}

/**
 * A document that does not parse has no reach narrower than `all` (no `reach`: an error fails
 * closed), whatever pins the namespaces around it. The document is what is unknown, and it could
 * be anything: its own `metadata.namespace` overrides the file's neighbours and any path
 * convention; a cluster-scoped kind (AdminNetworkPolicy, BaselineAdminNetworkPolicy) or a
 * Namespace (whose labels namespaceSelectors elsewhere read) has no namespace to pin; an Istio
 * object in the root namespace acts mesh-wide. Even the text before the error proves nothing: a
 * later duplicate `metadata:` or `kind:` would replace it (go-yaml keeps the last). Inside a
 * kustomize root a broken file fails the whole render, and kustomize's `namespace:` leaves
 * cluster-scoped kinds alone, so that is no proof either (render-root.ts keeps `all` too).
 */
function syntaxErrors(ctx: DocContext, errors: readonly YAMLError[]): void {
  for (const err of errors.slice(0, MAX_ERRORS_PER_DOCUMENT)) {
    const duplicate = err.code === 'DUPLICATE_KEY';
    ctx.out.diagnostics.push({
      severity: 'error',
      code: duplicate ? 'duplicate-key' : 'yaml-syntax',
      // prettyErrors is off (it can exhaust memory on hostile input), so the message is plain already.
      // go-yaml v2 (kubectl) keeps the last value; kubectl --validate=strict, kustomize and others
      // may refuse the file or keep another: what the cluster gets is not known, so fail closed.
      message: duplicate
        ? 'duplicate key in a mapping: kubectl keeps the last value, stricter tools refuse the file; which one the cluster gets is unknown'
        : plainMessage(err),
      location: locationAt(ctx.pos, err.pos[0]),
      dropped: ctx.label,
    });
  }
}

/**
 * Converts to the JSON kubectl would send (yaml-json.ts); what kubectl refuses, an alias bomb
 * beyond go-yaml's own budget included, becomes an error for the document, which nothing of the
 * document survives, so any pair may be affected.
 */
function toJson(ctx: DocContext): { ok: true; value: unknown } | { ok: false } {
  try {
    const { value, aliased } = toKubeJson(ctx.doc);
    if (aliased > 0) ctx.out.aliased = (ctx.out.aliased ?? 0) + aliased;
    return { ok: true, value };
  } catch (e) {
    const known = e instanceof KubeJsonError;
    const deep = e instanceof RangeError;
    ctx.out.diagnostics.push({
      severity: 'error',
      code: known ? e.code : 'yaml-too-complex',
      message: known
        ? cut(e.message)
        : deep
          ? 'nested too deeply to read'
          : cut(`document could not be converted: ${e instanceof Error ? e.message : String(e)}`),
      location: locationAt(ctx.pos, known ? e.offset : docOffset(ctx.doc)),
      dropped: ctx.label,
      reach: REACH_ALL,
    });
    return { ok: false };
  }
}

/** The node of `items[i]` in a `List` document, so each item gets its own location. */
function itemNodes(doc: Document): readonly Node[] {
  const root = doc.contents;
  if (!isMap(root)) return [];
  const pair = root.items.find((p) => isScalar(p.key) && p.key.value === 'items');
  return isSeq(pair?.value) ? (pair.value.items as Node[]) : [];
}

function listItems(ctx: DocContext, list: Record<string, unknown>, items: readonly unknown[]): void {
  const listKind = String(list.kind);
  // `PodList` items usually omit kind/apiVersion; a plain `List` must name each item's kind.
  const itemKind = listKind === 'List' ? undefined : listKind.slice(0, -'List'.length);
  const nodes = itemNodes(ctx.doc);
  const root = ctx.doc.contents as Node;
  // kubectl refuses the whole List when an item is no object, so none of it takes effect.
  const scalar = items.findIndex((item) => !isRecord(item));
  if (scalar >= 0) {
    ctx.out.diagnostics.push({
      severity: 'error',
      code: 'invalid-list-item',
      message: `item ${scalar} of ${listKind} is not an object; kubectl refuses the whole List`,
      location: locationAt(ctx.pos, (nodes[scalar] ?? root).range?.[0] ?? 0),
      dropped: `${items.length} items of ${ctx.label}`,
    });
    return;
  }
  items.forEach((item, index) => {
    const node = nodes[index] ?? root;
    if (!isRecord(item)) return;
    const kind = item.kind ?? itemKind;
    if (typeof kind !== 'string' || kind === '') {
      ctx.out.diagnostics.push({
        severity: 'error',
        code: 'missing-kind',
        message: `item ${index} of ${listKind} has no kind`,
        location: locationAt(ctx.pos, node.range?.[0] ?? 0),
        dropped: `item ${index} of ${ctx.label}`,
      });
      return;
    }
    const body = { ...item, kind, apiVersion: item.apiVersion ?? list.apiVersion };
    addObject(ctx, body, node);
  });
}

function addObject(ctx: DocContext, body: Record<string, unknown>, node: Node): void {
  const src: ObjectSource = { pos: ctx.pos, doc: ctx.doc, node };
  const obj = toK8sObject(body, src, ctx.out.diagnostics);
  if (obj) ctx.out.objects.push(obj);
}

/**
 * A Helm values file of an Istio chart (`istiod`, `istio-control`): no apiVersion/kind, but a
 * `global.proxy` or `meshConfig` map. Kept as a pseudo-object so mesh defaults (sidecar resources)
 * can be read from it, with its own lines.
 */
function isIstioHelmValues(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const global = value.global;
  return (isRecord(global) && isRecord(global.proxy)) || isRecord(value.meshConfig);
}

function addHelmValues(ctx: DocContext, body: Record<string, unknown>, node: Node): void {
  const locate = locator(ctx.pos, ctx.doc, node);
  const location = locate([]);
  ctx.out.objects.push({
    apiVersion: HELM_VALUES_API,
    kind: HELM_VALUES_KIND,
    name: ctx.pos.file,
    namespace: effectiveNamespace(HELM_VALUES_KIND, undefined),
    labels: {},
    annotations: {},
    ownerReferences: [],
    body,
    location,
    locate,
  });
  note(
    ctx,
    'helm-values',
    `${ctx.label} read as Istio Helm values (global.proxy / meshConfig)`,
    docOffset(ctx.doc),
  );
}

function isList(value: Record<string, unknown>): value is Record<string, unknown> & { items: unknown[] } {
  return typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
}

function isEmpty(doc: Document): boolean {
  return doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
}

/** Why a converted document is not an object to keep, or `undefined` when it is one. */
function skipReason(value: unknown): { code: string; message: string } | undefined {
  if (!isRecord(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
    return { code: 'not-kubernetes', message: 'has no apiVersion/kind; not a Kubernetes object, skipped' };
  }
  if (isKustomizeKind(value.apiVersion, value.kind)) {
    return { code: 'kustomization-skipped', message: `is a kustomize ${value.kind}, not rendered; skipped` };
  }
  return undefined;
}

function parseDocument(ctx: DocContext): void {
  const { doc } = ctx;
  if (doc.errors.length > 0) {
    syntaxErrors(ctx, doc.errors);
    return;
  }
  if (isEmpty(doc)) {
    note(ctx, 'empty-document', `${ctx.label} is empty`, doc.range?.[0] ?? 0);
    return;
  }
  ctx.out.diagnostics.push(...normaliseLabelMaps(doc, ctx.pos));
  const json = toJson(ctx);
  if (!json.ok) return;
  const skip = skipReason(json.value);
  if (skip?.code === 'not-kubernetes' && isIstioHelmValues(json.value)) {
    addHelmValues(ctx, json.value, doc.contents as Node);
    return;
  }
  // A policy missing only its apiVersion or kind is refused by kubectl: an error, not a note.
  const untyped =
    skip?.code === 'not-kubernetes' && missingTypeError(json.value, locationAt(ctx.pos, docOffset(doc)));
  if (untyped) {
    ctx.out.diagnostics.push(untyped);
    return;
  }
  if (skip || !isRecord(json.value)) {
    if (skip) note(ctx, skip.code, `${ctx.label} ${skip.message}`, docOffset(doc));
    return;
  }
  if (isList(json.value)) listItems(ctx, json.value, json.value.items);
  else addObject(ctx, json.value, doc.contents as Node);
}

function fileNote(file: SourceFile, revision: string, code: string, message: string): ParsedFile {
  const location = { revision, file: file.path, line: 1, column: 1 };
  return { objects: [], diagnostics: [{ severity: 'note', code, message, location }] };
}

/**
 * Parses every document of one file into Kubernetes objects. Never throws: whatever cannot be
 * read becomes a diagnostic saying what was dropped, and the rest of the file is still used.
 * Diagnostics quote huge scalars and keys cut (bound-text.ts).
 */
export function parseSourceFile(file: SourceFile, revision: string, reader = readDocuments): ParsedFile {
  const parsed = parseFile(file, revision, reader);
  parsed.diagnostics = parsed.diagnostics.map(boundDiagnostic);
  return parsed;
}

/** Every document of a file: the fast reader's when the file is in its subset, else the full parser's. */
export function readDocuments(text: string, lineCounter: LineCounter): Document[] {
  return fastDocuments(text, lineCounter) ?? fullDocuments(text, lineCounter);
}

/** The `yaml` package's full parser (any YAML); what `readDocuments` falls back to. */
export function fullDocuments(text: string, lineCounter: LineCounter): Document[] {
  return parseAllDocuments(text, { ...KUBE_YAML, lineCounter }) as Document[];
}

function parseFile(file: SourceFile, revision: string, reader: typeof readDocuments): ParsedFile {
  if (file.rendered) return parseRendered(file, file.rendered, revision, reader);
  if (isKustomizationFile(file.path)) {
    return fileNote(
      file,
      revision,
      'kustomization-skipped',
      'kustomization file: overlays are not rendered; skipped',
    );
  }
  const lineCounter = new LineCounter();
  let docs: Document[];
  try {
    docs = reader(file.text, lineCounter);
  } catch (e) {
    const message = cut(`file could not be parsed: ${e instanceof Error ? e.message : String(e)}`);
    const location = { revision, file: file.path, line: 1, column: 1 };
    return {
      objects: [],
      diagnostics: [{ severity: 'error', code: 'yaml-syntax', message, location, dropped: file.path }],
    };
  }
  if (isHelmTemplate(file.text, docs)) {
    return fileNote(
      file,
      revision,
      'helm-template-skipped',
      'Helm template (contains `{{`): not rendered; skipped',
    );
  }
  if (docs.length === 0) return fileNote(file, revision, 'empty-document', 'file is empty');
  // Every object's locate keeps the file's lines: packed, once the reader has counted them all.
  const pos: FilePosition = { revision, file: file.path, lineCounter: PackedLines.of(lineCounter) };
  const out: ParsedFile = { objects: [], diagnostics: [] };
  docs.forEach((doc, index) => {
    // A final `---` followed by nothing is a style habit, not a skipped document worth a note.
    if (index > 0 && index === docs.length - 1 && isEmpty(doc) && doc.errors.length === 0) return;
    const label = docs.length === 1 ? file.path : `document ${index + 1} of ${file.path}`;
    parseDocument({ pos, doc, label, out });
  });
  return out;
}

/**
 * A render tool's output: parsed like a file, but each document's objects and diagnostics are
 * located where the document came from (its origin), not in the rendered text.
 */
function parseRendered(
  file: SourceFile,
  origins: RenderedOrigins,
  revision: string,
  reader: typeof readDocuments,
): ParsedFile {
  const lineCounter = new LineCounter();
  const docs = reader(file.text, lineCounter);
  const pos: FilePosition = { revision, file: file.path, lineCounter: PackedLines.of(lineCounter) };
  const out: ParsedFile = { objects: [], diagnostics: [] };
  docs.forEach((doc, index) => {
    const origin = origins.documents[index] ?? { file: file.path, line: 1 };
    const label = `the object from ${origin.file}:${origin.line} rendered by ${origins.root}`;
    const part: ParsedFile = { objects: [], diagnostics: [] };
    parseDocument({ pos, doc, label, out: part });
    relocateRendered(part.objects, part.diagnostics, origin, revision, origins.root);
    out.objects.push(...part.objects);
    out.diagnostics.push(...part.diagnostics);
  });
  return out;
}
