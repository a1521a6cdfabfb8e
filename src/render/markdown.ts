import type { Diagnostic } from '../core/diagnostics.js';
import { fullLocation, type SourceLocation } from '../core/location.js';
import { type ChangeGrouping, groupByCause } from '../report/cause-groups.js';
import type { RiskOptions } from '../report/risk.js';
import type { Report } from '../report/types.js';
import { type Budget, fitSections, joinSection, type Section } from './budget.js';
import { code, escapeMarkdown } from './escape.js';
import { findingMarkdownSections } from './findings.js';
import { markdownLocation, type ReportLinks, revisionsMarkdown } from './links.js';
import { changeGroupSections } from './markdown-changes.js';
import { headline, summaryTable } from './markdown-summary.js';
import { mermaidGraph } from './mermaid.js';
import { messageMarkdown } from './rule-links.js';
import { targetsMarkdown } from './targets-text.js';
import { incompleteMarkdown } from './uncertainty.js';
import { LAYER_TEXT, omittedText } from './wording.js';

export interface MarkdownOptions {
  /** Hard cap on the length of the result in characters (GitHub comments: 65,536). Default: unlimited. */
  readonly maxChars?: number;
  /** Hard cap in UTF-8 bytes instead (the job summary: 1 MiB). */
  readonly maxBytes?: number;
  /** Where the full report is when this one is cut (e.g. "the job summary"). */
  readonly fullReportHint?: string;
  /** Where locations link to (src/render/links.ts); absent: locations are code spans. */
  readonly links?: ReportLinks;
  /** What ranks higher (config `report`). */
  readonly risk?: RiskOptions;
}

/** How many pairs each cause group lists, and whether the graph is drawn. */
type Layout = readonly [pairCap: number, withGraph: boolean];

/**
 * Layouts, richest first: the first that lets every group (and the new findings) fit the budget
 * is used, so a big change lists all its groups with fewer pairs, and the graph goes before pairs
 * do (it repeats what the groups say).
 */
const LAYOUTS: readonly Layout[] = [
  [25, true],
  [10, true],
  [3, true],
  [3, false],
  [1, false],
  [0, false],
];

/**
 * The PR comment / job summary, in the order a reviewer needs it, which is also the order the size
 * budget keeps: the headline naming the verdict and what could not be understood, the summary
 * table (riskiest first), the graph, then the changes grouped by the rule that caused them
 * (openings and widenings, new findings, closings and other changes), then workloads, input
 * problems, fixed and existing findings (noise last, so it is cut first).
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const grouping = groupByCause(report, options.risk);
  const findings = findingMarkdownSections(report, options.links);
  const hint =
    options.fullReportHint ?? 'the full report (`--format markdown --max-chars 0`, or `--format json`)';
  const budget: Budget =
    options.maxBytes !== undefined
      ? { max: options.maxBytes, measure: utf8Length, hint }
      : { max: options.maxChars ?? Number.POSITIVE_INFINITY, hint };
  const measure = budget.measure ?? ((t: string) => t.length);
  const graph = graphSections(report);
  const build = ([pairCap, withGraph]: Layout) => {
    const changes = changeGroupSections(grouping, {
      pairCap,
      ...(options.links && { links: options.links }),
    });
    const first = [
      headerSection(report, options),
      ...tableSections(report, grouping, options),
      ...omittedSections(report),
      ...(withGraph ? graph : []),
      ...changes.gaining,
      ...findings.fresh,
      ...changes.losing,
    ];
    return { first, fits: measure(first.map(joinSection).join('')) + NOTE_ROOM <= budget.max };
  };
  let chosen = build(LAYOUTS[0]!);
  for (const layout of LAYOUTS.slice(1)) {
    if (chosen.fits) break;
    chosen = build(layout);
  }
  const sections = [
    ...chosen.first,
    ...workloadSections(report),
    // The headline names the first errors; the whole list is long and waits until after the changes.
    ...diagnosticSections(report, options.links),
    ...findings.rest,
  ];
  return fitSections(sections, budget);
}

/** Room kept for the note on what was cut, when choosing how many pairs each group lists. */
const NOTE_ROOM = 600;

const utf8Length = (text: string) => Buffer.byteLength(text, 'utf8');

