import { VERSION } from './version.js';

/**
 * Where policy-diff's own documentation lives on the web. A PR comment cannot follow a relative
 * link, so the report links rule ids to the docs of the release that wrote it (the tag `v<VERSION>`,
 * so an old comment keeps pointing at the rules it was written against). package.json has no
 * `repository` yet; test/docs/links.test.ts keeps the two in step once it does.
 */
export const REPOSITORY_URL = 'https://github.com/policy-diff/policy-diff';

/** docs/rules.md of this release; a rule's anchor is its lower-cased id (`#e5`). */
export const RULES_DOC_URL = `${REPOSITORY_URL}/blob/v${VERSION}/docs/rules.md`;

/**
 * One rule id as messages cite it: area letter, number, optional step (`E5`, `D17`, `D5.3`), or a
 * step of the evaluation order (`0.1`).
 */
const ID = '(?:0\\.[1-5]|[A-IRV][0-9]{1,2}(?:\\.[0-9])?)';

/**
 * A citation: `rule E5`, `rules E5, E7`, `SEMANTICS F2` (code comments), or a parenthesised list
 * `(E11, F13)` / `(D8: ...)`. Ranges (`E1–E5`, `F7-F10`) cite both ends and what lies between.
 */
const CITATION = new RegExp(
  `(?:\\brules? |\\bSEMANTICS |\\()(${ID}(?:(?:, |[–-])(?:${ID}))*)(?![A-Za-z0-9])`,
  'g',
);

/** The anchor of a rule id in docs/rules.md: a step (`D5.3`) is read under its rule (`d5`). */
export function ruleAnchor(id: string): string {
  return id.startsWith('0.') ? id : id.replace(/\..*$/, '').toLowerCase();
}

/** The link to one rule's explanation. */
export function ruleUrl(id: string): string {
  return `${RULES_DOC_URL}#${ruleAnchor(id)}`;
}

/** Every rule id a text cites, ranges expanded (`E1–E3` gives E1, E2, E3), in order of appearance. */
export function citedRuleIds(text: string): string[] {
  const ids: string[] = [];
  for (const m of text.matchAll(CITATION)) {
    for (const part of m[1]!.split(', ')) {
      const [from, to] = part.split(/[–-]/) as [string, string | undefined];
      ids.push(from);
      if (to === undefined) continue;
      const end = /^[A-IRV]/.test(to) ? to : `${from[0]}${to}`;
      ids.push(...rangeBetween(from, end));
    }
  }
  return ids;
}

function rangeBetween(from: string, to: string): string[] {
  const a = Number.parseInt(from.slice(1), 10);
  const b = Number.parseInt(to.slice(1), 10);
  if (from[0] !== to[0] || !(b > a)) return [to];
  return Array.from({ length: b - a }, (_, i) => `${from[0]}${a + i + 1}`);
}

/** ID as escapeMarkdown leaves it: the step's dot comes out as `\.`. */
const ESCAPED_ID = '[A-IRV][0-9]{1,2}(?:\\\\\\.[0-9])?';

/** CITATION in escaped Markdown: `(` is `\(` and a range's hyphen `\-`. */
const ESCAPED_CITATION = new RegExp(
  `(\\brules? |\\\\\\()(${ESCAPED_ID}(?:(?:, |–|\\\\-)(?:${ESCAPED_ID}))*)(?![A-Za-z0-9])`,
  'g',
);

/**
 * Markdown already escaped by render/escape's escapeMarkdown with every cited rule id turned into
 * a link to its explanation. Only our own URL is ever added, and the id is one of a fixed shape,
 * so untrusted text cannot make a link of its choosing.
 */
export function linkRuleIdsInMarkdown(escaped: string): string {
  return escaped.replace(ESCAPED_CITATION, (_all, lead: string, list: string) => {
    const linked = list.replace(
      new RegExp(ESCAPED_ID, 'g'),
      (id) => `[${id}](${ruleUrl(id.replace('\\', ''))})`,
    );
    return `${lead}${linked}`;
  });
}

/**
 * Markdown written in docs/ (findings.md's table, which SARIF repeats as rule help) with its
 * relative links to other docs pages made absolute: outside the repository (code scanning, a
 * comment) a relative link leads nowhere.
 */
export function absoluteDocsLinks(markdown: string): string {
  const docs = RULES_DOC_URL.replace(/rules\.md$/, '');
  return markdown.replace(
    /\]\(([a-z0-9-]+\.md(?:#[A-Za-z0-9.-]+)?)\)/g,
    (_all, target: string) => `](${docs}${target})`,
  );
}
