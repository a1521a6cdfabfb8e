import { escapeMarkdown } from '../render/escape.js';
import type { ReportLinks } from '../render/links.js';
import { renderMarkdown } from '../render/markdown.js';
import type { FailOnVerdict } from '../report/fail-on.js';
import type { RiskOptions } from '../report/risk.js';
import type { Report } from '../report/types.js';

const RESULT_ICON = { pass: '✅', fail: '❌', incomplete: '⚠️' } as const;

/** The check's verdict, first, because that is what a reviewer asks of a red or green check. */
export function verdictLine(verdict: FailOnVerdict): string {
  return `**${RESULT_ICON[verdict.result]} Check ${verdict.result}**: ${escapeMarkdown(verdict.reason)}`;
}

export interface ReportBudget {
  /** The PR comment: characters. */
  readonly maxChars?: number;
  /** The job summary: UTF-8 bytes. */
  readonly maxBytes?: number;
  /** The run's page, where the job summary is (the comment links it when cut). */
  readonly summaryUrl?: string;
  /** Where locations and revisions link to (src/action/links.ts); absent: code spans. */
  readonly links?: ReportLinks;
  /** What ranks higher (config `report`). */
  readonly risk?: RiskOptions;
}

/**
 * The report as Markdown for the PR comment or the job summary, with the verdict on top. The
 * renderer keeps within the budget, dropping noise before changes and closing every block before
 * its note; the comment's final safety net is fitComment, the summary's fitSummary.
 */
export function renderReport(report: Report, verdict: FailOnVerdict, budget: ReportBudget = {}): string {
  const head = `${verdictLine(verdict)}\n\n`;
  const summary = budget.summaryUrl
    ? `the [job summary](${budget.summaryUrl}) of this run`
    : 'the job summary of this run';
  const markdown = renderMarkdown(report, {
    ...(budget.links !== undefined && { links: budget.links }),
    ...(budget.risk !== undefined && { risk: budget.risk }),
    ...(budget.maxChars !== undefined && { maxChars: Math.max(0, budget.maxChars - head.length) }),
    ...(budget.maxBytes !== undefined && {
      maxBytes: Math.max(0, budget.maxBytes - Buffer.byteLength(head, 'utf8')),
    }),
    fullReportHint:
      budget.maxBytes !== undefined
        ? 'the JSON report of the `report-json` output (upload it with actions/upload-artifact)'
        : `${summary}, or the JSON report of the \`report-json\` output`,
  });
  return `${head}${markdown}`;
}
