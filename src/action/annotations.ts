import type * as core from '@actions/core';
import type { SourceLocation } from '../core/location.js';
import { neutralise } from '../core/safe-text.js';
import { openingPlaces } from '../render/opening-causes.js';
import { uncertainBecauseText } from '../render/uncertainty.js';
import type { FailOn } from '../report/fail-on.js';
import { changeRisk } from '../report/risk.js';
import type { Cause, Finding, PathChange, Report } from '../report/types.js';
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
 * GitHub shows at most 10 error and 10 warning annotations per step (and 50 per job) of those a
 * step writes as workflow commands (`::warning file=...`, which core.warning emits; the checks
 * API is not used): the rest are dropped silently (community discussion 68471 on GitHub; the
 * toolkit's core.warning docs). One error is left for `core.setFailed` and two warnings for the
 * action's own (comment, merge base), so a "N more omitted" line always survives. 9 + 8 + 10
 * stays under 50.
 */
export const ANNOTATION_LIMITS: Readonly<Record<AnnotationLevel, number>> = {
  error: 9,
  warning: 8,
  notice: 10,
};

/** Pairs named in one annotation's message; the rest are counted. */
const PAIRS_NAMED = 10;

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

const LEVEL_RANK: Readonly<Record<AnnotationLevel, number>> = { error: 0, warning: 1, notice: 2 };

/** Opened paths, and changed ones that allow something new (connections or L7 scope). */
function widens(c: PathChange): boolean {
  return (
    c.kind === 'opened' ||
    (c.kind === 'changed' && (c.added !== '' || c.l7Change === 'widened' || c.l7Change === 'changed'))
  );
}

/** What a pair now allows, and why it may be wrong. */
function pairText(change: PathChange, cause?: Cause): string {
  const what =
    change.kind === 'opened'
      ? cause?.conns || change.after
      : change.added !== ''
        ? `+${change.added}, before: ${change.before}`
        : `L7 scope ${change.l7Change === 'changed' ? 'changed both ways' : 'widened'}`;
  // An uncertain change says so on its own line of the diff view, not only in the comment.
  const doubt = change.uncertain
    ? ` [uncertain: ${uncertainBecauseText(change) ?? 'a policy that may apply was not understood'}]`
    : '';
  return `${change.source.id} → ${change.destination.id} (${what})${doubt}`;
}

/** The paths one place at head lets through: one annotation, however many pairs. */
interface PathsAt {
  readonly rule?: string;
  readonly place: Pick<Annotation, 'file' | 'line' | 'column'>;
  readonly opened: string[];
  readonly widened: string[];
  level: AnnotationLevel;
  uncertain: boolean;
  risk: number;
}

/**
 * Opened and widened paths, one annotation per head location that allows them (a rule that opens
 * a namespace to 40 sources is one annotation naming them, not 40), riskiest location first so
 * the cap keeps those. Paths no head rule allows (no policy restricts them) share one annotation.
 */
function pathAnnotations(ctx: MappingContext): Annotation[] {
  const at = new Map<string, PathsAt>();
  const add = (key: string, init: () => PathsAt, change: PathChange, text: string) => {
    const entry = at.get(key) ?? init();
    at.set(key, entry);
    (change.kind === 'opened' ? entry.opened : entry.widened).push(text);
    const level = changeLevel(change, ctx.failOn);
    if (LEVEL_RANK[level] < LEVEL_RANK[entry.level]) entry.level = level;
    entry.uncertain ||= change.uncertain;
    entry.risk = Math.max(entry.risk, changeRisk(change).score);
  };
  for (const change of ctx.report.changes) {
    if (!widens(change)) continue;
    const placed = openingPlaces(change).map((p) => ({ ...p, place: place(p.cause.location, ctx) }));
    const init =
      (rule?: string, p: PathsAt['place'] = {}) =>
      (): PathsAt => ({
        ...(rule !== undefined && { rule }),
        place: p,
        opened: [],
        widened: [],
        level: 'notice',
        uncertain: false,
        risk: 0,
      });
    if (placed.length === 0) {
      const why = change.workloadsDiff ?? 'no policy restricts it';
      add('', init(), change, `${pairText(change)} (${why})`);
      continue;
    }
    for (const { cause, name, lifted, place: p } of placed) {
      // De-duplicated by file:line: two rules on one line (a list item) read as one place.
      const key = p.file !== undefined ? `${p.file}:${p.line ?? 0}` : `\u0000${name}`;
      const who = lifted ? `${name} no longer denies what it denied in base: it` : name;
      add(key, init(who, p), change, pairText(change, lifted ? undefined : cause));
    }
  }
  const entries = [...at.values()];
  entries.sort((a, b) => b.risk - a.risk);
  return entries.map(pathAnnotation);
}

function pathAnnotation(e: PathsAt): Annotation {
  const counts = [
    e.opened.length ? `opens ${plural(e.opened.length, 'path')}` : '',
    e.widened.length ? `widens ${plural(e.widened.length, 'path')}` : '',
  ].filter((x) => x !== '');
  const many = e.opened.length + e.widened.length > 1;
  const kind = `${many ? 'paths' : 'path'} ${e.opened.length ? 'opened' : 'widened'}`;
  const title = `policy-diff: ${kind}${e.uncertain ? ' (uncertain)' : ''}`;
  const who = e.rule ?? 'No policy restricts these; the change';
  const pairs = [...e.opened, ...e.widened];
  const shown = pairs.slice(0, PAIRS_NAMED).join('; ');
  const more =
    pairs.length > PAIRS_NAMED ? `; and ${pairs.length - PAIRS_NAMED} more (all in the job summary)` : '';
  return { level: e.level, title, message: `${who} ${counts.join(' and ')}: ${shown}${more}`, ...e.place };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
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

/**
 * New findings of one rule at one place (one PeerAuthentication that four plaintext clients
 * cannot pass) read as one annotation: the first message, and how many more pairs it concerns.
 */
function findingAnnotations(ctx: MappingContext): Annotation[] {
  const groups = new Map<string, { annotation: Annotation; finding: Finding; more: string[] }>();
  for (const f of ctx.report.findings) {
    if (f.status !== 'new') continue;
    const a = findingAnnotation(f, ctx);
    const key =
      a.file !== undefined ? `${a.level}\u0000${f.rule}\u0000${a.file}:${a.line ?? 0}` : `\u0000${a.message}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { annotation: a, finding: f, more: [] });
    else if (a.message !== g.annotation.message) g.more.push(subject(f));
  }
  return [...groups.values()].map(({ annotation, more }) =>
    more.length === 0
      ? annotation
      : {
          ...annotation,
          message: `${annotation.message} The same for ${plural(more.length, 'more subject')}: ${more.slice(0, PAIRS_NAMED).join('; ')}${more.length > PAIRS_NAMED ? `; and ${more.length - PAIRS_NAMED} more` : ''}`,
        },
  );
}

function subject(f: Finding): string {
  if (f.source !== undefined && f.destination !== undefined) return `${f.source} → ${f.destination}`;
  return f.source ?? f.destination ?? f.title;
}

/**
 * Every annotation the report calls for: opened and widened paths first (what a reviewer must
 * check, on the rule's line), then new findings; capAnnotations keeps the first of each level.
 */
export function buildAnnotations(report: Report, failOn: FailOn, headDirectory?: string): Annotation[] {
  const ctx: MappingContext = { report, failOn, ...(headDirectory !== undefined && { headDirectory }) };
  return [...pathAnnotations(ctx), ...findingAnnotations(ctx)];
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
