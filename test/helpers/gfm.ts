import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cmark = require('cmark-gfm') as {
  renderHtmlSync(markdown: string, options: Record<string, unknown>): string;
};

/** Markdown to HTML as GitHub renders comments: cmark-gfm with its extensions, raw HTML kept. */
export function renderGfm(markdown: string): string {
  return cmark.renderHtmlSync(markdown, {
    unsafe: true,
    extensions: { table: true, strikethrough: true, autolink: true, tagfilter: true, tasklist: true },
  });
}

/** What GitHub's structure checks need from rendered HTML; each entry is a problem found. */
export function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  let depth = 0;
  for (const m of html.matchAll(/<(\/?)details\b[^>]*>/g)) {
    depth += m[1] ? -1 : 1;
    if (depth < 0) problems.push(`</details> without <details> at ${m.index}`);
  }
  if (depth > 0) problems.push(`${depth} <details> never closed`);
  for (const m of html.matchAll(/<a\s[^>]*href="([^"]*)"/g)) {
    const href = m[1]!.replace(/&amp;/g, '&');
    if (!/^https?:\/\//.test(href) || !URL.canParse(href)) problems.push(`malformed link ${href}`);
  }
  // Text a reader sees, outside code: a Markdown escape that did not apply shows as a backslash.
  const text = html.replace(/<code>[\s\S]*?<\/code>/g, '').replace(/<[^>]+>/g, '');
  for (const m of text.matchAll(/\\[!-/:-@[-`{-~]/g))
    problems.push(`stray backslash: ${text.slice(Math.max(0, m.index - 30), m.index + 10)}`);
  const tags = new Set([...html.matchAll(/<([a-z][a-z0-9]*)\b/g)].map((m) => m[1]!));
  const allowed = [
    'p',
    'h3',
    'h4',
    'ul',
    'ol',
    'li',
    'code',
    'strong',
    'em',
    'b',
    'a',
    'details',
    'summary',
    'blockquote',
    'hr',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'br',
    'pre',
    'del',
    'input',
  ];
  for (const t of tags) if (!allowed.includes(t)) problems.push(`unexpected element <${t}>`);
  return problems;
}
