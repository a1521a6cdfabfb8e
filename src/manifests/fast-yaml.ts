import { Document, type LineCounter, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import {
  Fallback,
  fail,
  isMarker,
  type Line,
  plainValue,
  splitLines,
  UNSUPPORTED,
} from './fast-yaml-lines.js';
import { KUBE_YAML } from './yaml-schema.js';

/**
 * A reader for the block-style subset most Kubernetes manifests are written in (block maps and
 * sequences, one-line plain and quoted scalars, comments, `---`, CRLF, a BOM), building the same
 * `yaml` nodes, ranges and LineCounter lines as `parseAllDocuments` with KUBE_YAML, several times
 * faster. Anything else in a file (anchors, tags, flow collections but `{}`/`[]`, block scalars,
 * multi-line scalars, escapes, merge keys, non-string or duplicate keys, directives, tabs, `{{`,
 * anything this reader does not recognise) makes it answer `undefined`, and the caller reads the
 * whole file with the full parser: every doubt falls back. test/manifests/fast-yaml.test.ts proves
 * the two readers give the same objects, positions and diagnostics.
 */

/** Characters that cannot start a plain scalar we read (indicators; `-` is judged apart). */
const NOT_PLAIN_START = new Set([...'[]{}&*!|>%@`?:,#\'"']);
const FLOW_IN_KEY = /[[\]{},]/;
/** Where a plain item of a flow sequence ends, or (`:`, `#`, quotes, brackets) falls back. */
const FLOW_STOP = new Set([...',[]{}:#\'" ']);
const MAX_KEY = 1000;
const JSON_ESCAPES = new Set([...'"\\/bfnrt']);

class Reader {
  constructor(
    private readonly text: string,
    private readonly lines: readonly Line[],
    /** The document's lines: [index, last). */
    private index: number,
    private readonly last: number,
  ) {}

  /** Skips blank and comment lines; the next content line, or undefined at the document's end. */
  private peek(): Line | undefined {
    while (this.index < this.last) {
      const line = this.lines[this.index]!;
      if (line.content < line.end && this.text.charCodeAt(line.content) !== 35) return line;
      this.index++;
    }
    return undefined;
  }

  private indent(line: Line): number {
    return line.content - line.start;
  }

  /** The document's root: a block map or sequence (a root scalar falls back). */
  root(): YAMLMap | YAMLSeq | undefined {
    const line = this.peek();
    if (!line) return undefined;
    if (this.indent(line) !== 0) fail();
    const node = this.collection(line, line.content, 0);
    if (this.peek()) fail();
    return node;
  }

  /** A map or sequence starting at `at` on `line`, at column `col`. */
  private collection(line: Line, at: number, col: number): YAMLMap | YAMLSeq {
    if (this.isSeqEntry(at, line.end)) return this.seq(col);
    return this.map(line, at, col);
  }

  private isSeqEntry(at: number, end: number): boolean {
    return this.text.charCodeAt(at) === 45 && (at + 1 === end || this.text.charCodeAt(at + 1) === 32);
  }

  private seq(col: number): YAMLSeq {
    const seq = new YAMLSeq();
    let line = this.peek();
    const start = line!.content;
    while (line && this.indent(line) === col && this.isSeqEntry(line.content, line.end)) {
      let at = line.content + 1;
      while (at < line.end && this.text.charCodeAt(at) === 32) at++;
      if (at >= line.end || this.text.charCodeAt(at) === 35 || this.isSeqEntry(at, line.end)) fail();
      const key = this.keyAt(line, at);
      if (key) {
        seq.items.push(this.map(line, at, at - line.start));
      } else {
        seq.items.push(this.scalar(line, at));
        this.index++;
      }
      line = this.peek();
      if (line && this.indent(line) > col) fail();
    }
    seq.range = [start, start, start];
    return seq;
  }

  private map(first: Line, firstAt: number, col: number): YAMLMap {
    const map = new YAMLMap();
    const seen = new Set<string>();
    let line: Line | undefined = first;
    let at = firstAt;
    while (line) {
      const key = this.keyAt(line, at);
      if (!key) fail();
      const text = String(key.node.value);
      if (seen.has(text)) fail();
      seen.add(text);
      map.items.push(new Pair(key.node, this.value(line, key.after, col)));
      line = this.peek();
      if (!line || this.indent(line) < col) break;
      if (this.indent(line) > col || this.isSeqEntry(line.content, line.end)) fail();
      at = line.content;
    }
    map.range = [firstAt, firstAt, firstAt];
    return map;
  }

  /** The value of a key whose `:` ends before `after`: on the line, below it, or empty. */
  private value(line: Line, after: number, col: number): Scalar | YAMLMap | YAMLSeq {
    let at = after;
    while (at < line.end && this.text.charCodeAt(at) === 32) at++;
    if (at < line.end && this.text.charCodeAt(at) !== 35) {
      const node = this.scalar(line, at);
      this.index++;
      return node;
    }
    const comment = at < line.end;
    this.index++;
    const next = this.peek();
    if (next && this.indent(next) > col) return this.collection(next, next.content, this.indent(next));
    if (next && this.indent(next) === col && this.isSeqEntry(next.content, next.end)) return this.seq(col);
    if (comment) fail();
    const empty = new Scalar(null);
    empty.source = '';
    empty.type = Scalar.PLAIN;
    empty.range = [at, at, at];
    return empty;
  }

  /** The key starting at `at`, with the offset after its `:`, or undefined when none starts there. */
  private keyAt(line: Line, at: number): { node: Scalar; after: number } | undefined {
    const c = this.text[at]!;
    if (c === '"' || c === "'") {
      const quoted = this.quoted(line, at);
      if (this.text.charCodeAt(quoted.end) !== 58) return undefined;
      const after = quoted.end + 1;
      if (after < line.end && this.text.charCodeAt(after) !== 32) fail();
      return { node: quoted.node, after };
    }
    if (NOT_PLAIN_START.has(c) || c === '-') return undefined;
    const colon = this.keyColon(at, line.end);
    if (colon < 0) return undefined;
    let end = colon;
    while (this.text.charCodeAt(end - 1) === 32) end--;
    const source = this.text.slice(at, end);
    if (source.length > MAX_KEY || FLOW_IN_KEY.test(source) || source === '<<') fail();
    if (plainValue(source) !== source) fail();
    return { node: this.plainNode(source, at), after: colon + 1 };
  }

  /** The `:` ending a plain key (followed by a space or the line's end), -1 when a comment comes first. */
  private keyColon(at: number, end: number): number {
    for (let i = at; i < end; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 58 && (i + 1 === end || this.text.charCodeAt(i + 1) === 32)) return i;
      if (c === 35 && this.text.charCodeAt(i - 1) === 32) return -1;
    }
    return -1;
  }

  private plainNode(source: string, at: number): Scalar {
    const node = new Scalar(plainValue(source));
    node.source = source;
    node.type = Scalar.PLAIN;
    node.range = [at, at + source.length, at + source.length];
    return node;
  }

  /** A one-line scalar value starting at `at`, with nothing but a comment after it. */
  private scalar(line: Line, at: number): Scalar | YAMLMap | YAMLSeq {
    const c = this.text[at]!;
    if (c === '"' || c === "'") {
      const { node, end } = this.quoted(line, at);
      this.rest(line, end);
      return node;
    }
    if (c === '{' || c === '[') return this.flow(line, at);
    if (NOT_PLAIN_START.has(c) || this.isSeqEntry(at, line.end)) fail();
    let end = line.end;
    for (let i = at; i < line.end; i++) {
      const ch = this.text.charCodeAt(i);
      if (ch === 35 && this.text.charCodeAt(i - 1) === 32) {
        end = i;
        break;
      }
      if (ch === 58 && (i + 1 === line.end || this.text.charCodeAt(i + 1) === 32)) fail();
    }
    while (this.text.charCodeAt(end - 1) === 32) end--;
    return this.plainNode(this.text.slice(at, end), at);
  }

  /**
   * `{}`, or a one-line flow sequence of plain or quoted scalars (`[80, "443"]`, `[]`); anything
   * else in flow style (maps, nesting, trailing commas, indicators in plain items) falls back.
   */
  private flow(line: Line, at: number): YAMLMap | YAMLSeq {
    if (this.text[at] === '{') {
      if (this.text[at + 1] !== '}') fail();
      this.rest(line, at + 2);
      const map = new YAMLMap();
      map.flow = true;
      map.range = [at, at + 2, at + 2];
      return map;
    }
    const seq = new YAMLSeq();
    seq.flow = true;
    let i = this.skipSpaces(at + 1, line.end);
    if (this.text[i] === ']' && i === at + 1) {
      i++;
    } else {
      for (;;) {
        if (i >= line.end) fail();
        const item = this.flowItem(line, i);
        seq.items.push(item.node);
        i = this.skipSpaces(item.end, line.end);
        const c = this.text[i];
        if (c === ']') {
          i++;
          break;
        }
        if (c !== ',') fail();
        i = this.skipSpaces(i + 1, line.end);
      }
    }
    this.rest(line, i);
    seq.range = [at, i, i];
    return seq;
  }

  private skipSpaces(from: number, end: number): number {
    let i = from;
    while (i < end && this.text.charCodeAt(i) === 32) i++;
    return i;
  }

  /** One item of a flow sequence: quoted, or plain made of characters without meaning in flow. */
  private flowItem(line: Line, at: number): { node: Scalar; end: number } {
    const c = this.text[at]!;
    if (c === '"' || c === "'") return this.quoted(line, at);
    if (NOT_PLAIN_START.has(c) || c === '-' || c === ']') fail();
    let end = at;
    while (end < line.end && !FLOW_STOP.has(this.text[end]!)) end++;
    const c2 = this.text[end];
    if (c2 !== ',' && c2 !== ']' && c2 !== ' ') fail();
    const source = this.text.slice(at, end);
    return { node: this.plainNode(source, at), end };
  }

  /** After a scalar: spaces, then nothing or a comment. */
  private rest(line: Line, from: number): void {
    let i = from;
    while (i < line.end && this.text.charCodeAt(i) === 32) i++;
    if (i < line.end && (i === from || this.text.charCodeAt(i) !== 35)) fail();
  }

  /** A quoted scalar closed on its line, without escapes but `''`. */
  private quoted(line: Line, at: number): { node: Scalar; end: number } {
    const quote = this.text[at]!;
    if (quote === '"') return this.doubleQuoted(line, at);
    let value = '';
    let i = at + 1;
    for (;;) {
      const close = this.text.indexOf(quote, i);
      if (close < 0 || close >= line.end) fail();
      value += this.text.slice(i, close);
      if (quote === "'" && this.text[close + 1] === "'") {
        value += "'";
        i = close + 2;
        continue;
      }
      i = close + 1;
      break;
    }
    const node = new Scalar(value);
    node.source = value;
    node.type = Scalar.QUOTE_SINGLE;
    node.range = [at, i, i];
    return { node, end: i };
  }

  /**
   * A double-quoted scalar closed on its line. Only the escapes YAML and JSON share (`\"`, `\\`,
   * `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX`) are read, by JSON.parse; YAML's own (`\x41`,
   * `\0`, `\N`, an escaped line break) fall back. Raw control characters never get here (UNSUPPORTED).
   */
  private doubleQuoted(line: Line, at: number): { node: Scalar; end: number } {
    let i = at + 1;
    for (;;) {
      if (i >= line.end) fail();
      const c = this.text[i];
      if (c === '"') break;
      if (c === '\\') {
        const e = this.text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(i + 2, i + 6))) fail();
          i += 6;
          continue;
        }
        if (e === undefined || !JSON_ESCAPES.has(e)) fail();
        i += 2;
        continue;
      }
      i++;
    }
    const end = i + 1;
    const value = JSON.parse(this.text.slice(at, end)) as string;
    const node = new Scalar(value);
    node.source = value;
    node.type = Scalar.QUOTE_DOUBLE;
    node.range = [at, end, end];
    return { node, end };
  }
}

