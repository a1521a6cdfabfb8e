import { type Document, isNode, isScalar, LineCounter } from 'yaml';
import { isRecord } from '../core/decode.js';
import type { AliasBudget } from '../manifests/alias-budget.js';
import { kubeDocumentJson, kubeYamlDocument } from '../manifests/yaml-read.js';

/**
 * - `include`: resources/bases/components: a file, or a directory holding another kustomization.
 * - `file`: a file kustomize reads (patch, generator input, CRD schema...).
 * - `plugin`: a generators/transformers/validators entry naming a plugin configuration.
 * - `path`: a directory kustomize uses (Helm's chartHome) that must stay in the repository.
 */
export type RefRole = 'include' | 'file' | 'plugin' | 'path';

export interface KustomizationRef {
  readonly role: RefRole;
  readonly field: string;
  /** As written, relative to the kustomization's directory. */
  readonly value: string;
  readonly line: number;
  /** Its position in the field's list (`resources[2]`), for entries of a list. */
  readonly index?: number;
}

/** The transformer kustomize applies a patch entry with, as its transformations annotation names it. */
export type PatchTransformer =
  | 'PatchStrategicMergeTransformer'
  | 'PatchTransformer'
  | 'PatchJson6902Transformer';

/**
 * A patch (strategic-merge or JSON 6902, in a file or inline), kept to point a reviewer at the
 * patch that changed an object. Listed in the order kustomize applies them: patchesStrategicMerge,
 * patches, patchesJson6902.
 */
export interface PatchRef {
  readonly transformer: PatchTransformer;
  /** The patch file, as written; absent for an inline patch. */
  readonly value?: string;
  /** An inline patch's text; `line` is the kustomization's line of its first line (see inlineText). */
  readonly inline?: { readonly text: string; readonly line: number; readonly exact: boolean };
  readonly targetKind?: string;
  readonly targetName?: string;
}

export interface InlineEntry {
  readonly field: string;
  readonly text: string;
  readonly line: number;
}

export interface ParsedKustomization {
  readonly file: string;
  readonly dir: string;
  /** `Kustomization` or `Component`. */
  readonly kind: string;
  readonly refs: readonly KustomizationRef[];
  readonly patches: readonly PatchRef[];
  /** generators/transformers/validators written inline as YAML text. */
  readonly inlinePlugins: readonly InlineEntry[];
  /** helmCharts entries; `repo` is set when the chart would be pulled from the network. */
  readonly helmCharts: readonly { readonly line: number; readonly repo?: string }[];
  readonly error?: { readonly message: string; readonly line: number };
}

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export function isKustomizationName(name: string): boolean {
  return (KUSTOMIZATION_NAMES as readonly string[]).includes(name);
}

