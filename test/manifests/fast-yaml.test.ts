import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter } from 'yaml';
import { fastDocuments } from '../../src/manifests/fast-yaml.js';
import { dataOf } from '../../src/manifests/locate.js';
import { fullDocuments, type ParsedFile, parseSourceFile } from '../../src/manifests/parse.js';

/**
 * The fast reader (src/manifests/fast-yaml.ts) against the full parser: on random documents in and
 * out of its subset, parseSourceFile gives the same objects (values, key order), positions
 * (every path's file:line via the locator's data), diagnostics and lines either way.
 */

function view(parsed: ParsedFile): string {
  return JSON.stringify({
    objects: parsed.objects.map(({ locate, ...o }) => ({ ...o, positions: dataOf(locate) })),
    diagnostics: parsed.diagnostics,
    aliased: parsed.aliased,
  });
}

let fastTaken = 0;
function fastOnly(text: string, counter: LineCounter) {
  const docs = fastDocuments(text, counter);
  if (docs) fastTaken++;
  return docs ?? fullDocuments(text, counter);
}

/** A render tool's output (kustomize build) is read the same way, each document at its origin. */
const RENDERED = {
  root: 'overlays/prod',
  documents: [1, 2, 3].map((n) => ({ file: `base/${n}.yaml`, line: n })),
};

/**
 * Every node of the documents in reading order: a scalar's value, source, style and range up to
 * its end (skip.ts reads the end of string scalars), a collection's start.
 */
function nodes(docs: readonly Document[]): unknown[] {
  const out: unknown[] = [];
  const walk = (node: unknown): void => {
    if (isScalar(node)) {
      out.push([node.value, node.source, node.type, node.range?.[0], node.range?.[1]]);
    } else if (isMap(node) || isSeq(node)) {
      out.push([isMap(node) ? 'map' : 'seq', node.range?.[0]]);
      for (const item of node.items) walk(item);
    } else if (isPair(node)) {
      walk(node.key);
      walk(node.value);
    } else {
      out.push(node === null ? null : typeof node);
    }
  };
  for (const doc of docs) {
    // A document's own range is read only when it is empty (parseSourceFile's view compares that).
    out.push(['doc', doc.errors.length]);
    walk(doc.contents);
  }
  return out;
}

/** Scalars over several lines the fast reader read, by style: the property test is not vacuous. */
const multiLineTaken = new Map<string, number>();

function countMultiLine(text: string, docs: readonly Document[]): void {
  const seen = new Set<string>();
  for (const node of nodes(docs)) {
    const [, , type, start, end] = node as [unknown, unknown, string, number, number];
    if (typeof start === 'number' && text.slice(start, end).includes('\n')) seen.add(type);
  }
  for (const type of seen) multiLineTaken.set(type, (multiLineTaken.get(type) ?? 0) + 1);
}

function same(text: string): void {
  const fastDocs = fastDocuments(text, new LineCounter());
  if (fastDocs) {
    const counter = new LineCounter();
    expect(nodes(fastDocs)).toEqual(nodes(fullDocuments(text, counter)));
    countMultiLine(text, fastDocs);
  }
  for (const file of [
    { path: 'deploy/x.yaml', text },
    { path: 'overlays/prod', text, rendered: RENDERED },
  ]) {
    const full = parseSourceFile(file, 'head', fullDocuments);
    const fast = parseSourceFile(file, 'head', fastOnly);
    expect(view(fast)).toBe(view(full));
  }
}

