import { parseAllDocuments } from 'yaml';
import type { AnalysedRevision } from '../src/analysis/analyze-revision.js';
import { diffReport, MAX_LISTED_PAIRS } from '../src/analysis/diff-revisions.js';
import { buildLayerMatrices, lensFor } from '../src/analysis/layers.js';
import { compilePolicies } from '../src/compile/compile-policies.js';
import { DEFAULT_CONFIG } from '../src/config/types.js';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { diffMatrices } from '../src/diff/pair-diff.js';
import { computeFindings } from '../src/findings/index.js';
import { type BlobReads, readRevision, resolveRevisionInput } from '../src/git/read-revision.js';
import type { RevisionFiles } from '../src/git/types.js';
import { renderRevision, withRendered } from '../src/gitops/render-revision.js';
import { compileNetworkPolicies } from '../src/l4/engine.js';
import { compileIstio } from '../src/l7/engine.js';
import { ParseCache } from '../src/manifests/parse-cache.js';
import type { ParallelParse } from '../src/manifests/parse-pool.js';
import type { K8sObject } from '../src/manifests/types.js';
import { buildModel } from '../src/model/build.js';
import type { ClusterModel } from '../src/model/types.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { runDiff } from '../src/run.js';

/** One measurement, run in a fresh process so that timings and peak RSS do not carry over. */
export interface WorkerRequest {
  readonly mode: 'stages' | 'floor' | 'e2e';
  readonly repo: string;
  readonly base: string;
  readonly head: string;
}

export interface Stage {
  readonly name: string;
  readonly ms: number;
  /** Peak RSS of the process so far (process.resourceUsage().maxRSS). */
  readonly maxRssMiB: number;
  /** Matrix cells computed so far (both revisions), after matrix+diff and after findings. */
  readonly cells?: number;
}

export interface StageResult {
  readonly stages: readonly Stage[];
  readonly totalMs: number;
  readonly maxRssMiB: number;
  readonly classes: readonly number[];
  readonly changes: number;
  readonly markdownChars: number;
  /** Findings per status (new, existing, fixed, accepted) and per rule. */
  readonly findings: { readonly byStatus: Record<string, number>; readonly byRule: Record<string, number> };
  readonly markdownCut: boolean;
}

export interface FloorResult {
  readonly ms: number;
  readonly maxRssMiB: number;
  readonly documents: number;
}

const config = DEFAULT_CONFIG;
const rssMiB = () => process.resourceUsage().maxRSS / 1024;

async function readBoth(request: WorkerRequest): Promise<RevisionFiles[]> {
  // As runDiff does: a blob both revisions list is read once.
  const blobs: BlobReads = new Map();
  const read = async (rev: string) => {
    const input = await resolveRevisionInput(rev, request.repo);
    const files = await readRevision(input, { include: config.include, exclude: config.exclude, blobs });
    return withRendered(files, await renderRevision(input, files, config));
  };
  return Promise.all([read(request.base), read(request.head)]);
}

/** The floor: only read both revisions from git and YAML-parse them. */
export async function runFloor(request: WorkerRequest): Promise<FloorResult> {
  const start = performance.now();
  const sides = await readBoth(request);
  let documents = 0;
  for (const side of sides) {
    for (const file of side.files) documents += parseAllDocuments(file.text).length;
  }
  return { ms: performance.now() - start, maxRssMiB: rssMiB(), documents };
}

/** The production entry point, as the CLI and the Action call it. */
export async function runE2e(
  request: WorkerRequest,
  parallel?: ParallelParse,
): Promise<{ ms: number; maxRssMiB: number; changes: number }> {
  const start = performance.now();
  const { report } = await runDiff({
    repo: request.repo,
    base: request.base,
    head: request.head,
    ...(parallel ? { parallel } : {}),
  });
  renderMarkdown(report, { maxChars: 65_536 });
  return { ms: performance.now() - start, maxRssMiB: rssMiB(), changes: report.changes.length };
}

/** The pipeline of `runDiff` + `diffRevisions`, stage by stage, timing the pure functions. */
export async function runStages(request: WorkerRequest, parallel?: ParallelParse): Promise<StageResult> {
  const stages: Stage[] = [];
  let last = performance.now();
  const first = last;
  const mark = (name: string, cells?: number) => {
    const now = performance.now();
    stages.push({ name, ms: now - last, maxRssMiB: rssMiB(), ...(cells === undefined ? {} : { cells }) });
    last = now;
  };

  const sides = await readBoth(request);
  mark('read');

  // As runDiff does: one cache for both revisions, so shared files are parsed once.
  const parseCache = new ParseCache();
  for (const side of sides) await parseCache.prefill(side.files, side.label, parallel);
  const parsed = sides.map((side) => {
    const diagnostics: Diagnostic[] = [...side.diagnostics];
    const objects: K8sObject[] = [];
    for (const file of side.files) {
      const p = parseCache.parse(file, side.label);
      diagnostics.push(...p.diagnostics);
      objects.push(...p.objects);
    }
    return { side, objects, diagnostics };
  });
  mark('parse');

  const models = parsed.map((p) => {
    const built = buildModel(p.objects, config, p.side.label);
    p.diagnostics.push(...built.diagnostics);
    return built.model;
  });
  mark('model');

  // The compile stage (NetworkPolicy and Istio policies, mesh install, traffic) is timed as L4.
  const policies = models.map((m, i) => {
    const compiled = compilePolicies(m, config);
    parsed[i]!.diagnostics.push(...compiled.diagnostics);
    return compiled;
  });
  const l4 = models.map((m, i) => compileNetworkPolicies(m, config.cni, policies[i]!.networkPolicies));
  mark('L4');

  const l7 = models.map((m, i) => compileIstio(m, config, policies[i]!.istio));
  mark('L7');

  const revisions = models.map(
    (model: ClusterModel, i): AnalysedRevision => ({
      label: sides[i]!.label,
      ...(sides[i]!.commit ? { commit: sides[i]!.commit } : {}),
      model,
      policies: policies[i]!,
      l4: l4[i]!,
      l7: l7[i]!,
      diagnostics: parsed[i]!.diagnostics,
    }),
  );
  const [base, head] = revisions as [AnalysedRevision, AnalysedRevision];
  const layer = 'effective';
  const [baseMatrix, headMatrix] = buildLayerMatrices(base, head, layer);
  const diff = diffMatrices(baseMatrix, headMatrix, lensFor(layer), { maxPairs: MAX_LISTED_PAIRS });
  mark('matrix+diff', baseMatrix.computedCells() + headMatrix.computedCells());

  const found = computeFindings(base, head, [baseMatrix, headMatrix], config);
  mark('findings', baseMatrix.computedCells() + headMatrix.computedCells());

  const report = diffReport(base, head, layer, diff, found);
  mark('report');

  const markdown = renderMarkdown(report, { maxChars: 65_536 });
  const json = JSON.stringify(report);
  mark('render');
  void json;

  return {
    stages,
    totalMs: last - first,
    maxRssMiB: rssMiB(),
    classes: [baseMatrix, headMatrix].map((m) => classCount(m)),
    changes: report.changes.length,
    markdownChars: markdown.length,
    findings: {
      byStatus: countBy(report.findings.map((f) => f.status)),
      byRule: countBy(report.findings.map((f) => f.rule)),
    },
    markdownCut: markdown.includes('not shown to stay within the size limit'),
  };
}

function countBy(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...keys].sort()) out[k] = (out[k] ?? 0) + 1;
  return out;
}

function classCount(m: ReturnType<typeof buildLayerMatrices>[number]): number {
  return new Set(m.workloads.map((w) => m.classOf(w))).size;
}
