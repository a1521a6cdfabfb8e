import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCounter } from 'yaml';
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

function same(text: string): void {
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
];

const scalar = fc.record({
  text: fc.constantFrom(...ODD_SCALARS),
  style: fc.constantFrom('plain', 'plain', 'single', 'double'),
  comment: fc.boolean(),
  trailing: fc.boolean(),
});

function scalarText(s: { text: string; style: string; comment: boolean; trailing: boolean }): string {
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
  | { raw: string };

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
  ),
})).tree;

function indented(raw: string, pad: string): string {
  return raw.replaceAll('\n', `\n${pad}`);
}

/** Lines of `value` under a key (after `key:`) at indent `pad`. */
function render(t: Tree, pad: string, sameIndentSeq: boolean): string {
  if ('scalar' in t) return ` ${scalarText(t.scalar)}`;
  if ('raw' in t) return ` ${indented(t.raw, `${pad}  `)}`;
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

describe('fast YAML reader', () => {
  it('gives what the full parser gives, in and out of its subset', () => {
    fastTaken = 0;
    fc.assert(
      fc.property(file, (f) => same(fileText(f))),
      { numRuns: 3000 },
    );
    // Not vacuous: a good share of the random files is read by the fast reader.
    expect(fastTaken).toBeGreaterThan(600);
  });

  it('reads the common shape of a manifest itself', () => {
    const text =
      '\ufeff# head\r\napiVersion: networking.k8s.io/v1\r\nkind: NetworkPolicy\r\nmetadata:\r\n  name: web  # x\r\n  labels:\r\n    tier: "yes"\r\n    up: on\r\nspec:\r\n  podSelector: {}\r\n  ingress:\r\n  - from:\r\n    - podSelector:\r\n        matchLabels:\r\n          app: \'api\'\r\n    ports:\r\n    - port: 8080\r\n---\r\n';
    expect(fastDocuments(text, new LineCounter())).toBeDefined();
    same(text);
  });

  it('falls back on what it does not read', () => {
    for (const text of [
      'a: &x 1\nb: *x\n',
      'a: [1, [2]]\n',
      'a: {b: 1}\n',
      'a: [x y]\n',
      'a: |\n  x\n',
      'a: b\n  c\n',
      'a: 1\na: 2\n',
      '%YAML 1.1\n---\na: 1\n',
      'a:\n\tb: 1\n',
      '<<: {a: 1}\n',
      '? a\n: b\n',
      'a: "x\\x41y"\n',
      'name: {{ .Values.x }}\n',
    ]) {
      expect(fastDocuments(text, new LineCounter()), text).toBeUndefined();
      same(text);
    }
  });
});
