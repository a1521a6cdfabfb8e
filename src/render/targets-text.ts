import type { PathChange, Report, TargetSection } from '../report/types.js';
import { sanitize } from './escape.js';

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

/**
 * `Targets: clusters/prod opens 2, closes 1; clusters/staging no change`: every target, the ones
 * that changed first, so a reviewer sees which clusters the PR touches. Undefined for one cluster.
 */
export function targetsSummary(report: Report, name: (n: string) => string): string | undefined {
  if (!report.targets || report.targets.length === 0) return undefined;
  const ordered = [...report.targets.filter((t) => t.changed), ...report.targets.filter((t) => !t.changed)];
  return `Targets: ${ordered.map((t) => `${name(sanitize(t.name))} ${targetCounts(t)}`).join('; ')}`;
}

/** `[clusters/prod] ` in front of a pair of a repository with several targets, else nothing. */
export function targetPrefix(c: PathChange): string {
  return c.target === undefined ? '' : `[${sanitize(c.target)}] `;
}