const ODD_SCALARS = [
  'on',
  'off',
  'On',
  'OFF',
  'y',
  'n',
  'Y',
  'N',
  'yes',
  'no',
  'Yes',
  'NO',
  'true',
  'False',
  'TRUE',
  '0o10',
  '010',
  '08',
  '0x1F',
  '0b101',
  '1_000',
  '-1',
  '+12',
  '1.5',
  '1e3',
  '.5',
  '.inf',
  '-.Inf',
  '.NaN',
  '~',
  'null',
  'Null',
  '',
  '2001-12-14t21:59:43.10-05:00',
  '2002-12-14',
  '1:20',
  '12:30:00',
  '9223372036854775808',
  '18446744073709551616',
  '0',
  '-0',
  '0.0',
  'web',
  'app.kubernetes.io/name',
  'a b',
  'x#y',
  'http://x:80/p',
  '-web',
  'a,b',
  'a[0]',
  'k{v}',
  "it's",
  '@home',
  '`cmd`',
  '%x',
  '!x',
  '&a',
  '*a',
  '|',
  '>',
  '?',
  ':x',
  '?x',
  '::x',
  ':path:',
  'a: b',
  'a #b',
  '-',
  '- x',
  '{}',
  '[]',
  '{a: 1}',
  '[a]',
  '"',
  "'",
  'x\\y',
  '<<',
  'a\\"b',
  '\\n',
  '\\u00e9',
  '\\\\',
  '\\/',
  '\\t',
  '\\x41',
  '\\ud83d\\ude00',
  '\\0',
  '\\u12',
  '\\',
  'a\\ b',
  '\\"',
  '\\N',
  'é',
  '日本',
  '{{ .Values.x }}',
  'a{{ b }}',
  'x {{ y }} z',
];
const KEYS = [
  'app',
  'name',
  'a',
  'x-y',
  'app.kubernetes.io/name',
  'on',
  'y',
  '1',
  'null',
  'a b',
  '<<',
  'key with: colon',
  'k#',
  'rule[0]',
  'a,b',
  'k{v}',
  '80',
  'true',
  '~',
  '{{ k }}',
];

const scalar = fc.record({
  text: fc.constantFrom(...ODD_SCALARS),
  style: fc.constantFrom('plain', 'plain', 'single', 'double'),
  comment: fc.boolean(),
  trailing: fc.boolean(),
  below: fc.constantFrom(false, false, false, true),
});

function scalarText(s: {
  text: string;
  style: string;
  comment: boolean;
  trailing: boolean;
  below?: boolean;
}): string {
  const body =
    s.style === 'single'
      ? `'${s.text.replaceAll("'", "''")}'`
      : s.style === 'double'
        ? `"${s.text}"`
        : s.text;
  return `${body}${s.trailing ? '  ' : ''}${s.comment ? ' # note' : ''}`;
}

function keyText(k: { text: string; style: string }): string {
  return k.style === 'single' ? `'${k.text}'` : k.style === 'double' ? `"${k.text}"` : k.text;
}

type Tree =
  | { scalar: Parameters<typeof scalarText>[0] }
  | { map: [Parameters<typeof keyText>[0], Tree][] }
  | { seq: Tree[] }
  | { raw: string }
  | { ml: MultiLine };

/**
 * A value over several lines (block, plain or quoted scalar): its first line after `key: ` or
 * `- `, then lines indented `rel` columns beyond the key or dash (a blank line: `spaces` alone).
 */
interface MultiLine {
  head: string;
  /** The first line below `key:` (indented `rel` of the first body line, or 2), not after it. */
  below?: boolean;
  body: { rel: number; text: string; spaces: number }[];
}

/** Block scalar headers, with near-misses (`|0`, `|--`, `| x`, `|#`). */
const BLOCK_HEADS = [
  '|',
  '>',
  '|-',
  '|+',
  '>-',
  '>+',
  '|2',
  '|1-',
  '>-2',
  '|+3',
  '|4+',
  '| # c',
  '|-  ',
  '>2 # c',
];
const BAD_HEADS = ['|x', '|0', '|--', '| x', '|#', '|22', '>+-'];
/** First lines of plain and quoted scalars, closed or not. */
const FLOW_HEADS = [
  'first',
  'a b',
  '2001-12-14',
  '1',
  'true',
  'x#y',
  'http://a:1',
  "'single",
  "'it''s",
  "'trail  ",
  '"double',
  '"esc \\x41 \\N \\_ \\0',
  '"tab\\t',
  '"bs\\',
  '"q\\"',
  '"  lead',
  '"bad \\q',
  '"\\u00e9\\U0001F600',
];
/** Texts of the lines after the first: anything a block scalar may hold, and what ends others. */
const BODY_TEXTS = [
  'line one',
  'more  text',
  '# hash',
  'key: value',
  'k:',
  '- item',
  'a #b',
  "x'y",
  "it''s",
  'end"',
  "end'",
  'end" # c',
  "end' # c",
  'end" x',
  'end": 1',
  'tail\\',
  '\\x41 \\u00e9',
  '{{ .Values.x }}',
  '[x]',
  '{a: 1}',
  '&a x',
  '---',
  '...',
  'trailing  ',
  '"',
  "'",
  '""',
  ':',
  ' lead',
  '\\"',
];
const REL = [0, 1, 2, 2, 2, 2, 3, 4, 6];

