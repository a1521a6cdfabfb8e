import { fail } from './fast-yaml-lines.js';

/**
 * Values of block, multi-line plain and quoted scalars for the fast reader (fast-yaml.ts), ported
 * from the `yaml` package's composer (compose/resolve-block-scalar.js, resolve-flow-scalar.js,
 * yaml 2.x) so both readers give the very same strings. Where the composer would report an error,
 * these fail instead (the full parser then reads the file and reports it). Tabs never get here
 * (UNSUPPORTED), so the composer's tab branches are left out.
 */

/**
 * The value of a block scalar whose body (the lines after its header, as the lexer cuts them) is
 * `source`. `trimIndent` is the parent's indentation plus the explicit indentation indicator, or
 * the parent's indentation when there is none (the first content line then decides).
 */
export function blockScalarValue(
  source: string,
  folded: boolean,
  explicit: boolean,
  chomp: string,
  indent: number,
): string {
  const lines = splitBlockLines(source);
  let chompStart = lines.length;
  for (let i = lines.length - 1; i >= 0; --i) {
    const content = lines[i]![1];
    if (content === '' || content === '\r') chompStart = i;
    else break;
  }
  // An empty body: the fast reader never gets one (it falls back), kept for completeness.
  if (chompStart === 0) fail();
  let trimIndent = indent;
  let contentStart = 0;
  for (let i = 0; i < chompStart; ++i) {
    const [lead, content] = lines[i]!;
    if (content === '' || content === '\r') {
      if (!explicit && lead.length > trimIndent) trimIndent = lead.length;
    } else {
      // More-indented leading empty lines without an indicator: the composer's error.
      if (lead.length < trimIndent) fail();
      if (!explicit) trimIndent = lead.length;
      contentStart = i;
      if (trimIndent === 0) fail();
      break;
    }
  }
  // Trailing empty lines indented beyond the content are content (their extra spaces are kept).
  for (let i = lines.length - 1; i >= chompStart; --i) {
    if (lines[i]![0].length > trimIndent) chompStart = i + 1;
  }
  let value = '';
  let sep = '';
  let prevMoreIndented = false;
  for (let i = 0; i < contentStart; ++i) value += `${lines[i]![0].slice(trimIndent)}\n`;
  for (let i = contentStart; i < chompStart; ++i) {
    const line = lines[i]!;
    const lead = line[0];
    let content = line[1];
    if (content[content.length - 1] === '\r') content = content.slice(0, -1);
    if (content && lead.length < trimIndent) fail();
    if (!folded) {
      value += sep + lead.slice(trimIndent) + content;
      sep = '\n';
    } else if (lead.length > trimIndent) {
      // More-indented lines of a folded scalar keep their line breaks.
      if (sep === ' ') sep = '\n';
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
      value += sep + lead.slice(trimIndent) + content;
      sep = '\n';
      prevMoreIndented = true;
    } else if (content === '') {
      if (sep === '\n') value += '\n';
      else sep = '\n';
    } else {
      value += sep + content;
      sep = ' ';
      prevMoreIndented = false;
    }
  }
  if (chomp === '+') {
    for (let i = chompStart; i < lines.length; ++i) value += `\n${lines[i]![0].slice(trimIndent)}`;
    if (value[value.length - 1] !== '\n') value += '\n';
  } else if (chomp !== '-') {
    value += '\n';
  }
  return value;
}

/** `[indentation, rest]` of each line, as the composer splits a block scalar's body. */
function splitBlockLines(source: string): [string, string][] {
  const split = source.split(/\n( *)/);
  const first = split[0]!;
  const m = /^( *)/.exec(first);
  const lines: [string, string][] = [m?.[1] ? [m[1], first.slice(m[1].length)] : ['', first]];
  for (let i = 1; i < split.length; i += 2) lines.push([split[i]!, split[i + 1]!]);
  return lines;
}

/**
 * Line folding of a plain scalar's source or a single-quoted scalar's inside: each line break
 * becomes a space, n empty lines n line breaks, and spaces around line breaks go.
 */
export function unfoldLines(source: string): string {
  const line = /(.*?)\r?\n/sy;
  let match = line.exec(source);
  if (!match) return source;
  let res = match[1]!.replace(/(?<! )[ ]+$/, '');
  let sep = ' ';
  let pos = line.lastIndex;
  for (match = line.exec(source); match; match = line.exec(source)) {
    const lm = match[1]!.replace(/^[ ]+|(?<! )[ ]+$/g, '');
    if (lm === '') {
      if (sep === '\n') res += sep;
      else sep = '\n';
    } else {
      res += sep + lm;
      sep = ' ';
    }
    pos = line.lastIndex;
  }
  const last = /[ ]*(.*)/sy;
  last.lastIndex = pos;
  match = last.exec(source);
  return res + sep + (match?.[1] ?? '');
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

/** The value of a double-quoted scalar (`source` with its quotes); an invalid escape fails. */
export function doubleQuotedValue(source: string): string {
  let res = '';
  for (let i = 1; i < source.length - 1; ++i) {
    const ch = source[i]!;
    if (ch === '\r' && source[i + 1] === '\n') continue;
    if (ch === '\n') {
      let fold = '';
      let next = source[i + 1];
      while (next === ' ' || next === '\n' || next === '\r') {
        if (next === '\r' && source[i + 2] !== '\n') break;
        if (next === '\n') fold += '\n';
        i += 1;
        next = source[i + 1];
      }
      res += fold || ' ';
    } else if (ch === '\\') {
      let next = source[++i];
      const code = next === undefined ? undefined : ESCAPES[next];
      if (code !== undefined) {
        res += code;
      } else if (next === '\n') {
        // An escaped line break joins the lines; the next line's indentation goes.
        next = source[i + 1];
        while (next === ' ') next = source[++i + 1];
      } else if (next === '\r' && source[i + 1] === '\n') {
        next = source[++i + 1];
        while (next === ' ') next = source[++i + 1];
      } else if (next === 'x' || next === 'u' || next === 'U') {
        const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const hex = source.substr(i + 1, length);
        if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) fail();
        const point = Number.parseInt(hex, 16);
        if (point > 0x10ffff) fail();
        res += String.fromCodePoint(point);
        i += length;
      } else {
        fail();
      }
    } else if (ch === ' ') {
      // Spaces before a line break go; others stay.
      const start = i;
      let next = source[i + 1];
      while (next === ' ') next = source[++i + 1];
      if (next !== '\n' && !(next === '\r' && source[i + 2] === '\n')) res += source.slice(start, i + 1);
    } else {
      res += ch;
    }
  }
  return res;
}
