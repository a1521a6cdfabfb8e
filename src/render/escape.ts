import { neutralise } from '../core/safe-text.js';

const MAX_NAME = 200;

/**
 * Untrusted text on one line with control characters, ANSI escapes and bidi overrides shown as
 * `\uXXXX` (core/safe-text), capped in length.
 */
export function sanitize(text: string, max = MAX_NAME): string {
  const flat = neutralise(text);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * An inline code span for untrusted text (resource names, paths, rule labels). Inside a code span
 * Markdown and HTML are not interpreted and @mentions or #refs do not link, so a name like
 * `<img src=x>` or `**evil**` shows literally. The fence is longer than any backtick run inside.
 */
export function code(text: string): string {
  const clean = sanitize(text);
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') || clean === '' ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/**
 * Untrusted text inside raw HTML (`<summary>`): Markdown is not interpreted there, so only HTML is
 * escaped (a Markdown backslash would show literally); `@` is broken so it does not mention.
 */
export function escapeHtml(text: string, max = MAX_NAME): string {
  return sanitize(text, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/@/g, '@\u200b');
}

/** Escapes untrusted text meant to be read as prose (not code): HTML, Markdown and mentions. */
export function escapeMarkdown(text: string): string {
  return sanitize(text, 1000)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+\-.!|~])/g, '\\$1')
    .replace(/@/g, '@\u200b');
}
