import { Document, type LineCounter, type ScalarTag } from 'yaml';
import { KUBE_YAML } from './yaml-schema.js';

/** Lines, markers and plain scalars for the fast reader (fast-yaml.ts). */

/** Gives up on the file: the full parser reads it. */
export class Fallback extends Error {}

export function fail(): never {
  throw new Fallback();
}

/**
 * Tabs, control characters, other line breaks, a BOM past the start: not ours. (Helm's `{{` is:
 * where it is structure the reader falls back, and inside strings their exact ranges let
 * skip.ts's isHelmTemplate judge the file as it judges the full parser's documents.)
 */
export const UNSUPPORTED =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
  /[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\r(?!\n)/;

export interface Line {
  /** Offset of the first character, of the first non-space one, and of the end (before \r\n). */
  readonly start: number;
  readonly content: number;
  readonly end: number;
}

export function splitLines(text: string, from: number, counter: LineCounter): Line[] {
  const lines: Line[] = [];
  counter.addNewLine(0);
  let start = from;
  while (start <= text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    let content = start;
    while (content < end && text.charCodeAt(content) === 32) content++;
    lines.push({ start, content, end });
    if (nl < text.length) counter.addNewLine(nl + 1);
    start = nl + 1;
  }
  return lines;
}

export const PLAIN_TAGS = new Document(undefined, KUBE_YAML).schema.tags.filter(
  (t): t is ScalarTag => !('collection' in t && t.collection) && t.default === true && !!t.test,
);

/**
 * First characters of every plain scalar the null, bool, int and float tags take (`~`, `null`,
 * `y`, `on`, `true`, `false`, `no`, digits, signs, `.5`, `.inf`): one starting otherwise is a
 * string, without asking each tag (most of a manifest's scalars; fast-yaml-lines.test.ts checks
 * the shortcut against the tags).
 */
const MAY_RESOLVE = new Set([...'~nNyYtTfFoO0123456789+-.']);

export function isPlainString(source: string): boolean {
  return source.length > 0 && !MAY_RESOLVE.has(source[0]!);
}

/** Decimal integers the int tag takes whole (no sign, no leading zero, well inside int64). */
const SMALL_DECIMAL = /^(?:0|[1-9][0-9]{0,14})$/;

/** The value of a small decimal integer (ports, replicas) without the tags, or undefined. */
export function smallDecimal(source: string): number | undefined {
  return SMALL_DECIMAL.test(source) ? Number(source) : undefined;
}

/** The value go-yaml's rules give a plain scalar (yaml-schema.ts's tags, as the composer picks them). */
export function plainValue(source: string): unknown {
  if (isPlainString(source)) return source;
  const decimal = smallDecimal(source);
  if (decimal !== undefined) return decimal;
  const tag = PLAIN_TAGS.find((t) => t.test?.test(source));
  if (!tag) return source;
  let failed = false;
  const value = tag.resolve(
    source,
    () => {
      failed = true;
    },
    {} as never,
  );
  // `null` is a value like any other; an object (a merge key's symbol is no object) is not ours.
  if (failed || (typeof value === 'object' && value !== null)) fail();
  return value;
}

/** Whether line `line` is a `---` marker (alone or with a comment); content after it falls back. */
export function isMarker(text: string, line: Line): boolean {
  if (line.content !== line.start || !text.startsWith('---', line.start)) return false;
  const after = line.start + 3;
  if (after === line.end) return true;
  if (text.charCodeAt(after) !== 32) return false;
  let i = after;
  while (i < line.end && text.charCodeAt(i) === 32) i++;
  if (i < line.end && text.charCodeAt(i) !== 35) fail();
  return true;
}
