import type { Diagnostic } from '../core/diagnostics.js';
import { fullLocation } from '../core/location.js';
import type { PathChange, Report } from '../report/types.js';
import { code, escapeMarkdown } from './escape.js';

/** Errors named in the headline at most; the rest are counted (all are in the input problems list). */
export const MAX_HEADLINE_PROBLEMS = 5;

/** What an incomplete report says first: why, then what was not understood. */
export interface IncompleteHeadline {
  /** One sentence: how many inputs were not understood and what that does to the changes. */
  readonly lead: string;
  /** The first errors, in report order. */
  readonly problems: readonly Diagnostic[];
  /** Errors not named in `problems`. */
  readonly more: number;
}

/** The headline of an incomplete report (undefined when complete); each format words the items. */
export function incompleteHeadline(report: Report): IncompleteHeadline | undefined {
  if (!report.incomplete) return undefined;
  const errors = report.diagnostics.filter((d) => d.severity === 'error');
  const n = errors.length;
  const what = `${n} input problem${n === 1 ? '' : 's'} could not be read or understood`;
  const listed = report.changes.length;
  const uncertain = report.changes.filter((c) => c.uncertain).length;
  const changes = `${listed} listed change${listed === 1 ? '' : 's'}`;
  const effect =
    listed === 0
      ? 'no change is listed, but what that input says is missing'
      : uncertain === 0
        ? `no listed change could be explained by it`
        : `${uncertain} of ${changes} could be explained by it and ${uncertain === 1 ? 'is' : 'are'} marked uncertain`;
  return {
    lead: `${what}: ${effect}, so the check fails closed.`,
    problems: errors.slice(0, MAX_HEADLINE_PROBLEMS),
    more: Math.max(0, n - MAX_HEADLINE_PROBLEMS),
  };
}

/** `and 3 more (all in the input problems below)`, or undefined. */
export function moreProblemsText(h: IncompleteHeadline): string | undefined {
  return h.more > 0 ? `and ${h.more} more (all in the input problems below)` : undefined;
}

/** Why a change is uncertain, as plain text (`could be explained by main:a.yaml:3 yaml-syntax`). */
export function uncertainBecauseText(c: PathChange): string | undefined {
  if (!c.uncertainBecause?.length) return undefined;
  return `could be explained by input not understood: ${c.uncertainBecause.join(', ')}`;
}

/** The Markdown caution block of an incomplete report (empty when complete): lead, then the list. */
export function incompleteMarkdown(report: Report): string[] {
  const h = incompleteHeadline(report);
  if (!h) return [];
  const more = moreProblemsText(h);
  const item = (d: Diagnostic) =>
    `> - ${d.location ? `${code(fullLocation(d.location))}: ` : ''}${escapeMarkdown(cut(d.message, 300))} ${code(d.code)}`;
  return [
    `> [!CAUTION]\n> **Analysis incomplete**: ${escapeMarkdown(h.lead)}`,
    ...h.problems.map(item),
    ...(more ? [`> - ${escapeMarkdown(more)}`] : []),
  ];
}

/** The sub-item of an uncertain change naming what could explain it, in Markdown. */
export function uncertainBecauseMarkdown(c: PathChange): string | undefined {
  if (!c.uncertainBecause?.length) return undefined;
  return `  - ⚠️ could be explained by input not understood: ${c.uncertainBecause.map(code).join(', ')}`;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
