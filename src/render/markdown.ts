import { fullLocation } from '../core/location.js';
import type { PathChange, Report } from '../report/types.js';
import { code, escapeMarkdown } from './escape.js';
import { findingMarkdownSections } from './findings.js';
import { groupByDestinationNamespace } from './group.js';
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
  /** Hard cap on the length of the result (GitHub comments: 65,536). Default: unlimited. */
  readonly maxChars?: number;
  /** Where the full report is when this one is cut (e.g. "the job summary"). */
  readonly fullReportHint?: string;
}

/** A titled block of items; when the budget runs out, items are dropped from the end with a note. */
interface Section {
  readonly head: string;
  readonly items: readonly string[];
  readonly tail: string;
}

const ICON = { opened: '🟢', closed: '🔴', changed: '🟡' } as const;

/** The PR comment / job summary: summary first, then collapsible sections by namespace. */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const sections = [
    headerSection(report),
    ...findingMarkdownSections(report),
    ...changeSections(report),
    ...workloadSections(report),
    ...diagnosticSections(report),
  ];
  return fitSections(
    sections,
    options.maxChars ?? Number.POSITIVE_INFINITY,
    options.fullReportHint ?? 'the full report (`--format markdown` without a limit)',
  );
}

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
  if (report.incomplete) {
    lines.push(
      '',
      `> [!CAUTION]\n> **Analysis incomplete**: ${s.errors} input problem${s.errors === 1 ? '' : 's'} could not be understood (listed below). Paths they touch may be wrong, so this check fails.`,
    );
  }
  return { head: lines.join('\n'), items: [], tail: '' };
}

function changeSections(report: Report): Section[] {
  const out: Section[] = [];
  const omitted = omittedText(report);
  if (omitted) out.push({ head: `\n\n> [!NOTE]\n> ${escapeMarkdown(omitted)}`, items: [], tail: '' });
  for (const kind of ['opened', 'closed', 'changed'] as const) {
    const changes = report.changes.filter((c) => c.kind === kind);
    if (changes.length === 0) continue;
    out.push({ head: `\n\n#### ${ICON[kind]} ${KIND_TITLE[kind]} (${changes.length})`, items: [], tail: '' });
    for (const [ns, group] of groupByDestinationNamespace(changes)) {
      out.push({
        head: `\n<details${kind === 'opened' ? ' open' : ''}><summary>to namespace <b>${escapeMarkdown(ns)}</b> (${group.length})</summary>\n`,
        items: group.map(changeItem),
        tail: '\n\n</details>\n',
      });
    }
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
    },
  ];
}

function diagnosticSections(report: Report): Section[] {
  const shown = report.diagnostics.filter((d) => d.severity !== 'note');
  const notes = report.diagnostics.length - shown.length;
  if (!shown.length && !notes) return [];
  return [
    {
      head: `\n<details${report.incomplete ? ' open' : ''}><summary>Input problems: ${shown.filter((d) => d.severity === 'error').length} errors, ${shown.filter((d) => d.severity === 'warning').length} warnings, ${notes} skipped</summary>\n`,
      items: shown.map(
        (d) =>
          `- **${d.severity}** ${d.location ? code(fullLocation(d.location)) : ''} ${escapeMarkdown(d.message)}${d.dropped ? ` (dropped: ${code(d.dropped)})` : ''}`,
      ),
      tail: '\n\n</details>\n',
    },
  ];
}

/**
 * Joins sections within `max` characters. Whole sections first; the section that does not fit
 * keeps the items that do, closes its tags, and a note says what was left out and where to find it.
 */
function fitSections(sections: readonly Section[], max: number, hint: string): string {
  const note = (n: number) =>
    `\n\n> [!NOTE]\n> ${n} more item${n === 1 ? '' : 's'} not shown to stay within the size limit; see ${hint}.`;
  const reserve = note(Number.MAX_SAFE_INTEGER).length;
  const total = sections.reduce((n, s) => n + s.items.length, 0);
  let out = '';
  let shown = 0;
  for (const s of sections) {
    const whole = joinSection(s, s.items);
    if (
      out.length + whole.length + reserve <= max ||
      (out.length + whole.length <= max && shown + s.items.length === total)
    ) {
      out += whole;
      shown += s.items.length;
      continue;
    }
    const kept: string[] = [];
    for (const item of s.items) {
      if (out.length + joinSection(s, [...kept, item]).length + reserve > max) break;
      kept.push(item);
    }
    if (kept.length || s.items.length === 0) out += joinSection(s, kept);
    shown += kept.length;
    return `${out}${note(total - shown)}\n`.slice(0, max);
  }
  return `${out}\n`;
}

function joinSection(s: Section, items: readonly string[]): string {
  return `${s.head}${items.length ? `\n${items.join('\n')}` : ''}${s.tail}`;
}
