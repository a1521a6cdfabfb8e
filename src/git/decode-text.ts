/**
 * File bytes to text exactly as kubectl reads them (SEMANTICS R2).
 *
 * kubectl's file visitor (k8s.io/cli-runtime resource/visitor.go, FileVisitor) wraps every file in
 * `transform.NewReader(f, unicode.BOMOverride(unicode.UTF8.NewDecoder()))` from golang.org/x/text:
 * - a UTF-8 BOM is stripped; a UTF-16 BE (FE FF) or LE (FF FE) BOM switches to UTF-16, decoded
 *   with unpaired surrogates and a trailing odd byte as U+FFFD;
 * - otherwise the bytes are UTF-8, and every ill-formed sequence becomes one U+FFFD per maximal
 *   subpart ("the W3C standard way", x/text unicode.go): invalid bytes never stop the file.
 * That is the WHATWG decoder's replacement mode, which TextDecoder implements, so it is used here.
 *
 * The decoded text then goes to sigs.k8s.io/yaml, whose go-yaml v2 reader (readerc.go) refuses any
 * character outside YAML's printable set ("control characters are not allowed"), in comments too:
 * a NUL byte (or a UTF-16 file without a BOM, read as UTF-8 full of NULs) is a file kubectl
 * refuses. A JSON document goes to encoding/json instead, which only refuses C0 controls.
 */

export type TextEncoding = 'utf-8' | 'utf-16be' | 'utf-16le';

export type DecodedText =
  | {
      readonly kind: 'text';
      readonly text: string;
      readonly encoding: TextEncoding;
      /** 1-based line of the first U+FFFD the decoder put in place of ill-formed bytes. */
      readonly replacedAtLine?: number;
    }
  | {
      readonly kind: 'refused';
      /** The first character kubectl's reader refuses, and where. */
      readonly codePoint: number;
      readonly line: number;
    };

const decoders = {
  'utf-8': new TextDecoder('utf-8'),
  'utf-16be': new TextDecoder('utf-16be'),
  'utf-16le': new TextDecoder('utf-16le'),
} as const;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** go-yaml v2's printable set: tab, LF, CR, x20-x7E, x85, xA0-xD7FF, xE000-xFFFD, astral planes. */
function yamlPrintable(c: number): boolean {
  if (c < 0x20) return c === 0x09 || c === 0x0a || c === 0x0d;
  if (c < 0xa0) return c <= 0x7e || c === 0x85;
  // Surrogates are halves of astral characters here: the decoders never leave one unpaired.
  return c !== 0xfffe && c !== 0xffff;
}

/** encoding/json: only C0 controls other than whitespace are refused (in strings and out). */
function jsonText(c: number): boolean {
  return c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Index of the first character the reader refuses, or -1. */
function firstRefused(text: string, allowed: (c: number) => boolean): number {
  for (let i = 0; i < text.length; i++) if (!allowed(text.charCodeAt(i))) return i;
  return -1;
}

function encodingOf(content: Uint8Array): TextEncoding {
  if (content[0] === 0xfe && content[1] === 0xff) return 'utf-16be';
  if (content[0] === 0xff && content[1] === 0xfe) return 'utf-16le';
  return 'utf-8';
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at >= 0 && at < index; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

/** sigs.k8s.io/yaml takes a stream as JSON when its first non-space character is `{`. */
function looksLikeJson(text: string): boolean {
  return /^[ \t\r\n]*\{/.test(text);
}

export function decodeText(content: Uint8Array): DecodedText {
  const encoding = encodingOf(content);
  let text: string;
  let replacedAtLine: number | undefined;
  if (encoding === 'utf-8') {
    try {
      // Fast path: valid UTF-8 (the BOM is stripped by both decoders).
      text = strictUtf8.decode(content);
    } catch {
      text = decoders['utf-8'].decode(content);
      replacedAtLine = lineAt(text, text.indexOf('\uFFFD'));
    }
  } else {
    // TextDecoder drops the BOM itself.
    text = decoders[encoding].decode(content);
  }
  const refused = firstRefused(text, looksLikeJson(text) ? jsonText : yamlPrintable);
  if (refused >= 0)
    return { kind: 'refused', codePoint: text.charCodeAt(refused), line: lineAt(text, refused) };
  return replacedAtLine === undefined
    ? { kind: 'text', text, encoding }
    : { kind: 'text', text, encoding, replacedAtLine };
}
