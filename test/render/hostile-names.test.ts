import { describe, expect, it } from 'vitest';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { diffRevisions } from '../../src/analysis/diff-revisions.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { code, escapeMarkdown } from '../../src/render/escape.js';
import { renderMarkdown } from '../../src/render/markdown.js';

/** Names come from the pull request: nothing in them may change the comment's structure. */
describe('hostile names in the Markdown report', () => {
  it.each([
    ['`a`b`', '`` `a`b` ``'],
    ['<img src=x onerror=alert(1)>', '`<img src=x onerror=alert(1)>`'],
    ['**bold** @octocat #1', '`**bold** @octocat #1`'],
    ['line\nbreak', '`line break`'],
    ['`', '`` ` ``'],
  ])('code(%j) is a single inert code span', (input, expected) => {
    expect(code(input)).toBe(expected);
  });

  it('escapes prose so HTML, emphasis and mentions stay literal', () => {
    expect(escapeMarkdown('<b>x</b> *y* @team [l](u)')).toBe(
      '&lt;b&gt;x&lt;/b&gt; \\*y\\* @\u200bteam \\[l\\]\\(u\\)',
    );
  });

  it('a workload named with HTML and Markdown cannot inject into the comment', () => {
    const evil = 'x<script>alert(1)</script>`](http://evil)';
    const manifests = (withPolicy: boolean) => ({
      label: withPolicy ? 'head' : 'base',
      diagnostics: [],
      files: [
        {
          path: 'a.yaml',
          text: `apiVersion: v1\nkind: Pod\nmetadata: {name: "${evil}", namespace: "ns<img>", labels: {app: a}}\nspec: {containers: [{name: c}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: "ns<img>", labels: {app: b}}\nspec: {containers: [{name: c}]}\n${
            withPolicy
              ? '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: "ns<img>"}\nspec: {podSelector: {}}\n'
              : ''
          }`,
        },
      ],
    });
    const report = diffRevisions(
      analyseRevision(manifests(false), DEFAULT_CONFIG),
      analyseRevision(manifests(true), DEFAULT_CONFIG),
      { layer: 'l4' },
    );
    expect(report.changes.length).toBeGreaterThan(0);
    const md = renderMarkdown(report);
    // Names appear only inside code spans (rendered literally) or HTML-escaped: once the code
    // spans are removed, none of the hostile markup is left.
    const outsideCode = md.replace(/``[^`][\s\S]*?[^`]``/g, '').replace(/`[^`\n]*`/g, '');
    expect(outsideCode).not.toMatch(/<script>|<img>|\]\(http/);
    expect(md).toContain('``ns<img>/x<script>alert(1)</script>`](http://evil)[Pod]``');
    expect(md).toContain('<b>ns&lt;img&gt;</b>');
  });
});
