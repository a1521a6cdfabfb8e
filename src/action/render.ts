import { renderMarkdown } from '../render/markdown.js';
import type { FailOnVerdict } from '../report/fail-on.js';
import type { Report } from '../report/types.js';

const RESULT_ICON = { pass: '✅', fail: '❌', incomplete: '⚠️' } as const;

/** The check's verdict, first, because that is what a reviewer asks of a red or green check. */
export function verdictLine(verdict: FailOnVerdict): string {
  return `**${RESULT_ICON[verdict.result]} Check ${verdict.result}**: ${verdict.reason.replace(/\r?\n/g, ' ')}`;
}

/**
 * The report as Markdown for the PR comment (`maxChars` set) or the job summary (no limit),
 * with the verdict on top. The renderer itself keeps within the budget; the comment's final
 * safety net is fitComment.
 */
export function renderReport(report: Report, verdict: FailOnVerdict, maxChars?: number): string {
  const head = `${verdictLine(verdict)}\n\n`;
  const markdown = renderMarkdown(report, {
    ...(maxChars !== undefined && { maxChars: Math.max(0, maxChars - head.length) }),
    fullReportHint: 'the job summary of this run, or the JSON report of the `report-json` output',
  });
  return `${head}${markdown}`;
}
