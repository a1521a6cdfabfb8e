import { Document, type LineCounter, Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { Fallback, fail, isMarker, type Line, splitLines, UNSUPPORTED } from './fast-yaml-lines.js';
import { mapNode, pairNode, scalarNode, seqNode } from './fast-yaml-nodes.js';
import { NOT_PLAIN_START, ScalarReader } from './fast-yaml-values.js';
import { KUBE_YAML } from './yaml-schema.js';

/**
 * A reader for the block-style subset most Kubernetes manifests are written in (block maps and
 * sequences; plain, quoted and block scalars, over several lines too; comments, `---`, CRLF, a
 * BOM), building the same `yaml` nodes, ranges and LineCounter lines as `parseAllDocuments` with
 * KUBE_YAML, several times faster. Anything else in a file (anchors, tags, flow collections but
 * `{}` and one-line sequences of scalars, merge keys, null keys, keys equal as text, directives,
 * tabs, `{{` where it is structure, empty block scalars, anything this reader does not recognise
 * or the full parser would report) makes it answer `undefined`, and the caller reads the whole
 * file with the full parser: every doubt falls back. Scalars are read by fast-yaml-values.ts.
 * test/manifests/fast-yaml.test.ts proves the two readers give the same nodes, objects, positions
 * and diagnostics.
 */

const MAX_KEY = 1000;
const SMALL_MAP = 16;

class Reader extends ScalarReader {
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

  private seq(col: number): YAMLSeq {
    let line = this.peek();
    const start = line!.content;
    const seq = new seqNode([start, start, start]);
    while (line && this.indent(line) === col && this.isSeqEntry(line.content, line.end)) {
      let at = line.content + 1;
      while (at < line.end && this.text.charCodeAt(at) === 32) at++;
      if (at >= line.end || this.text.charCodeAt(at) === 35 || this.isSeqEntry(at, line.end)) fail();
      const key = this.keyAt(line, at);
      if (key) {
        seq.items.push(this.map(line, at, at - line.start));
      } else {
        seq.items.push(this.scalar(line, at, col));
      }
      line = this.peek();
      if (line && this.indent(line) > col) fail();
    }
    return seq;
  }

  private map(first: Line, firstAt: number, col: number): YAMLMap {
    const map = new mapNode([firstAt, firstAt, firstAt]);
    const texts: string[] = [];
    // Most maps have a few keys: a scan of them is cheaper than a Set, made only for big maps.
    let seen: Set<string> | undefined;
    let line: Line | undefined = first;
    let at = firstAt;
    while (line) {
      const key = this.keyAt(line, at);
      if (!key) fail();
      const text = String(key.node.value);
      if (seen) {
        if (seen.has(text)) fail();
        seen.add(text);
      } else {
        if (texts.includes(text)) fail();
        texts.push(text);
        if (texts.length === SMALL_MAP) seen = new Set(texts);
      }
      map.items.push(new pairNode(key.node, this.value(line, key.after, col)));
      line = this.peek();
      if (!line || this.indent(line) < col) break;
      if (this.indent(line) > col || this.isSeqEntry(line.content, line.end)) fail();
      at = line.content;
    }
    return map;
  }

  /** The value of a key whose `:` ends before `after`: on the line, below it, or empty. */
  private value(line: Line, after: number, col: number): Scalar | YAMLMap | YAMLSeq {
    let at = after;
    while (at < line.end && this.text.charCodeAt(at) === 32) at++;
    if (at < line.end && this.text.charCodeAt(at) !== 35) return this.scalar(line, at, col);
    const comment = at < line.end;
    this.index++;
    const next = this.peek();
    if (next && this.indent(next) > col) {
      // `key:` then, more indented, a scalar (a long plain or quoted value on its own lines).
      if (!comment && !this.isSeqEntry(next.content, next.end) && !this.keyAt(next, next.content)) {
        const c = this.text[next.content]!;
        if (c === '|' || c === '>') fail();
        return this.scalar(next, next.content, col);
      }
      return this.collection(next, next.content, this.indent(next));
    }
    if (next && this.indent(next) === col && this.isSeqEntry(next.content, next.end)) return this.seq(col);
    if (comment) fail();
    return new scalarNode(null, '', Scalar.PLAIN, [at, at, at]);
  }

  /** The key starting at `at`, with the offset after its `:`, or undefined when none starts there. */
  private keyAt(line: Line, at: number): { node: Scalar; after: number } | undefined {
    const c = this.text[at]!;
    if (c === '"' || c === "'") {
      // A key is on one line: a quoted scalar going on below is a value (a `- "..."` item).
      const close = this.closeOf(at);
      if (close >= line.end || this.text.charCodeAt(close + 1) !== 58) return undefined;
      const quoted = this.quoted(line, at, undefined, close);
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
    // Flow indicators inside a plain key mean nothing in block context (`rule[0]:`, `a,b:`).
    if (source.length > MAX_KEY || source === '<<') fail();
    const node = this.plainNode(source, at);
    // A null key is refused later (yaml-json.ts); `1` and `"1"`, `on` and `true`, collide in
    // `seen` (map) and fall back, whatever the full parser makes of them.
    if (node.value === null) fail();
    return { node, after: colon + 1 };
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
}

/**
 * One schema for every document the fast reader builds: a Schema per document was a tenth of the
 * post-read cost of small files, and nothing reads it (the nodes are built here, not composed).
 */
const FAST_OPTIONS = { ...KUBE_YAML, schema: new Document(undefined, KUBE_YAML).schema };

/** Documents built here: none has an alias (the reader falls back on `*`). */
const aliasFree = new WeakSet<Document>();

/** Whether `doc` is known to have no alias, so no node of it is reached twice (locate.ts). */
export function isAliasFree(doc: Document): boolean {
  return aliasFree.has(doc);
}

function newDocument(start: number, contents: YAMLMap | YAMLSeq | undefined, emptyAt: number): Document {
  const doc = new Document(undefined, FAST_OPTIONS as typeof KUBE_YAML);
  aliasFree.add(doc);
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
