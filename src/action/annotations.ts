import type * as core from '@actions/core';
import type { SourceLocation } from '../core/location.js';
import { neutralise } from '../core/safe-text.js';
import { uncertainBecauseText } from '../render/uncertainty.js';
import type { FailOn } from '../report/fail-on.js';
import type { Finding, PathChange, Report } from '../report/types.js';
import { safeLog } from './safe-log.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  readonly level: AnnotationLevel;
  readonly title: string;
  readonly message: string;
  /** Repository-relative; absent when nothing in head is responsible (e.g. a default allow). */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * GitHub shows at most 10 annotations of each level per step. One error is left for
 * `core.setFailed` and two warnings for the action's own (comment, merge base), so a "N more
 * omitted" line always survives.
 */
export const ANNOTATION_LIMITS: Readonly<Record<AnnotationLevel, number>> = {
  error: 9,
  warning: 8,
  notice: 10,
};

interface MappingContext {
  readonly report: Report;
  readonly failOn: FailOn;
  /** Workspace-relative directory head was read from, when it is a directory. */
  readonly headDirectory?: string;
}

/** Report files are relative to the side they come from; annotations need repository paths. */
function place(loc: SourceLocation, ctx: MappingContext): Pick<Annotation, 'file' | 'line' | 'column'> {
  if (ctx.headDirectory !== undefined) {
    // Only head's files can be placed: a base directory's paths mean nothing in the checkout.
    if (loc.revision !== ctx.report.head.label) return {};
    const dir = ctx.headDirectory.replace(/\/+$/, '');
    return {
      file: dir === '' || dir === '.' ? loc.file : `${dir}/${loc.file}`,
      line: loc.line,
      column: loc.column,
    };
  }
  return { file: loc.file, line: loc.line, column: loc.column };
}

function changeLevel(change: PathChange, failOn: FailOn): AnnotationLevel {
  const fails = failOn.includes('any-change') || (change.kind === 'opened' && failOn.includes('opened'));
  if (fails) return 'error';
  return change.kind === 'opened' ? 'warning' : 'notice';
}

/** Opened paths, and changed ones that allow something new, at each head rule that allows them. */
function changeAnnotations(change: PathChange, ctx: MappingContext): Annotation[] {
  const widened = change.kind === 'changed' && change.added !== '';
  if (change.kind !== 'opened' && !widened) return [];
  const level = changeLevel(change, ctx.failOn);
  const path = change.kind === 'opened' ? 'policy-diff: path opened' : 'policy-diff: path widened';
  const title = change.uncertain ? `${path} (uncertain)` : path;
  // An uncertain change says so on its own line of the diff view, not only in the comment.
  const because = change.uncertain
    ? ` [uncertain: ${uncertainBecauseText(change) ?? 'a policy that may apply was not understood'}]`
    : '';
  const what = `${change.source.id} → ${change.destination.id} now allows ${change.added || change.after}${because}`;
  const before = change.kind === 'opened' ? '' : ` (before: ${change.before})`;
  const allows = change.causes.filter((c) => c.effect === 'allows' && c.revision === 'head');
  if (allows.length === 0) {
    const why = change.workloadsDiff ? ` (${change.workloadsDiff})` : ' (no policy restricts it)';
    return [{ level, title, message: `${what}${before}${why}` }];
  }
  return allows.map((cause) => ({
    level,
    title,
    message: `${what}${before}: allowed by ${cause.rule}${cause.conns ? ` (${cause.conns})` : ''}`,
    ...place(cause.location, ctx),
  }));
}

const SEVERITY_LEVEL: Readonly<Record<Finding['severity'], AnnotationLevel>> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
};

function findingAnnotation(finding: Finding, ctx: MappingContext): Annotation {
  const loc = finding.locations.find((l) => l.revision === ctx.report.head.label) ?? finding.locations[0];
  return {
    level: SEVERITY_LEVEL[finding.severity],
    title: `policy-diff: ${finding.title}`,
    message: `${finding.message} [${finding.rule}]`,
    ...(loc ? place(loc, ctx) : {}),
  };
}

/** Every annotation the report calls for, most important first, duplicates removed. */
export function buildAnnotations(report: Report, failOn: FailOn, headDirectory?: string): Annotation[] {
  const ctx: MappingContext = { report, failOn, ...(headDirectory !== undefined && { headDirectory }) };
  const all = [
    ...report.findings.filter((f) => f.status === 'new').map((f) => findingAnnotation(f, ctx)),
    ...report.changes.flatMap((c) => changeAnnotations(c, ctx)),
  ];
  const seen = new Set<string>();
  return all.filter((a) => {
    const key = `${a.level}\u0000${a.file ?? ''}\u0000${a.line ?? 0}\u0000${a.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Keeps what GitHub will show; the last slot of a full level says how many were left out. */
export function capAnnotations(
  annotations: readonly Annotation[],
  limits: Readonly<Record<AnnotationLevel, number>> = ANNOTATION_LIMITS,
): Annotation[] {
  const kept: Annotation[] = [];
  for (const level of ['error', 'warning', 'notice'] as const) {
    const ofLevel = annotations.filter((a) => a.level === level);
    const limit = limits[level];
    if (ofLevel.length <= limit) {
      kept.push(...ofLevel);
      continue;
    }
    const shown = ofLevel.slice(0, Math.max(0, limit - 1));
    kept.push(...shown, {
      level,
      title: 'policy-diff: more annotations omitted',
      message: `${ofLevel.length - shown.length} more ${level} annotations omitted (GitHub shows 10 of each type per step): see the job summary for the full report`,
    });
  }
  return kept;
}

const EMIT: Readonly<Record<AnnotationLevel, typeof safeLog.error>> = {
  error: safeLog.error,
  warning: safeLog.warning,
  notice: safeLog.notice,
};

export function emitAnnotations(annotations: readonly Annotation[]): void {
  for (const a of annotations) {
    const properties: core.AnnotationProperties = {
      title: neutralise(a.title),
      // A path with control characters cannot be pointed at safely: it is shown neutralised.
      ...(a.file !== undefined && { file: neutralise(a.file) }),
      ...(a.line !== undefined && { startLine: a.line }),
      ...(a.column !== undefined && { startColumn: a.column }),
    };
    EMIT[a.level](a.message, properties);
  }
}
