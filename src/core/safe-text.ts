/**
 * Output safety for text that came from the input (names, labels, paths, messages quoting user
 * values). Every human-readable output passes such text through here, so a manifest cannot
 * move the terminal cursor (ANSI escapes), reorder what a reviewer reads (bidi overrides, the
 * "Trojan Source" trick), break a line, or start a line with `::` (a GitHub workflow command).
 * Neutralised characters stay visible as `\uXXXX`, so the reader sees that something was there.
 */

// C0 and C1 controls (ESC, so every ANSI sequence, included), DEL, line and paragraph separators,
// bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the marks LRM, RLM, ALM.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const visible = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Tabs and line breaks: one space, so a message quoting a multi-line value stays readable. */
const BREAKS = /[\t\n\v\f\r\u2028\u2029]+/g;

/** `text` on one line, with every other unsafe character shown as `\uXXXX`. */
export function neutralise(text: string): string {
  return text.replace(BREAKS, ' ').replace(UNSAFE, visible);
}

/**
 * One safe line for a log or a terminal: neutralised, and never read by the runner as a workflow
 * command (it trims leading white space and looks for `::`), so a leading colon is shown as `\u003A`.
 */
export function safeLine(text: string): string {
  return neutralise(text).replace(/^(\s*):(?=:)/, '$1\\u003A');
}

/** Each line of a multi-line log message made safe (the line breaks themselves are ours). */
export function safeLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => safeLine(l))
    .join('\n');
}