function newDocument(start: number, contents: YAMLMap | YAMLSeq | undefined, emptyAt: number): Document {
  const doc = new Document(undefined, KUBE_YAML);
  if (contents) {
    doc.contents = contents;
  } else {
    const empty = new Scalar(null);
    empty.source = '';
    empty.type = Scalar.PLAIN;
    empty.range = [emptyAt, emptyAt, emptyAt];
    doc.contents = empty as never;
  }
  doc.range = [start, start, start];
  return doc;
}

/**
 * The documents of `text` as `parseAllDocuments(text, { ...KUBE_YAML, lineCounter })` gives them,
 * or `undefined` (and `counter` untouched) when the text is outside the subset this reader knows.
 */
export function fastDocuments(text: string, counter: LineCounter): Document[] | undefined {
  if (UNSUPPORTED.test(text.length > 0 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)) {
    return undefined;
  }
  const lineStarts = counter.lineStarts.length;
  try {
    return readDocuments(text, counter);
  } catch (e) {
    if (!(e instanceof Fallback)) throw e;
    counter.lineStarts.length = lineStarts;
    return undefined;
  }
}

function readDocuments(text: string, counter: LineCounter): Document[] {
  const from = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const lines = splitLines(text, from, counter);
  const docs: Document[] = [];
  let first = 0;
  let start = from;
  let marker = false;
  for (let i = 0; i <= lines.length; i++) {
    const line = lines[i];
    const atMarker = line !== undefined && isMarker(text, line);
    if (line && !atMarker) {
      const c = text[line.start];
      if (line.content === line.start && (c === '%' || text.startsWith('...', line.start))) fail();
      continue;
    }
    const contents = new Reader(text, lines, first, i).root();
    if (contents || marker) docs.push(newDocument(start, contents, start + 3));
    if (!line) break;
    first = i + 1;
    start = line.start;
    marker = true;
  }
  return docs;
}
