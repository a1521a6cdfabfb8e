import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../src/render/escape.js';
import { sarifRule } from '../../src/render/sarif-rules.js';
import { citedRuleIds, linkRuleIdsInMarkdown, RULES_DOC_URL, ruleUrl } from '../../src/report/rule-docs.js';
import { renderGfm } from '../helpers/gfm.js';

const link = (id: string, anchor: string) => `[${id}](${RULES_DOC_URL}#${anchor})`;

describe('rule citations', () => {
  it('finds the ids a text cites, ranges expanded', () => {
    expect(citedRuleIds('rejected (rule E5, E7). Fix it')).toEqual(['E5', 'E7']);
    expect(citedRuleIds('PeerAuthentication compiled once (SEMANTICS E1–E3).')).toEqual(['E1', 'E2', 'E3']);
    expect(citedRuleIds('SEMANTICS 0.1, E6, F7-F9, F14: what')).toEqual([
      '0.1',
      'E6',
      'F7',
      'F8',
      'F9',
      'F14',
    ]);
    expect(citedRuleIds('client (E6, F7-F9, F14)')).toEqual(['E6', 'F7', 'F8', 'F9', 'F14']);
    expect(citedRuleIds('must be decimal (D8: no named ports); denied (D5.4)')).toEqual(['D8', 'D5.4']);
    expect(citedRuleIds('an A1 plan (hello) E5, rules of B (V1x)')).toEqual([]);
  });

  it('links a step to its rule', () => {
    expect(ruleUrl('D5.4')).toBe(`${RULES_DOC_URL}#d5`);
    expect(ruleUrl('0.2')).toBe(`${RULES_DOC_URL}#0.2`);
    expect(RULES_DOC_URL).toMatch(
      /^https:\/\/github\.com\/[^/]+\/policy-diff\/blob\/v\d+\.\d+\.\d+\/docs\/rules\.md$/,
    );
  });

  it('links cited ids in escaped Markdown and nothing else', () => {
    const md = (t: string) => linkRuleIdsInMarkdown(escapeMarkdown(t));
    expect(md('their plaintext connections are rejected (rule E5, E7). Fix')).toBe(
      `their plaintext connections are rejected \\(rule ${link('E5', 'e5')}, ${link('E7', 'e7')}\\)\\. Fix`,
    );
    expect(md('denied (D5.4)')).toBe(`denied \\(${link('D5\\.4', 'd5')}\\)`);
    expect(md('all-or-nothing, rule H3)')).toBe(`all\\-or\\-nothing, rule ${link('H3', 'h3')}\\)`);
    expect(md('(E1-E3)')).toBe(`\\(${link('E1', 'e1')}\\-${link('E3', 'e3')}\\)`);
    // Names from the repository are lower case; an upper-case lookalike without a citation stays text.
    const html = renderGfm(md('rejected (rule E5, E7)'));
    expect([...html.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[2], m[1]])).toEqual([
      ['E5', `${RULES_DOC_URL}#e5`],
      ['E7', `${RULES_DOC_URL}#e7`],
    ]);
    expect(md('pod E5 in [x](http://evil) (E5x)')).toBe(escapeMarkdown('pod E5 in [x](http://evil) (E5x)'));
  });

  it("SARIF rule help links the docs' rule ids to the web, and its plain text drops the link syntax", () => {
    const rule = sarifRule('duplicate-peerauthentication');
    expect(rule.help.markdown).toContain(`([rule E3](${RULES_DOC_URL}#e3))`);
    expect(rule.fullDescription.markdown).toContain(`](${RULES_DOC_URL}#e3)`);
    expect(rule.help.text).toContain('only the oldest applies (rule E3).');
    expect(rule.help.text).not.toMatch(/\]\(/);
  });
});
