import { fileLine, type SourceLocation } from '../core/location.js';
import type { Report } from '../report/types.js';
import { code } from './escape.js';
import { revisionText } from './wording.js';

/**
 * Where the report's locations link to: the repository's file view at each side's commit
 * (`<server>/<owner>/<repo>/blob/<sha>/`). Absent: locations are plain code spans. Plain data,
 * built by `repositoryLinks` (the Action from its event, the CLI from `--link-base`), so every
 * URL in it was checked once: http(s) only, no credentials, hex shas.
 */
export interface ReportLinks {
  /** File view prefix for the base side, ending in `/` (`https://github.com/o/r/blob/<sha>/`). */
  readonly base?: string;
  /** File view prefix for the head side. */
  readonly head?: string;
  /** The CI run that produced the report. */
  readonly run?: string;
  /** Each side's commit page (`https://github.com/o/r/commit/<sha>`). */
  readonly commit?: { readonly base?: string; readonly head?: string };
  /** Branch names shown beside the short shas (a PR's base and head ref): text, never a URL. */
  readonly ref?: { readonly base?: string; readonly head?: string };
}

type Side = 'base' | 'head';

const SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

/** Short shas in the header, as GitHub shows them. */
const SHORT_SHA = 7;

/**
 * A repository's web address (`https://github.com/o/r`, a GHES host, a path prefix) normalised:
 * http(s) only, no credentials, query or fragment, no trailing `/` or `.git`. Undefined when the
 * text is not such an address, so nothing a user or an input wrote becomes a `javascript:` link.
 */
export function repositoryWebUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password || url.search || url.hash) return undefined;
  // The URL parser encodes spaces and `<>` but not parentheses, which would end a Markdown link.
  const path = url.pathname
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/[()']/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${url.origin}${path}`;
}

/**
 * One URL path segment: encodeURIComponent leaves `(`, `)`, `'`, `!` and `*` as they are, and an
 * unbalanced parenthesis ends a Markdown link destination early, so those are encoded too.
 */
export function encodePathSegment(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export interface LinkSources {
  /** The repository's web address; anything else yields no links at all. */
  readonly repository: string;
  /** The run's page (already built from checked parts). */
  readonly run?: string;
  readonly ref?: { readonly base?: string; readonly head?: string };
}

/**
 * Links for a report: each side that is a git commit links to its files and its commit page; a
 * directory side (no commit) links nowhere. Undefined when the repository address is not one.
 */
export function repositoryLinks(
  sources: LinkSources,
  report: Pick<Report, 'base' | 'head'>,
): ReportLinks | undefined {
  const repository = repositoryWebUrl(sources.repository);
  if (repository === undefined) return undefined;
  const sha = (side: Side) => {
    const commit = report[side].commit;
    return commit !== undefined && SHA.test(commit) ? commit : undefined;
  };
  const base = sha('base');
  const head = sha('head');
  const refs = sources.ref;
  return {
    ...(base && { base: `${repository}/blob/${base}/` }),
    ...(head && { head: `${repository}/blob/${head}/` }),
    ...(sources.run !== undefined && repositoryWebUrl(sources.run) === sources.run && { run: sources.run }),
    commit: {
      ...(base && { base: `${repository}/commit/${base}` }),
      ...(head && { head: `${repository}/commit/${head}` }),
    },
    ...(refs && { ref: refs }),
  };
}

/** `file:line` as Markdown: a link to the line at the side's commit when known, else a code span. */
export function markdownLocation(loc: SourceLocation, side: Side, links?: ReportLinks): string {
  const prefix = links?.[side];
  const label = code(fileLine(loc));
  if (!prefix) return label;
  const line = Number.isInteger(loc.line) && loc.line > 0 ? `#L${loc.line}` : '';
  return `[${label}](${prefix}${loc.file.split('/').map(encodePathSegment).join('/')}${line})`;
}

function sideMarkdown(report: Pick<Report, 'base' | 'head'>, side: Side, links?: ReportLinks): string {
  const revision = report[side];
  const url = links?.commit?.[side];
  if (!url || revision.commit === undefined) return code(revisionText(revision));
  const name = links?.ref?.[side] ?? (revision.label !== revision.commit ? revision.label : undefined);
  const commit = `[${code(revision.commit.slice(0, SHORT_SHA))}](${url})`;
  return name ? `${code(name)} @ ${commit}` : commit;
}

/**
 * The header's revisions: `` `main` @ [`1a2b3c4`](…/commit/…) → `feature` @ [`5d6e7f8`](…) ``,
 * then ` · [workflow run](…)` when the run is known. Without links, each side is its label with
 * the resolved commit as a code span, as before.
 */
export function revisionsMarkdown(report: Pick<Report, 'base' | 'head'>, links?: ReportLinks): string {
  const sides = `${sideMarkdown(report, 'base', links)} → ${sideMarkdown(report, 'head', links)}`;
  return links?.run ? `${sides} · [workflow run](${links.run})` : sides;
}