function headerSection(report: Report, options: MarkdownOptions): Section {
  const lines = [
    `### policy-diff: ${headline(report, options.risk)}`,
    '',
    `${revisionsMarkdown(report, options.links)} · ${LAYER_TEXT[report.layer]}${contextLine(report)}`,
  ];
  const targets = targetsMarkdown(report, (n) => code(n));
  if (targets) lines.push('', targets);
  // What was not understood comes first, named (render/uncertainty.ts).
  const incomplete = incompleteMarkdown(report);
  if (incomplete.length) lines.push('', incomplete.join('\n'));
  return { head: lines.join('\n'), items: [], tail: '' };
}

/** The summary table: its rows are cut one by one like any items (the riskiest first). */
function tableSections(report: Report, grouping: ChangeGrouping, options: MarkdownOptions): Section[] {
  const table = summaryTable(report, grouping, options.links);
  if (!table) return [];
  return [
    {
      head: `\n\n${table.header}`,
      items: table.rows,
      tail: table.more > 0 ? `\n\n_${table.more} more below, riskiest first._` : '',
      noun: 'summary row',
    },
  ];
}

/** ` · workloads +1 -0 · findings: 8 new, 1 fixed, 10 existing, 0 accepted`: what the headline does not count. */
function contextLine(report: Report): string {
  const s = report.summary;
  const parts: string[] = [];
  if (s.workloadsAdded || s.workloadsRemoved)
    parts.push(`workloads +${s.workloadsAdded} -${s.workloadsRemoved}`);
  const f = s.findings;
  if (f.new || f.fixed || f.existing || f.accepted)
    parts.push(`findings: ${f.new} new, ${f.fixed} fixed, ${f.existing} existing, ${f.accepted} accepted`);
  if (s.errors) parts.push(`${s.errors} input error${s.errors === 1 ? '' : 's'}`);
  return parts.map((p) => ` · ${p}`).join('');
}

function graphSections(report: Report): Section[] {
  const graph = mermaidGraph(report);
  return graph ? [{ head: `\n\n${graph.trimEnd()}`, items: [], tail: '' }] : [];
}

function omittedSections(report: Report): Section[] {
  const omitted = omittedText(report);
  return omitted ? [{ head: `\n\n> [!NOTE]\n> ${escapeMarkdown(omitted)}`, items: [], tail: '' }] : [];
}

function workloadSections(report: Report): Section[] {
  const { added, removed } = report.workloads;
  if (!added.length && !removed.length) return [];
  return [
    {
      head: `\n<details><summary>Workloads: ${added.length} added, ${removed.length} removed</summary>\n`,
      items: [...added.map((w) => `- added ${code(w)}`), ...removed.map((w) => `- removed ${code(w)}`)],
      tail: '\n\n</details>\n',
      noun: 'added or removed workload',
    },
  ];
}

function diagnosticItem(d: Diagnostic, report: Report, links?: ReportLinks): string {
  const where = d.location ? `${diagnosticLocation(d.location, report, links)} ` : '';
  const dropped = d.dropped ? ` (dropped: ${code(d.dropped)})` : '';
  return `- **${d.severity}** ${where}${messageMarkdown(d.message)}${dropped}`;
}

/**
 * Errors and warnings in one block (open when the analysis is incomplete), skipped files in
 * another; a block is only there when it lists something.
 */
function diagnosticSections(report: Report, links?: ReportLinks): Section[] {
  const problems = report.diagnostics.filter((d) => d.severity !== 'note');
  const skipped = report.diagnostics.filter((d) => d.severity === 'note');
  const out: Section[] = [];
  if (problems.length) {
    const errors = problems.filter((d) => d.severity === 'error').length;
    const warnings = problems.length - errors;
    out.push({
      head: `\n<details${report.incomplete ? ' open' : ''}><summary>Input problems: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}</summary>\n`,
      items: problems.map((d) => diagnosticItem(d, report, links)),
      tail: '\n\n</details>\n',
      noun: 'input problem',
    });
  }
  if (skipped.length)
    out.push({
      head: `\n<details><summary>Skipped input (${skipped.length})</summary>\n`,
      items: skipped.map((d) => diagnosticItem(d, report, links).replace('**note** ', '')),
      tail: '\n\n</details>\n',
      noun: 'skipped file',
    });
  return out;
}

/**
 * `revision:file:line:column`, linked to the line when the revision is one of the report's sides
 * and links are known (a diagnostic names its revision by label).
 */
function diagnosticLocation(loc: SourceLocation, report: Report, links?: ReportLinks): string {
  const side =
    loc.revision === report.base.label ? 'base' : loc.revision === report.head.label ? 'head' : undefined;
  const text = code(fullLocation(loc));
  if (!side || !links?.[side]) return text;
  return `${text} (${markdownLocation(loc, side, links)})`;
}
