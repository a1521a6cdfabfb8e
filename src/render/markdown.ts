import type { Diagnostic } from '../core/diagnostics.js';
import { fullLocation } from '../core/location.js';
import type { PathChange, Report } from '../report/types.js';
import { fitSections, type Section } from './budget.js';
import { code, escapeHtml, escapeMarkdown } from './escape.js';
import { findingMarkdownSections } from './findings.js';
import { groupByDestinationNamespace } from './group.js';
import { incompleteMarkdown, uncertainBecauseMarkdown } from './uncertainty.js';
import {
  causeLines,
  KIND_TITLE,
  LAYER_TEXT,
  l7ChangeText,
  noPathChanged,
  omittedText,
  revisionText,
  summaryLine,
} from './wording.js';

export interface MarkdownOptions {
  /** Hard cap on the length of the result in characters (GitHub comments: 65,536). Default: unlimited. */
  readonly maxChars?: number;
  /** Hard cap in UTF-8 bytes instead (the job summary: 1 MiB). */
  readonly maxBytes?: number;
  /** Where the full report is when this one is cut (e.g. "the job summary"). */
  readonly fullReportHint?: string;
}

const ICON = { opened: '🟢', widened: '🟢', closed: '🔴', changed: '🟡' } as const;

/** A changed pair that only gained: it reads with the openings, since that is what a reviewer must check. */
function isWidened(c: PathChange): boolean {
  if (c.kind !== 'changed' || c.removed !== '') return false;
  return c.l7Change === 'widened' || (c.added !== '' && c.l7Change === undefined);
}

/**
 * The PR comment / job summary, in the order a reviewer needs it, which is also the order the size
 * budget keeps: summary and what could not be understood (named in the headline), openings and widenings, new findings,
 * closings and other changes, then fixed and existing findings (noise last, so it is cut first).
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const widened = report.changes.filter(isWidened);
  const changed = report.changes.filter((c) => c.kind === 'changed' && !isWidened(c));
  const findings = findingMarkdownSections(report);
  const sections = [
    headerSection(report),
    ...omittedSections(report),
    ...changeSections(
      'opened',
      report.changes.filter((c) => c.kind === 'opened'),
    ),
    ...changeSections('widened', widened),
    ...findings.fresh,
    ...changeSections(
      'closed',
      report.changes.filter((c) => c.kind === 'closed'),
    ),
    ...changeSections('changed', changed),
    ...workloadSections(report),
    // The headline names the first errors; the whole list is long and waits until after the changes.
    ...diagnosticSections(report),
    ...findings.rest,
  ];
  const hint =
    options.fullReportHint ?? 'the full report (`--format markdown --max-chars 0`, or `--format json`)';
  if (options.maxBytes !== undefined)
    return fitSections(sections, { max: options.maxBytes, measure: utf8Length, hint });
  return fitSections(sections, { max: options.maxChars ?? Number.POSITIVE_INFINITY, hint });
}

const utf8Length = (text: string) => Buffer.byteLength(text, 'utf8');

function headerSection(report: Report): Section {
  const s = report.summary;
  const title =
    noPathChanged(report) && !report.incomplete
      ? '### policy-diff: no change in who can reach whom'
      : `### policy-diff: ${s.opened} opened, ${s.closed} closed, ${s.changed} changed`;
  const lines = [
    title,
    '',
    `${code(revisionText(report.base))} → ${code(revisionText(report.head))} · ${LAYER_TEXT[report.layer]} · ${escapeMarkdown(summaryLine(report))}`,
  ];
  // What was not understood comes first, named (render/uncertainty.ts).
  const incomplete = incompleteMarkdown(report);
  if (incomplete.length) lines.push('', incomplete.join('\n'));
  return { head: lines.join('\n'), items: [], tail: '' };
}

function omittedSections(report: Report): Section[] {
  const omitted = omittedText(report);
  return omitted ? [{ head: `\n\n> [!NOTE]\n> ${escapeMarkdown(omitted)}`, items: [], tail: '' }] : [];
}

const NOUN = {
  opened: 'opened path',
  widened: 'widened path',
  closed: 'closed path',
  changed: 'changed path',
};

function changeSections(kind: keyof typeof ICON, changes: readonly PathChange[]): Section[] {
  if (changes.length === 0) return [];
  const title = kind === 'widened' ? 'Widened' : KIND_TITLE[kind];
  const out: Section[] = [
    { head: `\n\n#### ${ICON[kind]} ${title} (${changes.length})`, items: [], tail: '' },
  ];
  for (const [ns, group] of groupByDestinationNamespace(changes)) {
    out.push({
      head: `\n<details${kind === 'opened' || kind === 'widened' ? ' open' : ''}><summary>to namespace <b>${escapeHtml(ns)}</b> (${group.length})</summary>\n`,
      items: group.map(changeItem),
      tail: '\n\n</details>\n',
      noun: NOUN[kind],
    });
  }
  return out;
}

function changeItem(c: PathChange): string {
  const conns =
    c.kind === 'changed'
      ? c.before === c.after
        ? code(c.after)
        : `${code(c.before)} → ${code(c.after)}`
      : `${code(c.kind === 'opened' ? c.after : c.before)}`;
  const flags = [
    c.uncertain ? ' ⚠️ **uncertain**' : '',
    c.workloadsDiff ? ` _(${escapeMarkdown(c.workloadsDiff)})_` : '',
  ].join('');
  const lines = [`- ${code(c.source.id)} → ${code(c.destination.id)}: ${conns}${flags}`];
  const because = uncertainBecauseMarkdown(c);
  if (because) lines.push(because);
  if (c.l7Before !== undefined || c.l7After !== undefined) {
    const lead = c.l7Change ? `**${l7ChangeText(c.l7Change)}**` : 'L7';
    lines.push(`  - ${lead}: ${code(c.l7Before || 'nothing')} → ${code(c.l7After || 'nothing')}`);
  }
  for (const line of causeLines(c.causes)) {
    const rules = line.rules.map((r) => `${code(r.rule)} (${code(r.where)})`).join(', ');
    lines.push(`  - ${line.lead} ${rules}${line.conns ? ` on ${code(line.conns)}` : ''}`);
  }
  return lines.join('\n');
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

function diagnosticItem(d: Diagnostic): string {
  const where = d.location ? `${code(fullLocation(d.location))} ` : '';
  const dropped = d.dropped ? ` (dropped: ${code(d.dropped)})` : '';
  return `- **${d.severity}** ${where}${escapeMarkdown(d.message)}${dropped}`;
}

/**
 * Errors and warnings in one block (open when the analysis is incomplete), skipped files in
 * another; a block is only there when it lists something.
 */
function diagnosticSections(report: Report): Section[] {
  const problems = report.diagnostics.filter((d) => d.severity !== 'note');
  const skipped = report.diagnostics.filter((d) => d.severity === 'note');
  const out: Section[] = [];
  if (problems.length) {
    const errors = problems.filter((d) => d.severity === 'error').length;
    const warnings = problems.length - errors;
    out.push({
      head: `\n<details${report.incomplete ? ' open' : ''}><summary>Input problems: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}</summary>\n`,
      items: problems.map(diagnosticItem),
      tail: '\n\n</details>\n',
      noun: 'input problem',
    });
  }
  if (skipped.length)
    out.push({
      head: `\n<details><summary>Skipped input (${skipped.length})</summary>\n`,
      items: skipped.map((d) => diagnosticItem(d).replace('**note** ', '')),
      tail: '\n\n</details>\n',
      noun: 'skipped file',
    });
  return out;
}