const multiLine: fc.Arbitrary<MultiLine> = fc.record({
  head: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...BLOCK_HEADS) },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_HEADS) },
    { weight: 3, arbitrary: fc.constantFrom(...FLOW_HEADS) },
  ),
  body: fc.array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          rel: fc.constantFrom(...REL),
          text: fc.constantFrom(...BODY_TEXTS),
          spaces: fc.constant(0),
        }),
      },
      { weight: 1, arbitrary: fc.record({ rel: fc.constant(0), text: fc.constant(''), spaces: fc.nat(8) }) },
    ),
    { maxLength: 6 },
  ),
});

/**
 * Well-formed ones, so the fast reader's own path is walked often: a block scalar with content at
 * one indentation (more-indented and blank lines inside, an indicator that fits), a plain scalar
 * whose lines fold, a quoted one closed on its last line.
 */
const BLOCK_TEXT = [
  'line one',
  '# not a comment',
  'key: value',
  '- item',
  'it\'s \\ "q"',
  'trailing  ',
  '{{ x }}',
];
const PLAIN_TEXT = ['more words', 'x#y', '- dash', 'a-b.c', '"q"', "it's", '12', 'true'];
const wellFormed: fc.Arbitrary<MultiLine> = fc.oneof(
  fc
    .record({
      head: fc.constantFrom('|', '>', '|-', '>-', '|+', '>+', '|2', '>2-', '|+2'),
      lines: fc.array(
        fc.oneof(
          {
            weight: 4,
            arbitrary: fc.record({
              rel: fc.constant(2),
              text: fc.constantFrom(...BLOCK_TEXT),
              spaces: fc.constant(0),
            }),
          },
          {
            weight: 1,
            arbitrary: fc.record({
              rel: fc.constant(4),
              text: fc.constantFrom(...BLOCK_TEXT),
              spaces: fc.constant(0),
            }),
          },
          {
            weight: 2,
            arbitrary: fc.record({ rel: fc.constant(0), text: fc.constant(''), spaces: fc.nat(6) }),
          },
        ),
        { minLength: 1, maxLength: 6 },
      ),
      first: fc.constantFrom(...BLOCK_TEXT),
    })
    .map(({ head, lines, first }) => ({ head, body: [{ rel: 2, text: first, spaces: 0 }, ...lines] })),
  fc
    .record({
      head: fc.constantFrom('first', 'a b', '2001-12-14', 'x'),
      lines: fc.array(
        fc.oneof(
          {
            weight: 3,
            arbitrary: fc.record({
              rel: fc.constantFrom(1, 2, 4),
              text: fc.constantFrom(...PLAIN_TEXT),
              spaces: fc.constant(0),
            }),
          },
          {
            weight: 1,
            arbitrary: fc.record({ rel: fc.constant(0), text: fc.constant(''), spaces: fc.nat(6) }),
          },
        ),
        { minLength: 1, maxLength: 4 },
      ),
    })
    .map(({ head, lines }) => ({ head, body: lines })),
  fc
    .record({
      quote: fc.constantFrom("'", '"'),
      head: fc.constantFrom('one', 'it is ', '', 'a\\tb'),
      lines: fc.array(
        fc.oneof(
          {
            weight: 3,
            arbitrary: fc.record({
              rel: fc.constantFrom(1, 2, 4),
              text: fc.constantFrom('x y', 'z  ', '# h', 'k: v', '- i', "''"),
              spaces: fc.constant(0),
            }),
          },
          {
            weight: 1,
            arbitrary: fc.record({ rel: fc.constant(0), text: fc.constant(''), spaces: fc.nat(6) }),
          },
        ),
        { maxLength: 4 },
      ),
      last: fc.constantFrom('end', '', 'e  ', 'x # c'),
    })
    .map(({ quote, head, lines, last }) => ({
      head: `${quote}${head}`,
      body: [
        ...lines.map((l) => (quote === '"' && l.text === "''" ? { ...l, text: '\\"' } : l)),
        {
          rel: 2,
          text: `${last.replace(' # c', '')}${quote}${last.endsWith('# c') ? ' # c' : ''}`,
          spaces: 0,
        },
      ],
    })),
);

