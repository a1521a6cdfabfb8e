import type { PathChange, Report, TargetSection } from '../report/types.js';
import { sanitize } from './escape.js';

/** Up to this many targets, each is named on the line; beyond, only the notable ones are. */
const INLINE_TARGETS = 6;
/** Notable targets named on the line at most; the rest are counted (the JSON lists them all). */
const NOTABLE_SHOWN = 20;

/** `opens 2, closes 1, changes 1` for one target, or `no change`. */
function targetCounts(t: TargetSection): string {
  const s = t.summary;
  const parts = [
    s.opened ? `opens ${s.opened}` : '',
    s.closed ? `closes ${s.closed}` : '',
    s.changed ? `changes ${s.changed}` : '',
    s.workloadsAdded || s.workloadsRemoved ? `workloads +${s.workloadsAdded} -${s.workloadsRemoved}` : '',
    s.findings.new ? `${s.findings.new} new finding${s.findings.new === 1 ? '' : 's'}` : '',
    s.findings.fixed ? `${s.findings.fixed} fixed` : '',
  ].filter(Boolean);
  const counts = parts.length > 0 ? parts.join(', ') : 'no change';
  return t.incomplete ? `${counts}, incomplete` : counts;
}

/** A target a reviewer must see named: it changed, or its result is incomplete. */
function notable(t: TargetSection): boolean {
  return t.changed || t.incomplete;
}

interface TargetsSplit {
  readonly line: string;
  /** The quiet targets' names, when the line only counts them. */
  readonly folded: readonly string[];
}

/**
 * Few targets: every one on the line, the changed first. Many (kubeflow has 65): the line counts
 * them and names only the changed or incomplete ones, so it stays readable; the quiet ones are
 * folded (`folded`) for the caller to list where its format can hide them.
 */
function splitTargets(targets: readonly TargetSection[], name: (n: string) => string): TargetsSplit {
  const label = (t: TargetSection) => `${name(sanitize(t.name))} ${targetCounts(t)}`;
  const loud = targets.filter(notable);
  const quiet = targets.filter((t) => !notable(t));
  if (targets.length <= INLINE_TARGETS) {
    const ordered = [...targets.filter((t) => t.changed), ...targets.filter((t) => !t.changed)];
    return { line: `Targets: ${ordered.map(label).join('; ')}`, folded: [] };
  }
  const changed = targets.filter((t) => t.changed).length;
  const shown = loud.slice(0, NOTABLE_SHOWN).map(label);
  if (loud.length > NOTABLE_SHOWN) shown.push(`${loud.length - NOTABLE_SHOWN} more changed or incomplete`);
  const head = `Targets: ${targets.length} targets, ${changed} changed`;
  const list = shown.length > 0 ? `: ${shown.join('; ')}` : '';
  const rest = quiet.length > 0 ? `; ${quiet.length} unchanged` : '';
  return { line: `${head}${list}${rest}`, folded: quiet.map((t) => name(sanitize(t.name))) };
}

/**
 * `Targets: clusters/prod opens 2, closes 1; clusters/staging no change`: which clusters the PR
 * touches, for the text report (many targets: the unchanged are counted, a few named). Undefined
 * for one cluster.
 */
export function targetsSummary(report: Report, name: (n: string) => string): string | undefined {
  if (!report.targets || report.targets.length === 0) return undefined;
  const { line, folded } = splitTargets(report.targets, name);
  if (folded.length === 0) return line;
  return folded.length <= INLINE_TARGETS ? `${line} (${folded.join(', ')})` : line;
}

/** The same for Markdown: the unchanged targets of a long list folded into a `<details>` below the line. */
export function targetsMarkdown(report: Report, name: (n: string) => string): string | undefined {
  if (!report.targets || report.targets.length === 0) return undefined;
  const { line, folded } = splitTargets(report.targets, name);
  if (folded.length === 0) return line;
  // Blank lines around the list: GitHub renders Markdown inside <details> only when separated.
  return [
    line,
    '',
    `<details><summary>${folded.length} unchanged targets</summary>`,
    '',
    folded.join(', '),
    '',
    '</details>',
  ].join('\n');
}

/** `[clusters/prod] ` in front of a pair of a repository with several targets, else nothing. */
export function targetPrefix(c: PathChange): string {
  return c.target === undefined ? '' : `[${sanitize(c.target)}] `;
}
