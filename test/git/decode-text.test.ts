import { describe, expect, it } from 'vitest';
import { decodeText } from '../../src/git/decode-text.js';

const utf16le = (text: string) => Buffer.from(text, 'utf16le');
const utf16be = (text: string) => {
  const le = utf16le(text);
  const be = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    be[i] = le[i + 1] as number;
    be[i + 1] = le[i] as number;
  }
  return be;
};
const bytes = (...parts: (string | number[] | Buffer)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

/**
 * Each row: the file's bytes and what kubectl does with them. kubectl reads a file through
 * x/text's `unicode.BOMOverride(unicode.UTF8.NewDecoder())` (cli-runtime FileVisitor), then
 * sigs.k8s.io/yaml's go-yaml v2 reader, which refuses control characters anywhere.
 */
const rows: {
  name: string;
  content: Buffer;
  kubectl: string;
  expected: ReturnType<typeof decodeText>;
}[] = [
  {
    name: 'UTF-8 without a BOM',
    content: bytes('kind: Pod # café\n'),
    kubectl: 'applies it as written',
    expected: { kind: 'text', text: 'kind: Pod # café\n', encoding: 'utf-8' },
  },
  {
    name: 'UTF-8 with a BOM',
    content: bytes([0xef, 0xbb, 0xbf], 'kind: Pod\n'),
    kubectl: 'strips the BOM (BOMOverride) and applies it',
    expected: { kind: 'text', text: 'kind: Pod\n', encoding: 'utf-8' },
  },
  {
    name: 'UTF-16 LE with a BOM',
    content: bytes([0xff, 0xfe], utf16le('kind: Pod # é\n')),
    kubectl: 'decodes UTF-16 LE (BOMOverride) and applies it',
    expected: { kind: 'text', text: 'kind: Pod # é\n', encoding: 'utf-16le' },
  },
  {
    name: 'UTF-16 BE with a BOM',
    content: bytes([0xfe, 0xff], utf16be('kind: Pod # 🚀\n')),
    kubectl: 'decodes UTF-16 BE (BOMOverride) and applies it',
    expected: { kind: 'text', text: 'kind: Pod # 🚀\n', encoding: 'utf-16be' },
  },
  {
    name: 'UTF-16 LE without a BOM',
    content: utf16le('kind: Pod\n'),
    kubectl: 'reads it as UTF-8 full of NULs; go-yaml refuses "control characters are not allowed"',
    expected: { kind: 'refused', codePoint: 0, line: 1 },
  },
  {
    name: 'UTF-32 LE with a BOM',
    content: bytes([0xff, 0xfe, 0x00, 0x00], [0x6b, 0, 0, 0]),
    kubectl: 'takes FF FE for UTF-16 LE, so the text starts with U+0000: refused',
    expected: { kind: 'refused', codePoint: 0, line: 1 },
  },
  {
    name: 'UTF-16 with an unpaired surrogate in a comment',
    content: bytes([0xff, 0xfe], utf16le('# '), [0x00, 0xd8], utf16le('\nkind: Pod\n')),
    kubectl: 'x/text decodes the lone surrogate as U+FFFD and applies the file',
    expected: { kind: 'text', text: '# \uFFFD\nkind: Pod\n', encoding: 'utf-16le' },
  },
  {
    name: 'a Latin-1 byte in a comment',
    content: bytes('kind: Pod\n# caf', [0xe9], '\n'),
    kubectl: 'x/text replaces the byte with U+FFFD; the comment is dropped and the file applied',
    expected: { kind: 'text', text: 'kind: Pod\n# caf\uFFFD\n', encoding: 'utf-8', replacedAtLine: 2 },
  },
  {
    name: 'a truncated multi-byte sequence in a value',
    content: bytes('a: x', [0xe2, 0x82], 'y\n'),
    kubectl: 'one U+FFFD per maximal subpart (x/text "the W3C standard way"): the value is "x\uFFFDy"',
    expected: { kind: 'text', text: 'a: x\uFFFDy\n', encoding: 'utf-8', replacedAtLine: 1 },
  },
  {
    name: 'a NUL byte in a comment',
    content: bytes('kind: Pod\n\n# x', [0x00], '\n'),
    kubectl: 'go-yaml v2 refuses the document: "control characters are not allowed"',
    expected: { kind: 'refused', codePoint: 0, line: 3 },
  },
  {
    name: 'an ANSI escape (ESC) in a value',
    content: bytes('a: "', [0x1b], '[31m"\n'),
    kubectl: 'refused by go-yaml v2 like every C0 control but tab, LF and CR',
    expected: { kind: 'refused', codePoint: 0x1b, line: 1 },
  },
  {
    name: 'DEL (U+007F) in YAML',
    content: bytes('a: b', [0x7f], '\n'),
    kubectl: 'outside go-yaml v2 printable set (x20-x7E): refused',
    expected: { kind: 'refused', codePoint: 0x7f, line: 1 },
  },
  {
    name: 'DEL (U+007F) in a JSON string',
    content: bytes('{"a": "b', [0x7f], '"}\n'),
    kubectl: 'a JSON stream goes to encoding/json, which allows it: applied',
    expected: { kind: 'text', text: '{"a": "b\u007f"}\n', encoding: 'utf-8' },
  },
  {
    name: 'a NUL in a JSON string',
    content: bytes('{"a": "', [0x00], '"}'),
    kubectl: 'encoding/json refuses control characters in strings',
    expected: { kind: 'refused', codePoint: 0, line: 1 },
  },
  {
    name: 'tabs, CRLF line ends, NEL and a BOM inside the text',
    content: bytes('a:\tb\r\n# \u0085 \uFEFF\r\n'),
    kubectl: 'all printable for go-yaml v2: applied',
    expected: { kind: 'text', text: 'a:\tb\r\n# \u0085 \uFEFF\r\n', encoding: 'utf-8' },
  },
  {
    name: 'U+FFFE (a noncharacter) in a comment',
    content: bytes('# \uFFFE\n'),
    kubectl: 'outside go-yaml v2 printable set (xE000-xFFFD): refused',
    expected: { kind: 'refused', codePoint: 0xfffe, line: 1 },
  },
];

describe('decodeText: file bytes as kubectl reads them', () => {
  it.each(rows)('$name: kubectl $kubectl', ({ content, expected }) => {
    expect(decodeText(content)).toEqual(expected);
  });
});
