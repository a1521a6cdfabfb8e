import type { ReportLinks } from '../render/links.js';
import type { FailOnVerdict } from '../report/fail-on.js';
import type { RiskOptions } from '../report/risk.js';
import type { Report } from '../report/types.js';
import { explainCommentError, upsertComment } from './comment.js';
import { buildCommentBody, COMMENT_MAX_CHARS, commentMarker } from './comment-body.js';
import { isForkPullRequest, type RunnerContext } from './context.js';
import type { ActionInputs } from './inputs.js';
import { createOctokit } from './octokit.js';
import { renderReport } from './render.js';
import { safeLog } from './safe-log.js';

/** Room kept for the marker, the banner and the truncation note around the rendered report. */
export const COMMENT_RENDER_BUDGET = COMMENT_MAX_CHARS - 2_000;

/** Whether a reviewer has anything to read: with `comment: on-change`, no comment otherwise. */
export function changesSomething(report: Report): boolean {
  const s = report.summary;
  return (
    report.incomplete ||
    s.opened + s.closed + s.changed + s.workloadsAdded + s.workloadsRemoved > 0 ||
    s.findings.new + s.findings.fixed > 0
  );
}

/**
 * Writes or updates this job's PR comment. Never throws: a comment that cannot be written is a
 * warning, because the summary, the annotations and the check's verdict still carry the report.
 */
export async function publishComment(
  inputs: ActionInputs,
  ctx: RunnerContext,
  pullRequest: number | undefined,
  report: Report,
  verdict: FailOnVerdict,
  links?: ReportLinks,
  risk?: RiskOptions,
): Promise<void> {
  if (inputs.comment === 'never') return;
  if (pullRequest === undefined) {
    safeLog.info(
      `no pull request in the ${ctx.eventName} event: no comment (the job summary has the report)`,
    );
    return;
  }
  if (inputs.token === '') {
    safeLog.warning('github-token is empty: no PR comment written (set it, or comment: never)');
    return;
  }
  const changes = changesSomething(report);
  const marker = commentMarker(ctx.workflow, ctx.job);
  const body = buildCommentBody(
    marker,
    renderReport(report, verdict, {
      maxChars: COMMENT_RENDER_BUDGET,
      ...(ctx.runUrl !== undefined && { summaryUrl: ctx.runUrl }),
      ...(links && { links }),
      ...(risk && { risk }),
    }),
    {
      ...(ctx.runUrl !== undefined && { summaryUrl: ctx.runUrl }),
      noLongerChanges: inputs.comment === 'on-change' && !changes,
    },
  );
  const target = { owner: ctx.owner, repo: ctx.repo, issueNumber: pullRequest };
  try {
    const outcome = await upsertComment(
      createOctokit(inputs.token, ctx.apiUrl),
      target,
      marker,
      body,
      changes || inputs.comment === 'always',
    );
    if (outcome.action === 'skipped')
      safeLog.info('the pull request changes nothing: no comment (comment: on-change)');
    else safeLog.info(`PR comment ${outcome.action}: ${outcome.url}`);
  } catch (error) {
    safeLog.warning(explainCommentError(error, isForkPullRequest(ctx.payload)));
    if (error instanceof Error && error.stack) safeLog.debug(error.stack);
  }
}