function multiLineText(m: MultiLine, pad: string): string {
  const lines = m.body.map((b) =>
    b.text === '' ? ' '.repeat(b.spaces) : `${pad}${' '.repeat(b.rel)}${b.text}`,
  );
  return [m.below ? `\n${pad}  ${m.head}` : ` ${m.head}`, ...lines].join('\n');
}

const RAW = [
  '&anchor x',
  '*anchor',
  '!!str 1',
  '!custom x',
  '[a, b]',
  '{a: 1, b: 2}',
  '|\n  line one\n  line two',
  '>-\n  folded',
  'multi\n  line plain',
  '"double\n  quoted"',
  "'single\n  quoted'",
  '"esc\\tape"',
  'a: b: c',
  '{}',
  '[]',
  '{ }',
  'x\t',
  '- nested',
];

/** A one-line flow sequence of odd scalars, spaced and quoted at random (trailing commas too). */
const flowSeq = fc
  .record({
    items: fc.array(
      fc.record({
        text: fc.constantFrom(...ODD_SCALARS),
        style: fc.constantFrom('plain', 'single', 'double'),
      }),
      { maxLength: 4 },
    ),
    separator: fc.constantFrom(', ', ',', ' , ', ',  '),
    pad: fc.constantFrom('', ' '),
    trailingComma: fc.boolean(),
    comment: fc.boolean(),
  })
  .map(({ items, separator, pad, trailingComma, comment }) => {
    const inner = items.map((i) => keyText(i)).join(separator);
    return `[${pad}${inner}${trailingComma ? ',' : ''}${pad}]${comment ? ' # c' : ''}`;
  });

const key = fc.record({
  text: fc.constantFrom(...KEYS),
  style: fc.constantFrom('plain', 'plain', 'single', 'double'),
});
const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { weight: 4, arbitrary: scalar.map((s) => ({ scalar: s })) },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.tuple(key, tie('tree')), { minLength: 1, maxLength: 4 })
        .map((m) => ({ map: m })),
    },
    { weight: 1, arbitrary: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((s) => ({ seq: s })) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW).map((r) => ({ raw: r })) },
    { weight: 1, arbitrary: flowSeq.map((r) => ({ raw: r })) },
    { weight: 1, arbitrary: multiLine.map((m) => ({ ml: m })) },
    { weight: 2, arbitrary: wellFormed.map((m) => ({ ml: m })) },
  ),
})).tree;

function indented(raw: string, pad: string): string {
  return raw.replaceAll('\n', `\n${pad}`);
}

/** Lines of `value` under a key (after `key:`) at indent `pad`. */
function render(t: Tree, pad: string, sameIndentSeq: boolean): string {
  // A value may start on the line below its key (or dash), indented.
  if ('scalar' in t) return t.scalar.below ? `\n${pad}  ${scalarText(t.scalar)}` : ` ${scalarText(t.scalar)}`;
  if ('raw' in t) return ` ${indented(t.raw, `${pad}  `)}`;
  if ('ml' in t) return multiLineText(t.ml, pad);
  if ('map' in t) return `\n${mapLines(t.map, `${pad}  `, sameIndentSeq)}`;
  const inner = sameIndentSeq ? pad : `${pad}  `;
  return `\n${seqLines(t.seq, inner, sameIndentSeq)}`;
}

