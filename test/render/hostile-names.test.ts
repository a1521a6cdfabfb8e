import { describe, expect, it } from 'vitest';
import { code, escapeMarkdown } from '../../src/render/escape.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { change, report as fixtureReport } from '../action/report-fixture.js';
import { htmlProblems, renderGfm } from '../helpers/gfm.js';

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

  // The API server rejects such names in metadata.name (so the analysis does too, with an error);
  // the renderer still must not trust them: ids reach it from labels, paths and other sources.
  it('a workload named with HTML and Markdown cannot inject into the comment', () => {
    const evil = 'x<script>alert(1)</script>`](http://evil)';
    const peer = (name: string) => ({
      id: `ns<img>/${name}[Pod]`,
      kind: 'workload' as const,
      namespace: 'ns<img>',
    });
    const report = fixtureReport({
      changes: [
        change({
          kind: 'closed',
          source: peer(evil),
          destination: peer('b'),
          before: 'All Connections',
          after: 'No Connections',
          added: '',
          removed: 'All Connections',
        }),
      ],
    });
    expect(report.changes.length).toBeGreaterThan(0);
    const md = renderMarkdown(report);
    // Names appear only inside code spans (rendered literally) or HTML-escaped: once the code
    // spans are removed, none of the hostile markup is left.
    const outsideCode = md.replace(/``[^`][\s\S]*?[^`]``/g, '').replace(/`[^`\n]*`/g, '');
    expect(outsideCode).not.toMatch(/<script>|<img>|\]\(http/);
    expect(md).toContain('``ns<img>/x<script>alert(1)</script>`](http://evil)[Pod]``');
    // Rendered as GitHub does: no element but the comment's own, no stray escape.
    expect(htmlProblems(renderGfm(md))).toEqual([]);
  });
});
