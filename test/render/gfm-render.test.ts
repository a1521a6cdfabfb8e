import { describe, expect, it } from 'vitest';
import { buildCommentBody } from '../../src/action/comment-body.js';
import { COMMENT_RENDER_BUDGET } from '../../src/action/publish.js';
import { renderReport } from '../../src/action/render.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { evaluateFailOn } from '../../src/report/fail-on.js';
import { runDiff } from '../../src/run.js';
import { cause, change, loc, report } from '../action/report-fixture.js';
import { htmlProblems, renderGfm } from '../helpers/gfm.js';
import { PROJECT_ROOT } from '../helpers/shared.js';
import { mSizeReport } from './m-size-fixture.js';

const comment = (r: ReturnType<typeof report>) =>
  buildCommentBody(
    '<!-- policy-diff:w:j -->',
    renderReport(r, evaluateFailOn(r, ['opened']), {
      maxChars: COMMENT_RENDER_BUDGET,
      summaryUrl: 'https://github.com/o/r/actions/runs/1',
    }),
    { summaryUrl: 'https://github.com/o/r/actions/runs/1' },
  );

/** The comment as GitHub renders it (cmark-gfm): balanced blocks, links that work, no stray escapes. */
describe('the Markdown report rendered by cmark-gfm', async () => {
  const demo = (await runDiff({ repo: PROJECT_ROOT, base: 'fixtures/demo/base', head: 'fixtures/demo/head' }))
    .report;

  it('the demo report', () => {
    const html = renderGfm(renderMarkdown(demo));
    expect(htmlProblems(html)).toEqual([]);
    expect(html.match(/<table>/g)).toHaveLength(1);
    expect(html).toMatch(/<h4>🟢 Opened and widened: \d+ paths, by \d+ rules<\/h4>/);
    expect(html).toContain('<summary>Skipped input (4)</summary>');
  });

  it('the demo report cut to a small budget: the note is outside every block', () => {
    const html = renderGfm(renderMarkdown(demo, { maxChars: 1500, fullReportHint: 'the job summary' }));
    expect(htmlProblems(html)).toEqual([]);
    const note = html.indexOf('Not shown');
    expect(note).toBeGreaterThan(0);
    const before = html.slice(0, note);
    expect(before.match(/<details/g)?.length).toBe(before.match(/<\/details>/g)?.length);
  });

  it('the M-size comment and a comment cut in the middle of the openings', () => {
    expect(htmlProblems(renderGfm(comment(mSizeReport())))).toEqual([]);
    const many = Array.from({ length: 3000 }, (_, i) =>
      change({
        destination: {
          id: `team-${i % 300}/api-${i}[Deployment]`,
          kind: 'workload',
          namespace: `team-${i % 300}`,
        },
        causes: [
          cause({ rule: `NetworkPolicy team/allow-${i} ingress[0]`, location: loc(`p/${i}.yaml`, 3) }),
        ],
      }),
    );
    const html = renderGfm(comment(report({ changes: many })));
    expect(htmlProblems(html)).toEqual([]);
    expect(html).toContain('<a href="https://github.com/o/r/actions/runs/1">job summary</a>');
  });

  it('names in the table and the group titles show no Markdown escapes', () => {
    const r = report({
      changes: [
        change({ destination: { id: 'team-286/api[Deployment]', kind: 'workload', namespace: 'team-286' } }),
      ],
    });
    const html = renderGfm(renderMarkdown(r));
    expect(html).toContain('<strong>opens <code>team-286/api[Deployment]</code> to 1 source</strong>');
    expect(html).toContain(
      '<td><code>web/front[Deployment]</code> → <code>team-286/api[Deployment]</code></td>',
    );
    expect(htmlProblems(html)).toEqual([]);
  });
});
