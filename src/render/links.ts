import { fileLine, type SourceLocation } from '../core/location.js';
import { code } from './escape.js';

/**
 * Where the report's locations link to: the repository's file view at each side's commit
 * (`<server>/<owner>/<repo>/blob/<sha>/`). Absent: locations are plain code spans.
 * STUB (lead): the links engineer owns this file and fills it in; the signatures stay.
 */
export interface ReportLinks {
  /** File view prefix for the base side, ending in `/` (`https://github.com/o/r/blob/<sha>/`). */
  readonly base?: string;
  /** File view prefix for the head side. */
  readonly head?: string;
  /** The CI run that produced the report. */
  readonly run?: string;
}

/** `file:line` as Markdown: a link to the line at the side's commit when known, else a code span. */
export function markdownLocation(loc: SourceLocation, side: 'base' | 'head', links?: ReportLinks): string {
  const prefix = links?.[side];
  const label = code(fileLine(loc));
  if (!prefix) return label;
  return `[${label}](${prefix}${loc.file.split('/').map(encodeURIComponent).join('/')}#L${loc.line})`;
}
