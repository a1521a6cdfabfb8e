import { fileLine } from '../core/location.js';
import type { CauseGroup, ChangeGrouping, FoldedChanges } from '../report/cause-groups.js';
import type { ChangeClass } from '../report/risk.js';
import type { Cause, PathChange } from '../report/types.js';
import { type Style, type StyledLine, styled } from './ansi.js';
import { sanitize } from './escape.js';
import { targetPrefix } from './targets-text.js';
import { uncertainBecauseText } from './uncertainty.js';
import { causeLines, l7ChangeText } from './wording.js';

const CLASS_TITLE: Readonly<Record<ChangeClass, string>> = {
  opened: 'Opened',
  widened: 'Widened',
  closed: 'Closed',
  narrowed: 'Narrowed',
  changed: 'Changed',
};

/** Green for what now gets through, red for what no longer does, yellow for both ways. */
export const CLASS_STYLE: Readonly<Record<ChangeClass, Style>> = {
  opened: 'opened',
  widened: 'opened',
  closed: 'closed',
  narrowed: 'changed',
  changed: 'changed',
};

/**
 * One section of the text report: the changes of one class, grouped by the rule that explains
 * them (riskiest group first), then the class's folded noise on one line.
 */
export function changeSectionLines(grouping: ChangeGrouping, k: ChangeClass): StyledLine[] {
  const groups = grouping.groups.filter((g) => g.class === k);
  const folded = grouping.folded.find((f) => f.class === k);
  const n = groups.reduce((s, g) => s + g.changes.length, 0) + (folded?.changes.length ?? 0);
  if (n === 0) return [];
  const out = [styled(''), styled(`${CLASS_TITLE[k]} (${n})`, 'bold', CLASS_STYLE[k])];
  for (const g of groups) out.push(...groupLines(g));
  if (folded) out.push(...foldedLines(folded));
  return out;
}

/** `allowed by NetworkPolicy shop/x ingress[0] (netpol.yaml:7): 3 paths`. */
function groupLines(g: CauseGroup): StyledLine[] {
  const n = g.changes.length;
  const paths = `${n} path${n === 1 ? '' : 's'}`;
  const head = g.cause
    ? `${causePhrase(g.cause)}: ${paths}`
    : `${paths} no rule explains (no policy restricts them)`;
  const out = [styled(`  ${head}`, 'bold')];
  for (const { change } of g.changes) out.push(...changeLines(change, g.cause).map((t) => styled(t)));
  return out;
}

function causePhrase(c: Cause): string {
  const [line] = causeLines([c]);
  // No connections here: they differ per pair, and each pair's line says its own.
  return `${line?.lead ?? ''} ${sanitize(c.rule)} (${sanitize(fileLine(c.location))})`;
}

/** Noise of one class: counted and named on one line, not listed pair by pair. */
function foldedLines(f: FoldedChanges): StyledLine[] {
  const n = f.changes.length;
  const named = f.changes
    .slice(0, 5)
    .map((c) => `${targetPrefix(c)}${sanitize(c.source.id)} -> ${sanitize(c.destination.id)}`);
  const more = n > named.length ? `, and ${n - named.length} more` : '';
  return [
    styled(
      `  ${n} more ${f.class} path${n === 1 ? '' : 's'} only on UDP/SCTP or the sidecar's own ports (15020, 15021, 15090): ${named.join(', ')}${more} (all are in --format json)`,
    ),
  ];
}

/** A change under its group: the pair and its connections, then what else explains it. */
function changeLines(c: PathChange, groupCause: Cause | undefined): string[] {
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
  const lines = [
    `    ${targetPrefix(c)}${sanitize(c.source.id)} -> ${sanitize(c.destination.id)} : ${delta}${flags}`,
  ];
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
  // The group's own rule heads the group; the others are named under each pair.
  const others = c.causes.filter((x) => !groupCause || !sameRule(x, groupCause));
  for (const line of causeLines(others)) {
    const rules = line.rules.map((r) => `${sanitize(r.rule)} (${sanitize(r.where)})`).join(', ');
    lines.push(`      ${line.lead} ${rules}${line.conns ? ` [${line.conns}]` : ''}`);
  }
  return lines;
}

/** The same rule at the same place: each change carries its own copy of a shared cause. */
function sameRule(a: Cause, b: Cause): boolean {
  return (
    a.rule === b.rule &&
    a.revision === b.revision &&
    a.effect === b.effect &&
    a.location.file === b.location.file &&
    a.location.line === b.location.line
  );
}
