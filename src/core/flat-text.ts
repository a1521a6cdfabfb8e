/**
 * The same string, in memory of its own: not a view on a longer text (a V8 sliced string keeps its
 * parent alive) nor a tree of the pieces a template literal joined (a cons string: 32 bytes a
 * piece, kept as long as the string is). For strings kept for the whole run: values read from a
 * file's text, the messages of findings. JSON's round trip is the identity on every string, lone
 * surrogates included (test/core/flat-text.test.ts).
 */
export function flatCopy(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}
