import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Document, LineCounter, type Node, parseDocument, stringify } from 'yaml';
import { type FilePosition, locationAt, locator, offsetOf, PackedLines } from '../../src/manifests/locate.js';
import type { ObjectPath } from '../../src/manifests/types.js';
import { KUBE_YAML } from '../../src/manifests/yaml-schema.js';

function parsed(...args: [string] | [typeof KUBE_YAML, string]): { doc: Document; pos: FilePosition } {
  const [options, text] = args.length === 1 ? [{}, args[0]] : args;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...options, lineCounter }) as Document;
  return { doc, pos: { revision: 'r', file: 'f.yaml', lineCounter } };
}

/** Every path into a JSON value, plus a wrong turn after each (a missing key, an index too far). */
function pathsOf(value: unknown, prefix: ObjectPath = []): ObjectPath[] {
  const out: ObjectPath[] = [prefix, [...prefix, 'missing'], [...prefix, 99]];
  const children: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : value !== null && typeof value === 'object'
      ? Object.entries(value)
      : [];
  for (const [k, v] of children) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

describe('locate without the YAML document', () => {
  it('finds what walking the document finds, for every path', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (value, flow) => {
        const text = stringify({ spec: value }, flow ? { collectionStyle: 'flow' } : {});
        const { doc, pos } = parsed(text);
        const root = doc.contents as Node;
        const locate = locator(pos, doc, root);
        for (const path of pathsOf({ spec: value })) {
          expect(locate(path)).toEqual(locationAt(pos, offsetOf(doc, root, path)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('follows aliases to the anchored content', () => {
    const { doc, pos } = parsed(
      ['base: &b', '  ports:', '    - 80', '    - 443', 'copy: *b', 'list:', '  - *b', ''].join('\n'),
    );
    const locate = locator(pos, doc, doc.contents as Node);
    expect(locate(['copy', 'ports', 1]).line).toBe(4);
    expect(locate(['list', 0, 'ports', 0]).line).toBe(3);
    expect(locate(['copy', 'nothing']).line).toBe(5);
  });

  it('goes through the pair kubectl applies: the last of a key, merged pairs in place of <<', () => {
    const { doc, pos } = parsed(
      KUBE_YAML,
      ['base: &b', '  a: 1', '  c: 2', 'obj:', '  <<: *b', '  a: 3', 'tail:', '  <<: [*b]', ''].join('\n'),
    );
    const locate = locator(pos, doc, doc.contents as Node);
    for (const path of [
      ['obj', 'a'],
      ['obj', 'c'],
      ['tail', 'a'],
      ['obj', 'x'],
    ] as ObjectPath[])
      expect(locate(path)).toEqual(locationAt(pos, offsetOf(doc, doc.contents as Node, path)));
    expect([locate(['obj', 'a']).line, locate(['obj', 'c']).line, locate(['tail', 'c']).line]).toEqual([
      6, 3, 3,
    ]);
  });

  it('records a heavily aliased document once per anchor', () => {
    // Nine levels of ten aliases each: expanding would visit 10^9 nodes.
    const lines = ['a0: &a0 [x, y]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const { doc, pos } = parsed(lines.join('\n'));
    const locate = locator(pos, doc, doc.contents as Node);
    expect(locate(['a9', 3, 3, 3, 3, 3, 3, 3, 3, 0, 1]).line).toBe(1);
  });
});

describe('PackedLines', () => {
  it('answers linePos as the LineCounter it packs, at every offset (and beyond the text)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', ' ', '\n', '\r\n', 'key: v\n'), { maxLength: 60 }),
        (parts) => {
          const text = parts.join('');
          const counter = new LineCounter();
          parseDocument(text, { lineCounter: counter });
          const packed = PackedLines.of(counter);
          expect(packed.lineStarts).toBeInstanceOf(Int32Array);
          expect(Array.from(packed.lineStarts)).toEqual(counter.lineStarts);
          for (let offset = -1; offset <= text.length + 2; offset++) {
            expect(packed.linePos(offset)).toEqual(counter.linePos(offset));
          }
        },
      ),
    );
  });

  it('locates an object as the LineCounter did once its file is packed', () => {
    const text = 'a: 1\nb:\n  c: [1, 2]\n  d:\n    - e: f\n';
    const { doc, pos } = parsed(text);
    const packed: FilePosition = { ...pos, lineCounter: PackedLines.of(pos.lineCounter) };
    const root = doc.contents as Node;
    for (const path of pathsOf(doc.toJS())) {
      expect(locator(packed, doc, root)(path)).toEqual(locator(pos, doc, root)(path));
    }
  });
});
