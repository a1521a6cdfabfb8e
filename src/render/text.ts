import { formatDiagnostic } from '../core/diagnostics.js';
import { safeLine } from '../core/safe-text.js';
import { groupByCause } from '../report/cause-groups.js';
import { CHANGE_CLASSES, type ChangeClass, isGaining, type RiskOptions } from '../report/risk.js';
import type { Report } from '../report/types.js';
import { paint, type StyledLine, styled } from './ansi.js';
import { sanitize } from './escape.js';
import { findingTextSections } from './findings.js';
import { targetsSummary } from './targets-text.js';
import { changeSectionLines } from './text-changes.js';
import { incompleteHeadline, moreProblemsText } from './uncertainty.js';
import { LAYER_TEXT, noPathChanged, omittedText, revisionText, summaryLine } from './wording.js';

export interface TextOptions {
  /** ANSI colours and bold (a terminal that wants them: see cli/colour.ts). Default off. */
  readonly colour?: boolean;
  /** What ranks a group higher (sensitive namespaces and workloads). */
  readonly risk?: RiskOptions;
}

/**
 * The terminal report, in the PR comment's order: the verdict line and why it is incomplete,
 * what the change opens and widens, new findings, what it closes, narrows and changes, then
 * fixed, accepted and existing findings; changes grouped by the rule that explains them.
 */
export function renderText(report: Report, options: TextOptions = {}): string {
  const grouping = groupByCause(report, options.risk);
  const section = (k: ChangeClass) => changeSectionLines(grouping, k);
  const findings = findingTextSections(report);
  const lines: StyledLine[] = [
    styled(
      `policy-diff ${revisionText(report.base)} -> ${revisionText(report.head)} [${LAYER_TEXT[report.layer]}]`,
      'bold',
    ),
    styled(summaryLine(report)),
    ...targetLines(report),
    ...incompleteLines(report),
    ...CHANGE_CLASSES.filter(isGaining).flatMap(section),
    ...findings.fresh,
    ...CHANGE_CLASSES.filter((k) => !isGaining(k)).flatMap(section),
    ...afterChanges(report),
    ...findings.rest,
    ...inputLines(report),
  ];
  if (noPathChanged(report) && !report.incomplete)
    lines.push(styled(''), styled('No change in who can reach whom.'));
  // In a workflow its lines are the step log: none may start a workflow command. Colour goes on
  // after that, so it never comes from input.
  return `${lines.map((l) => paint({ ...l, text: safeLine(l.text) }, options.colour ?? false)).join('\n')}\n`;
}

/** Which targets changed and which did not, for a repository with several (render/targets-text.ts). */
function targetLines(report: Report): StyledLine[] {
  const line = targetsSummary(report, (n) => n);
  return line ? [styled(line)] : [];
}

/** First after the summary: that the result is incomplete, and what was not understood. */
function incompleteLines(report: Report): StyledLine[] {
  const h = incompleteHeadline(report);
  if (!h) return [];
  const more = moreProblemsText(h);
  return [
    styled(''),
    styled(`ANALYSIS INCOMPLETE: ${h.lead}`, 'bold', 'changed'),
    ...h.problems.map((d) => styled(`  ${sanitize(formatDiagnostic(d), 300)}`, 'changed')),
    ...(more ? [styled(`  ${more}`)] : []),
  ];
}

/** What the changes leave to say: pairs not listed, and the workloads that came and went. */
function afterChanges(report: Report): StyledLine[] {
  const out: StyledLine[] = [];
  const omitted = omittedText(report);
  if (omitted) out.push(styled(''), styled(omitted));
  if (report.workloads.added.length || report.workloads.removed.length) {
    out.push(styled(''), styled('Workloads', 'bold'));
    for (const w of report.workloads.added) out.push(styled(`  + ${sanitize(w)}`, 'opened'));
    for (const w of report.workloads.removed) out.push(styled(`  - ${sanitize(w)}`, 'closed'));
  }
  return out;
}

/** Every input problem, and how many files were skipped as not manifests. */
function inputLines(report: Report): StyledLine[] {
  const out: StyledLine[] = [];
  const shown = report.diagnostics.filter((d) => d.severity !== 'note');
  if (shown.length) {
    out.push(styled(''), styled(`Input problems (${shown.length})`, 'bold'));
    for (const d of shown)
      out.push(
        styled(
          `  ${sanitize(formatDiagnostic(d), 2000)}`,
          ...(d.severity === 'error' ? (['changed'] as const) : []),
        ),
      );
  }
  const notes = report.diagnostics.length - shown.length;
  if (notes)
    out.push(
      styled(''),
      styled(
        `${notes} file${notes === 1 ? '' : 's'} or document${notes === 1 ? '' : 's'} skipped as not Kubernetes manifests (use --format json to list them).`,
      ),
    );
  return out;
}