function mapLines(entries: [Parameters<typeof keyText>[0], Tree][], pad: string, s: boolean): string {
  return entries.map(([k, v]) => `${pad}${keyText(k)}:${render(v, pad, s)}`).join('\n');
}

function seqLines(items: Tree[], pad: string, s: boolean): string {
  return items
    .map((item) => {
      if ('map' in item) return `${pad}- ${mapLines(item.map, `${pad}  `, s).slice(pad.length + 2)}`;
      if ('seq' in item) return `${pad}-${render(item, pad, s)}`;
      return `${pad}-${render(item, pad, s)}`;
    })
    .join('\n');
}

const labels = fc.array(fc.tuple(key, scalar), { maxLength: 3 });
const doc = fc.record({
  kind: fc.constantFrom('ConfigMap', 'NetworkPolicy', 'Service', 'List', 'Kustomization', ''),
  name: fc.constantFrom('web', 'on', '"Web"', ''),
  labels,
  spec: fc.option(tree, { nil: undefined }),
  comment: fc.boolean(),
  s: fc.boolean(),
});

function docText(d: DocValue): string {
  const lines = [];
  if (d.kind !== '')
    lines.push(
      `apiVersion: ${d.kind === 'NetworkPolicy' ? 'networking.k8s.io/v1' : 'v1'}`,
      `kind: ${d.kind}`,
    );
  if (d.comment) lines.push('# a comment line', '   # indented comment');
  lines.push('metadata:');
  if (d.name !== '') lines.push(`  name: ${d.name}`);
  if (d.labels.length > 0)
    lines.push(
      `  labels:\n${mapLines(
        d.labels.map(([k, v]) => [k, { scalar: v }]),
        '    ',
        d.s,
      )}`,
    );
  if (d.spec) lines.push(`spec:${render(d.spec, '', d.s)}`);
  return lines.join('\n');
}
type DocValue = {
  kind: string;
  name: string;
  labels: [Parameters<typeof keyText>[0], Parameters<typeof scalarText>[0]][];
  spec?: Tree;
  comment: boolean;
  s: boolean;
};

const SEPARATORS = [
  '\n---\n',
  '\n--- # next\n',
  '\n---\n\n',
  '\n---\n# only a comment\n---\n',
  '\n---   \n',
  '\n--- a: 1\n',
  '\n...\n---\n',
];
const file = fc.record({
  docs: fc.array(doc, { minLength: 0, maxLength: 3 }),
  separators: fc.array(fc.constantFrom(...SEPARATORS), { minLength: 3, maxLength: 3 }),
  leading: fc.constantFrom('', '---\n', '# header\n', '# header\n---\n', '\n'),
  trailing: fc.constantFrom('', '\n', '\n---\n', '\n---', '\n\n# end\n'),
  crlf: fc.boolean(),
  bom: fc.boolean(),
});

function fileText(v: {
  docs: DocValue[];
  separators: string[];
  leading: string;
  trailing: string;
  crlf: boolean;
  bom: boolean;
}): string {
  let text = v.leading;
  v.docs.forEach((d, i) => {
    if (i > 0) text += v.separators[i - 1];
    text += docText(d);
  });
  text += v.trailing;
  if (v.crlf) text = text.replaceAll('\n', '\r\n');
  return v.bom ? `\ufeff${text}` : text;
}

