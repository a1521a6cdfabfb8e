import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { citedRuleIds, REPOSITORY_URL, ruleAnchor } from '../../src/report/rule-docs.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

const DOCS = [
  'README.md',
  ...readdirSync(join(PROJECT_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');

/** Markdown without fenced blocks and code spans, where `[x](y)` is not a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
}

function links(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}

/** The anchors GitHub gives a Markdown file: `<a id>` / `name`, and heading slugs (duplicates numbered). */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  for (const m of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(m[1]!);
  const seen = new Map<string, number>();
  for (const m of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = m[1]!.replace(/<[^>]+>/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    found.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const RULE_ANCHORS = anchors(read('docs/rules.md'));

describe('documentation links', () => {
  it.each(DOCS)('%s: every relative link names a file of the repository (and an anchor in it)', (file) => {
    const problems: string[] = [];
    for (const target of links(read(file))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: (checked below for ../)
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const abs =
        path === '' ? join(PROJECT_ROOT, file) : resolve(PROJECT_ROOT, dirname(file), decodeURI(path));
      const inside = relative(PROJECT_ROOT, abs);
      if (inside.startsWith('..') || inside.startsWith(sep)) {
        problems.push(`${target}: leaves the repository`);
        continue;
      }
      if (!existsSync(abs)) {
        problems.push(`${target}: no such file`);
        continue;
      }
      if (anchor && abs.endsWith('.md') && !anchors(readFileSync(abs, 'utf8')).has(anchor))
        problems.push(`${target}: no anchor #${anchor} in ${inside}`);
    }
    expect(problems).toEqual([]);
  });

  it.each(DOCS)('%s: names no file outside the repository (../shared), even as text', (file) => {
    const lines = read(file)
      .split('\n')
      .filter((line) => /\]\([^)]*\.\.\/shared|shared\/docs\/SEMANTICS/.test(line));
    expect(lines).toEqual([]);
  });

  it('every rule id the code cites (messages and comments) is explained in docs/rules.md', () => {
    const missing: string[] = [];
    for (const path of tsFiles(join(PROJECT_ROOT, 'src'))) {
      for (const id of citedRuleIds(readFileSync(path, 'utf8')))
        if (!RULE_ANCHORS.has(ruleAnchor(id))) missing.push(`${relative(PROJECT_ROOT, path)}: ${id}`);
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it('every rule id the docs cite is explained in docs/rules.md', () => {
    const missing = DOCS.flatMap((file) =>
      citedRuleIds(prose(read(file)))
        .filter((id) => !RULE_ANCHORS.has(ruleAnchor(id)))
        .map((id) => `${file}: ${id}`),
    );
    expect(missing).toEqual([]);
  });

  it('messages no longer cite SEMANTICS, a document users cannot read', () => {
    const cites: string[] = [];
    for (const path of tsFiles(join(PROJECT_ROOT, 'src'))) {
      const text = readFileSync(path, 'utf8');
      // String literals only: comments may keep the ids, docs/rules.md explains them.
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      for (const m of code.matchAll(/SEMANTICS [A-Z0-9]/g))
        cites.push(`${relative(PROJECT_ROOT, path)}: ${code.slice(m.index, m.index + 40)}`);
    }
    expect(cites).toEqual([]);
  });

  it('the docs URL is the repository package.json names, once it names one', () => {
    const pkg = JSON.parse(read('package.json')) as { repository?: string | { url?: string } };
    const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    if (url === undefined) return;
    expect(url.replace(/^git\+/, '').replace(/\.git$/, '')).toBe(REPOSITORY_URL);
  });
});
