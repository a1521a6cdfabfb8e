import { parseAllDocuments } from 'yaml';
import { formatDiagnostic } from '../src/core/diagnostics.js';
import type { ParallelParse } from '../src/manifests/parse-pool.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { readInputs, runDiff } from '../src/run.js';
import { type Stage, StageTimer } from './stage-timer.js';

export type { Stage } from './stage-timer.js';

/** One measurement, run in a fresh process so that timings and peak RSS do not carry over. */
export interface WorkerRequest {
  readonly mode: 'stages' | 'floor' | 'e2e';
  readonly repo: string;
  readonly base: string;
  readonly head: string;
}

export interface StageResult {
  readonly stages: readonly Stage[];
  readonly totalMs: number;
  /**
   * CPU time of the whole run, every thread (process.cpuUsage: the parse workers too). Steadier
   * than wall time on a shared machine, where other work stretches wall time, not this.
   */
  readonly cpuMs: number;
  readonly maxRssMiB: number;
  readonly classes: readonly number[];
  readonly changes: number;
  readonly markdownChars: number;
  /** Findings per status (new, existing, fixed, accepted) and per rule. */
  readonly findings: { readonly byStatus: Record<string, number>; readonly byRule: Record<string, number> };
  readonly markdownCut: boolean;
  /** Changed pairs counted but not listed (beyond the listing cap), all kinds. */
  readonly omitted: number;
  /** The report is incomplete (an input error): the benchmark then measured a partial analysis. */
  readonly incomplete: boolean;
  /** The first few error diagnostics, when incomplete. */
  readonly errors: readonly string[];
}

export interface FloorResult {
  readonly ms: number;
  readonly maxRssMiB: number;
  readonly documents: number;
}

const rssMiB = () => process.resourceUsage().maxRSS / 1024;

/** The floor: only read both revisions from git and YAML-parse them. */
export async function runFloor(request: WorkerRequest): Promise<FloorResult> {
  const start = performance.now();
  // The pipeline's own read stage (a blob both revisions list is read once), then YAML only.
  const { sides } = await readInputs({ repo: request.repo }, [request.base, request.head]);
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

/**
 * The production pipeline (runDiff) with an observer timing each stage, then rendering the report
 * as the Action does (Markdown comment, JSON). Same code as `e2e`, so the two measure one thing.
 */
export async function runStages(request: WorkerRequest, parallel?: ParallelParse): Promise<StageResult> {
  const timer = new StageTimer(rssMiB);
  const cpuAtStart = process.cpuUsage();
  const { report } = await runDiff(
    { repo: request.repo, base: request.base, head: request.head, ...(parallel ? { parallel } : {}) },
    timer,
  );
  const markdown = timer.measure('render', () => {
    const text = renderMarkdown(report, { maxChars: 65_536 });
    JSON.stringify(report);
    return text;
  });
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    stages: timer.stages,
    totalMs: timer.totalMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMiB: rssMiB(),
    classes: timer.classes,
    changes: report.changes.length,
    markdownChars: markdown.length,
    findings: {
      byStatus: countBy(report.findings.map((f) => f.status)),
      byRule: countBy(report.findings.map((f) => f.rule)),
    },
    markdownCut: markdown.includes('not shown to stay within the size limit'),
    omitted: Object.values(report.omitted ?? {}).reduce((n, k) => n + k, 0),
    incomplete: report.incomplete,
    errors: report.diagnostics
      .filter((d) => d.severity === 'error')
      .slice(0, 5)
      .map(formatDiagnostic),
  };
}

function countBy(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...keys].sort()) out[k] = (out[k] ?? 0) + 1;
  return out;
}
