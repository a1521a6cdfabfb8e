import { Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { fail, type Line, plainValue } from './fast-yaml-lines.js';
import { mapNode, scalarNode, seqNode } from './fast-yaml-nodes.js';
import { blockScalarValue, doubleQuotedValue, unfoldLines } from './fast-yaml-scalars.js';

/** Characters that cannot start a plain scalar we read (indicators; `-` is judged apart). */
export const NOT_PLAIN_START = new Set([...'[]{}&*!|>%@`?:,#\'"']);
/** Where a plain item of a flow sequence ends, or (`:`, `#`, quotes, brackets) falls back. */
const FLOW_STOP = new Set([...',[]{}:#\'" ']);

/**
 * The fast reader's (fast-yaml.ts) cursor over a document's lines and its scalar values: plain,
 * quoted, block and one-line flow; the collections are read by its subclass there.
 */
export class ScalarReader {
  constructor(
    protected readonly text: string,
    protected readonly lines: readonly Line[],
    /** The document's lines: [index, last). */
    protected index: number,
    protected readonly last: number,
  ) {}

  /** Skips blank and comment lines; the next content line, or undefined at the document's end. */
  protected peek(): Line | undefined {
    while (this.index < this.last) {
      const line = this.lines[this.index]!;
      if (line.content < line.end && this.text.charCodeAt(line.content) !== 35) return line;
      this.index++;
    }
    return undefined;
  }

  protected indent(line: Line): number {
    return line.content - line.start;
  }

  /** The document's root: a block map or sequence (a root scalar falls back). */
  protected isSeqEntry(at: number, end: number): boolean {
    return this.text.charCodeAt(at) === 45 && (at + 1 === end || this.text.charCodeAt(at + 1) === 32);
  }

  protected plainNode(source: string, at: number): Scalar {
    const end = at + source.length;
    return new scalarNode(plainValue(source), source, Scalar.PLAIN, [at, end, end]);
  }

  /**
   * A scalar value starting at `at` on the current line, under a key or `-` at column `parent`:
   * plain, quoted or block, over as many lines as it takes. Leaves the reader on the line after it.
   */
  protected scalar(line: Line, at: number, parent: number): Scalar | YAMLMap | YAMLSeq {
    const c = this.text[at]!;
    if (c === '"' || c === "'") {
      const { node, end } = this.quoted(line, at, parent);
      this.rest(this.lines[this.index]!, end);
      this.index++;
      return node;
    }
    if (c === '|' || c === '>') return this.blockScalar(line, at, parent);
    if (c === '{' || c === '[') {
      const node = this.flow(line, at);
      this.index++;
      return node;
    }
    // `:x` and `?x` are plain scalars (`name: :authority`): an indicator only before a space.
    const indicator = (c === ':' || c === '?') && at + 1 < line.end && this.text.charCodeAt(at + 1) !== 32;
    if ((NOT_PLAIN_START.has(c) && !indicator) || this.isSeqEntry(at, line.end)) fail();
    let end = line.end;
    let comment = false;
    for (let i = at; i < line.end; i++) {
      const ch = this.text.charCodeAt(i);
      if (ch === 35 && this.text.charCodeAt(i - 1) === 32) {
        end = i;
        comment = true;
        break;
      }
      if (ch === 58 && (i + 1 === line.end || this.text.charCodeAt(i + 1) === 32)) fail();
    }
    while (this.text.charCodeAt(end - 1) === 32) end--;
    const first = this.index;
    // A comment ends a plain scalar; otherwise more-indented lines continue it (line folding).
    if (!comment) end = this.plainContinuation(end, parent);
    if (this.index === first) {
      this.index++;
      return this.plainNode(this.text.slice(at, end), at);
    }
    this.index++;
    const value = unfoldLines(this.text.slice(at, end));
    return new scalarNode(plainValue(value), value, Scalar.PLAIN, [at, end, end]);
  }

  /**
   * The end of a plain scalar whose first line ends at `end`, after the lines that continue it
   * (as the `yaml` lexer reads them: blank lines, and lines indented beyond `parent` that do not
   * start with `#`, up to a ` #` comment). Moves the reader to its last line.
   */
  private plainContinuation(end: number, parent: number): number {
    let last = end;
    for (let k = this.index + 1; k < this.last; k++) {
      const l = this.lines[k]!;
      if (l.content === l.end) continue;
      if (l.content - l.start <= parent || this.text.charCodeAt(l.content) === 35) break;
      let e = l.end;
      let comment = false;
      for (let i = l.content; i < l.end; i++) {
        const ch = this.text.charCodeAt(i);
        if (ch === 35 && this.text.charCodeAt(i - 1) === 32) {
          e = i;
          comment = true;
          break;
        }
        // `key: value` on a continuation line: a multi-line implicit key, an error; fall back.
        if (ch === 58 && (i + 1 === l.end || this.text.charCodeAt(i + 1) === 32)) fail();
      }
      while (this.text.charCodeAt(e - 1) === 32) e--;
      last = e;
      this.index = k;
      if (comment) break;
    }
    return last;
  }

  /**
   * A block scalar (`|`, `>`, with chomping `-`/`+` and an indentation indicator), cut where the
   * `yaml` lexer cuts it and valued as its composer values it (fast-yaml-scalars.ts). An empty
   * body, or content indented less than an explicit indicator says, falls back.
   */
  private blockScalar(line: Line, at: number, parent: number): Scalar {
    const text = this.text;
    let i = at + 1;
    let explicit = 0;
    let chomp = '';
    for (let n = 0; n < 2; n++) {
      const c = text[i];
      if (!chomp && (c === '-' || c === '+')) chomp = c;
      else if (!explicit && c !== undefined && c >= '1' && c <= '9') explicit = Number(c);
      else break;
      i++;
    }
    if (i < line.end && text.charCodeAt(i) !== 32) fail();
    this.rest(line, i);
    const header = this.index;
    const lines = this.lines;
    if (header + 1 >= lines.length) fail();
    let k = header + 1;
    while (k < this.last && lines[k]!.content === lines[k]!.end) k++;
    if (k >= this.last) fail();
    const first = this.indent(lines[k]!);
    const indent = explicit ? parent + explicit : first;
    if (first <= parent || first < indent) fail();
    // The lexer takes blank lines and lines indented at least `indent`; the text's last line
    // (no line break after it) only when indented so, even blank.
    let e = k;
    for (let m = k + 1; m < this.last; m++) {
      const l = lines[m]!;
      if ((l.content === l.end && m < lines.length - 1) || this.indent(l) >= indent) e = m;
      else break;
    }
    // Without keep chomping, trailing blank lines indented no more than the first line are not its.
    if (chomp !== '+') {
      while (e > k && lines[e]!.content === lines[e]!.end && this.indent(lines[e]!) <= first) e--;
    }
    const end = e + 1 < lines.length ? lines[e + 1]!.start : text.length;
    const folded = text[at] === '>';
    const value = blockScalarValue(
      text.slice(lines[header + 1]!.start, end),
      folded,
      explicit > 0,
      chomp,
      explicit ? parent + explicit : parent,
    );
    this.index = e + 1;
    return new scalarNode(value, value, folded ? Scalar.BLOCK_FOLDED : Scalar.BLOCK_LITERAL, [at, end, end]);
  }

  /**
   * `{}`, or a one-line flow sequence of plain or quoted scalars (`[80, "443"]`, `[]`); anything
   * else in flow style (maps, nesting, trailing commas, indicators in plain items) falls back.
   */
  private flow(line: Line, at: number): YAMLMap | YAMLSeq {
    if (this.text[at] === '{') {
      if (this.text[at + 1] !== '}') fail();
      this.rest(line, at + 2);
      const map = new mapNode([at, at + 2, at + 2]);
      map.flow = true;
      return map;
    }
    const seq = new seqNode([at, at, at]);
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
  protected rest(line: Line, from: number): void {
    let i = from;
    while (i < line.end && this.text.charCodeAt(i) === 32) i++;
    if (i < line.end && (i === from || this.text.charCodeAt(i) !== 35)) fail();
  }

  /**
   * A quoted scalar. A key's (`parent` undefined) closes on its line; a value's may go on over
   * lines indented beyond `parent` (or blank), and then leaves the reader on its closing line.
   */
  protected quoted(
    line: Line,
    at: number,
    parent?: number,
    close = this.closeOf(at),
  ): { node: Scalar; end: number } {
    const text = this.text;
    const double = text[at] === '"';
    const end = close + 1;
    if (close >= line.end) {
      if (parent === undefined) fail();
      this.continuation(close, parent);
    }
    const source = text.slice(at, end);
    let value: string;
    if (double) value = doubleQuotedValue(source);
    else if (close < line.end) value = source.slice(1, -1).replaceAll("''", "'");
    else value = unfoldLines(source.slice(1, -1)).replaceAll("''", "'");
    const node = new scalarNode(value, value, double ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE, [
      at,
      end,
      end,
    ]);
    return { node, end };
  }

  /** The quote closing the quoted scalar at `at` (`''` is none), wherever it is; none fails. */
  protected closeOf(at: number): number {
    const text = this.text;
    if (text[at] === '"') {
      const close = this.doubleClose(at + 1);
      if (close < 0) fail();
      return close;
    }
    let close = text.indexOf("'", at + 1);
    while (close >= 0 && text[close + 1] === "'") close = text.indexOf("'", close + 2);
    if (close < 0) fail();
    return close;
  }

  /** The closing `"` at or after `from` (one not escaped), -1 when none. */
  private doubleClose(from: number): number {
    for (let i = from; i < this.text.length; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 34) return i;
      if (c === 92) i++;
    }
    return -1;
  }

  /**
   * Moves the reader to the line of `close`, every line before it being blank or indented beyond
   * `parent` (the lexer's rule for flow scalars in block context), within the document.
   */
  private continuation(close: number, parent: number): void {
    for (let k = this.index + 1; ; k++) {
      if (k >= this.last) fail();
      const l = this.lines[k]!;
      if (l.content < l.end && l.content - l.start <= parent) fail();
      if (close < l.end) {
        this.index = k;
        return;
      }
    }
  }
}