/** Maps and sequences of scalars over several lines, well-formed or not, in a few documents. */
const multiLineTree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    {
      weight: 3,
      arbitrary: fc.tuple(multiLine, fc.boolean()).map(([m, below]) => ({ ml: { ...m, below } })),
    },
    {
      weight: 5,
      arbitrary: fc
        .tuple(wellFormed, fc.constantFrom(false, false, true))
        .map(([m, below]) => ({ ml: { ...m, below } })),
    },
    { weight: 1, arbitrary: scalar.map((v) => ({ scalar: v })) },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.tuple(key, tie('tree')), { minLength: 1, maxLength: 3 })
        .map((m) => ({ map: m })),
    },
    { weight: 1, arbitrary: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((v) => ({ seq: v })) },
  ),
})).tree;
const multiLineFile = fc
  .record({
    docs: fc.array(fc.tuple(multiLineTree, fc.boolean()), { minLength: 1, maxLength: 2 }),
    trailing: fc.constantFrom(
      '',
      '\n',
      '\n\n',
      '\n  \n',
      '\n    ',
      '\n  ',
      '\n\n ',
      '\n---\n',
      '\n# end\n',
      '\n\n  # end',
    ),
    crlf: fc.boolean(),
  })
  .map(({ docs, trailing, crlf }) => {
    const text =
      docs
        .map(([t, s]) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:${render(t, '', s)}`)
        .join('\n---\n') + trailing;
    return crlf ? text.replaceAll('\n', '\r\n') : text;
  });

describe('fast YAML reader', () => {
  it('gives what the full parser gives, in and out of its subset', () => {
    fastTaken = 0;
    multiLineTaken.clear();
    fc.assert(
      fc.property(file, (f) => same(fileText(f))),
      { numRuns: 3000 },
    );
    // Not vacuous: a good share of the random files is read by the fast reader.
    expect(fastTaken).toBeGreaterThan(600);
  });

  it('gives what the full parser gives on scalars over several lines', () => {
    multiLineTaken.clear();
    fc.assert(
      fc.property(multiLineFile, (f) => same(f)),
      { numRuns: 3000 },
    );
    // Not vacuous: the fast reader read scalars over several lines of every style itself.
    for (const type of ['BLOCK_LITERAL', 'BLOCK_FOLDED', 'PLAIN', 'QUOTE_SINGLE', 'QUOTE_DOUBLE']) {
      expect(multiLineTaken.get(type) ?? 0, type).toBeGreaterThan(100);
    }
  });

  it('reads the common shape of a manifest itself', () => {
    const text =
      '\ufeff# head\r\napiVersion: networking.k8s.io/v1\r\nkind: NetworkPolicy\r\nmetadata:\r\n  name: web  # x\r\n  labels:\r\n    tier: "yes"\r\n    up: on\r\nspec:\r\n  podSelector: {}\r\n  ingress:\r\n  - from:\r\n    - podSelector:\r\n        matchLabels:\r\n          app: \'api\'\r\n    ports:\r\n    - port: 8080\r\n---\r\n';
    expect(fastDocuments(text, new LineCounter())).toBeDefined();
    same(text);
  });

  it('reads block scalars, folded lines and escapes itself', () => {
    for (const text of [
      'a: |\n  x\n',
      'a: >-\n  x\n\n  y\n    z\nb: 1\n',
      'a: |2-\n\n\n    x\n',
      '- |+\n  x\n\n',
      'a: b\n  c\n',
      "a: 'x\n\n  y'\n",
      'a: "x\\x41y \\\n  z"\n',
      'a:\n- |2\n   x\n',
      'a:\n  - |1\n    x\n',
      '- b: |1\n    x\n',
    ]) {
      expect(fastDocuments(text, new LineCounter()), text).toBeDefined();
      same(text);
    }
  });

  it('falls back on what it does not read', () => {
    for (const text of [
      'a: &x 1\nb: *x\n',
      'a: [1, [2]]\n',
      'a: {b: 1}\n',
      'a: [x y]\n',
      'a: |\nb: 1\n',
      'a: |\n    \n  x\n',
      'a: b\n  c: d\n',
      'a: 1\na: 2\n',
      '%YAML 1.1\n---\na: 1\n',
      'a:\n\tb: 1\n',
      '<<: {a: 1}\n',
      '? a\n: b\n',
      'a: "x\\qy"\n',
      'name: {{ .Values.x }}\n',
    ]) {
      expect(fastDocuments(text, new LineCounter()), text).toBeUndefined();
      same(text);
    }
  });
});
