import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { formatDiagnostic } from '../core/diagnostics.js';
import { ConfigurationError } from '../core/errors.js';
import { ensureCommit, isShallow, mergeBase } from '../git/read-revision.js';
import type { ParallelParse } from '../manifests/parse-pool.js';
import { evaluateFailOn } from '../report/fail-on.js';
import type { Report } from '../report/types.js';
import { runDiff } from '../run.js';
import { buildAnnotations, capAnnotations, emitAnnotations } from './annotations.js';
import { readRunnerContext } from './context.js';
import { eventRefs, planRevisions } from './event.js';
import { type ActionInputs, parseInputs } from './inputs.js';
import { actionLinks } from './links.js';
import { outputsOf, setOutputs, writeReportFiles } from './outputs.js';
import { publishComment } from './publish.js';
import { renderReport } from './render.js';
import { type GitOps, resolveRevisions } from './revisions.js';
import { safeLog } from './safe-log.js';
import { SUMMARY_RENDER_BUDGET, writeSummary } from './summary.js';
import { thisRepository } from './this-repository.js';

const git: GitOps = { ensureCommit, mergeBase, isShallow };

const log = { info: safeLog.info, warning: safeLog.warning };

function diffOptions(inputs: ActionInputs) {
  return {
    ...(inputs.configPath !== undefined && { configPath: inputs.configPath }),
    ...(inputs.paths !== undefined && { include: inputs.paths }),
    ...(inputs.targets !== undefined && { targets: inputs.targets }),
    ...(inputs.injection !== undefined && { injection: inputs.injection }),
    ...(inputs.minCpuRequest !== undefined && { minCpuRequest: inputs.minCpuRequest }),
    ...(inputs.minMemoryRequest !== undefined && { minMemoryRequest: inputs.minMemoryRequest }),
    ...thisRepository(process.env),
  };
}

function logDiagnostics(report: Report): void {
  if (report.diagnostics.length === 0) return;
  safeLog.startGroup(`${report.diagnostics.length} diagnostics`);
  for (const d of report.diagnostics) safeLog.info(formatDiagnostic(d));
  safeLog.endGroup();
}

async function runAction(parallel: ParallelParse | undefined): Promise<void> {
  const inputs = parseInputs((name) => core.getInput(name));
  // The runner masks github.token already; a PAT passed in may not be registered yet.
  if (inputs.token !== '') core.setSecret(inputs.token);
  const ctx = await readRunnerContext(process.env, process.cwd());
  const plan = planRevisions(ctx.eventName, ctx.payload, inputs);
  if (plan.kind === 'skip') {
    safeLog.notice(`policy-diff: ${plan.reason}`);
    setOutputs({ opened: 0, closed: 0, changed: 0, newFindings: 0, result: 'pass' });
    return;
  }
  const revisions = await resolveRevisions(plan, ctx.workspace, ctx.runnerTemp || tmpdir(), git, log);
  safeLog.info(`policy-diff: comparing ${revisions.base} -> ${revisions.head} in ${ctx.workspace}`);
  const { report, config } = await runDiff({
    repo: ctx.workspace,
    base: revisions.base,
    head: revisions.head,
    ...diffOptions(inputs),
    ...(parallel ? { parallel } : {}),
  });
  const verdict = evaluateFailOn(report, inputs.failOn);
  logDiagnostics(report);
  const files = await writeReportFiles(report, ctx.runnerTemp, revisions.headDirectory);
  setOutputs(outputsOf(report, verdict.result, files));
  const links = actionLinks(ctx, eventRefs(ctx.eventName, ctx.payload, plan), report);
  await writeSummary(
    renderReport(report, verdict, {
      maxBytes: SUMMARY_RENDER_BUDGET,
      ...(links && { links }),
      risk: config.report,
    }),
  );
  emitAnnotations(capAnnotations(buildAnnotations(report, inputs.failOn, revisions.headDirectory)));
  await publishComment(inputs, ctx, plan.pullRequest, report, verdict, links, config.report);
  if (verdict.failed) safeLog.setFailed(`policy-diff ${verdict.result}: ${verdict.reason}`);
  else safeLog.info(`policy-diff pass: ${verdict.reason}`);
}

/** The action's entry point: one place where a failure becomes the step's red cross. */
export async function run(parallel?: ParallelParse): Promise<void> {
  try {
    await runAction(parallel);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      safeLog.setFailed(error.message);
      return;
    }
    const err = error instanceof Error ? error : new Error(String(error));
    safeLog.setFailed(`policy-diff failed unexpectedly: ${err.message}`);
    if (err.stack) safeLog.debug(err.stack);
  }
}
