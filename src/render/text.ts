import { formatDiagnostic } from '../core/diagnostics.js';
import { safeLine } from '../core/safe-text.js';
import type { PathChange, Report } from '../report/types.js';
import { sanitize } from './escape.js';
import { findingTextLines } from './findings.js';
import { groupByDestinationNamespace } from './group.js';
import { incompleteHeadline, moreProblemsText, uncertainBecauseText } from './uncertainty.js';
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

/** The terminal report: same content as the PR comment, plain text. */
export function renderText(report: Report): string {
  const out: string[] = [];
  out.push(
    `policy-diff ${revisionText(report.base)} -> ${revisionText(report.head)} [${LAYER_TEXT[report.layer]}]`,
  );
  out.push(summaryLine(report));
  out.push(...incompleteLines(report));
  out.push(...findingTextLines(report));
  for (const kind of ['opened', 'closed', 'changed'] as const) {
    const changes = report.changes.filter((c) => c.kind === kind);
    if (changes.length === 0) continue;
    out.push('', `${KIND_TITLE[kind]} (${changes.length})`);
    for (const [ns, group] of groupByDestinationNamespace(changes)) {
      out.push(`  ${sanitize(ns)}`);
      for (const c of group) out.push(...changeLines(c));
    }
  }
  const omitted = omittedText(report);
  if (omitted) out.push('', omitted);
  if (report.workloads.added.length || report.workloads.removed.length) {
    out.push('', 'Workloads');
    for (const w of report.workloads.added) out.push(`  + ${sanitize(w)}`);
    for (const w of report.workloads.removed) out.push(`  - ${sanitize(w)}`);
  }
  const shown = report.diagnostics.filter((d) => d.severity !== 'note');
  if (shown.length) {
    out.push('', `Input problems (${shown.length})`);
    for (const d of shown) out.push(`  ${sanitize(formatDiagnostic(d), 2000)}`);
  }
  const notes = report.diagnostics.length - shown.length;
  if (notes)
    out.push(
      '',
      `${notes} file${notes === 1 ? '' : 's'} or document${notes === 1 ? '' : 's'} skipped as not Kubernetes manifests (use --format json to list them).`,
    );
  if (noPathChanged(report) && !report.incomplete) out.push('', 'No change in who can reach whom.');
  // In a workflow its lines are the step log: none may start a workflow command.
  return `${out.map(safeLine).join('\n')}\n`;
}

/** First after the summary: that the result is incomplete, and what was not understood. */
function incompleteLines(report: Report): string[] {
  const h = incompleteHeadline(report);
  if (!h) return [];
  const more = moreProblemsText(h);
  return [
    '',
    `ANALYSIS INCOMPLETE: ${h.lead}`,
    ...h.problems.map((d) => `  ${sanitize(formatDiagnostic(d), 300)}`),
    ...(more ? [`  ${more}`] : []),
  ];
}

function changeLines(c: PathChange): string[] {
  const delta =
    c.kind === 'changed'
      ? c.before === c.after
        ? c.after
        : `${c.before} -> ${c.after}${c.added ? ` (+${c.added})` : ''}${c.removed ? ` (-${c.removed})` : ''}`
      : c.kind === 'opened'
        ? c.after
        : c.before;
  const flags = [
    c.uncertain ? ' [UNCERTAIN]' : '',
    c.workloadsDiff ? ` (${sanitize(c.workloadsDiff)})` : '',
  ].join('');
  const lines = [`    ${sanitize(c.source.id)} -> ${sanitize(c.destination.id)} : ${delta}${flags}`];
  const because = uncertainBecauseText(c);
  if (because) lines.push(`      ${sanitize(because, 1000)}`);
  if (c.l7Change) {
    lines.push(
      `      ${l7ChangeText(c.l7Change)}:`,
      `        before: ${c.l7Before || 'nothing'}`,
      `        after:  ${c.l7After || 'nothing'}`,
    );
  } else if (c.l7Before !== undefined || c.l7After !== undefined) {
    lines.push(`      L7 before: ${c.l7Before || 'nothing'}`, `      L7 after:  ${c.l7After || 'nothing'}`);
  }
  for (const line of causeLines(c.causes)) {
    const rules = line.rules.map((r) => `${sanitize(r.rule)} (${sanitize(r.where)})`).join(', ');
    lines.push(`      ${line.lead} ${rules}${line.conns ? ` [${line.conns}]` : ''}`);
  }
  return lines;
}