/** Collects references while remembering the line of each. */
class Collector {
  readonly refs: KustomizationRef[] = [];
  readonly patches: PatchRef[] = [];
  readonly inlinePlugins: InlineEntry[] = [];
  readonly helmCharts: { line: number; repo?: string }[] = [];

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  line(path: readonly (string | number)[]): number {
    const node = this.doc.getIn(path, true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    return offset === undefined ? 1 : this.lines.linePos(offset).line;
  }

  /**
   * Where an inline patch's lines are in the kustomization: a literal block scalar (`|`) keeps
   * them line for line from the line after its indicator (`exact`); any other scalar folds or
   * escapes lines, so everything in it points at the scalar's first line.
   */
  inlineText(
    path: readonly (string | number)[],
    text: string,
  ): { text: string; line: number; exact: boolean } {
    const node = this.doc.getIn(path, true);
    const exact = isScalar(node) && node.type === 'BLOCK_LITERAL';
    return { text, line: this.line(path) + (exact ? 1 : 0), exact };
  }

  add(role: RefRole, field: string, value: unknown, path: readonly (string | number)[]): void {
    if (typeof value === 'string' && value !== '') {
      const last = path[path.length - 1];
      const index = path.length === 2 && typeof last === 'number' ? { index: last } : {};
      this.refs.push({ role, field, value, line: this.line(path), ...index });
    }
  }

  /** Each string of the list at `path`. */
  addAll(role: RefRole, field: string, values: unknown, path: readonly (string | number)[]): void {
    strings(values).forEach((value, i) => {
      this.add(role, field, value, [...path, i]);
    });
  }
}

function strings(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function records(value: unknown): [number, Record<string, unknown>][] {
  return strings(value).flatMap((item, i) =>
    isRecord(item) ? [[i, item] as [number, Record<string, unknown>]] : [],
  );
}

function collectLists(c: Collector, body: Record<string, unknown>): void {
  for (const field of ['resources', 'bases', 'components'] as const) {
    c.addAll('include', field, body[field], [field]);
  }
  for (const field of ['crds', 'configurations'] as const) {
    c.addAll('file', field, body[field], [field]);
  }
  for (const field of ['generators', 'transformers', 'validators'] as const) {
    strings(body[field]).forEach((v, i) => {
      // kustomize takes a string with a newline as inline YAML, anything else as a path.
      if (typeof v === 'string' && v.includes('\n'))
        c.inlinePlugins.push({ field, text: v, line: c.line([field, i]) });
      else c.add('plugin', field, v, [field, i]);
    });
  }
}

function targetOf(p: Record<string, unknown>): { targetKind?: string; targetName?: string } {
  const target = isRecord(p.target) ? p.target : {};
  return {
    ...(typeof target.kind === 'string' ? { targetKind: target.kind } : {}),
    ...(typeof target.name === 'string' ? { targetName: target.name } : {}),
  };
}

/** A `patches` / `patchesJson6902` entry: its file, else its inline `patch:` text. */
function patchEntry(
  c: Collector,
  transformer: PatchTransformer,
  field: string,
  p: Record<string, unknown>,
  i: number,
): void {
  c.add('file', field, p.path, [field, i, 'path']);
  if (typeof p.path === 'string') c.patches.push({ transformer, value: p.path, ...targetOf(p) });
  else if (typeof p.patch === 'string')
    c.patches.push({ transformer, inline: c.inlineText([field, i, 'patch'], p.patch), ...targetOf(p) });
}

function collectPatches(c: Collector, body: Record<string, unknown>): void {
  for (const [i, p] of records(body.patches)) patchEntry(c, 'PatchTransformer', 'patches', p, i);
  const smp: PatchRef[] = [];
  strings(body.patchesStrategicMerge).forEach((v, i) => {
    if (typeof v !== 'string') return;
    const transformer = 'PatchStrategicMergeTransformer';
    if (v.includes('\n')) smp.push({ transformer, inline: c.inlineText(['patchesStrategicMerge', i], v) });
    else {
      c.add('file', 'patchesStrategicMerge', v, ['patchesStrategicMerge', i]);
      smp.push({ transformer, value: v });
    }
  });
  // kustomize applies patchesStrategicMerge first, then patches, then patchesJson6902.
  c.patches.unshift(...smp);
  for (const [i, p] of records(body.patchesJson6902))
    patchEntry(c, 'PatchJson6902Transformer', 'patchesJson6902', p, i);
  for (const [i, p] of records(body.replacements))
    c.add('file', 'replacements', p.path, ['replacements', i, 'path']);
  if (isRecord(body.openapi)) c.add('file', 'openapi', body.openapi.path, ['openapi', 'path']);
}

/** `files: [key=path]`, `envs: [path]`, `env: path` of configMapGenerator / secretGenerator. */
function collectGenerators(c: Collector, body: Record<string, unknown>): void {
  for (const field of ['configMapGenerator', 'secretGenerator'] as const) {
    for (const [i, g] of records(body[field])) {
      strings(g.files).forEach((v, j) => {
        const path = typeof v === 'string' ? v.slice(v.indexOf('=') + 1) : v;
        c.add('file', field, path, [field, i, 'files', j]);
      });
      c.addAll('file', field, g.envs, [field, i, 'envs']);
      c.add('file', field, g.env, [field, i, 'env']);
    }
  }
}

function collectHelm(c: Collector, body: Record<string, unknown>): void {
  for (const [i, chart] of records(body.helmCharts)) {
    const repo = typeof chart.repo === 'string' && chart.repo !== '' ? chart.repo : undefined;
    c.helmCharts.push({ line: c.line(['helmCharts', i]), ...(repo ? { repo } : {}) });
    c.add('file', 'helmCharts', chart.valuesFile, ['helmCharts', i, 'valuesFile']);
    c.addAll('file', 'helmCharts', chart.additionalValuesFiles, ['helmCharts', i, 'additionalValuesFiles']);
  }
  if (isRecord(body.helmGlobals)) {
    c.add('path', 'helmGlobals', body.helmGlobals.chartHome, ['helmGlobals', 'chartHome']);
    c.add('path', 'helmGlobals', body.helmGlobals.configHome, ['helmGlobals', 'configHome']);
  }
}

/**
 * Every path a kustomization makes kustomize read, so none is read unchecked. Read as kustomize
 * reads it (`sigs.k8s.io/yaml`, yaml-read.ts): `<<` merges resources in, `yes` is a boolean.
 * Never throws.
 */
export function parseKustomization(file: string, text: string, budget?: AliasBudget): ParsedKustomization {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
  const empty = {
    file,
    dir,
    kind: 'Kustomization',
    refs: [],
    patches: [],
    inlinePlugins: [],
    helmCharts: [],
  };
  const lines = new LineCounter();
  const doc = kubeYamlDocument(text, lines);
  const syntax = doc.errors[0];
  if (syntax)
    return { ...empty, error: { message: syntax.message, line: lines.linePos(syntax.pos[0]).line } };
  let body: unknown;
  try {
    body = kubeDocumentJson(doc, budget);
  } catch (e) {
    const offset = (e as { offset?: unknown }).offset;
    const line = typeof offset === 'number' ? lines.linePos(offset).line : 1;
    return { ...empty, error: { message: e instanceof Error ? e.message : String(e), line } };
  }
  if (body === null || body === undefined) return empty;
  if (!isRecord(body)) return { ...empty, error: { message: 'not a mapping', line: 1 } };
  const c = new Collector(doc, lines);
  collectLists(c, body);
  collectPatches(c, body);
  collectGenerators(c, body);
  collectHelm(c, body);
  const kind = typeof body.kind === 'string' ? body.kind : 'Kustomization';
  return {
    ...empty,
    kind,
    refs: c.refs,
    patches: c.patches,
    inlinePlugins: c.inlinePlugins,
    helmCharts: c.helmCharts,
  };
}
