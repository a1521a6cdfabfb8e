import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCommentBody, COMMENT_MAX_CHARS } from '../../src/action/comment-body.js';
import { COMMENT_RENDER_BUDGET } from '../../src/action/publish.js';
import { renderReport } from '../../src/action/render.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderSarif } from '../../src/render/sarif.js';
import { renderText } from '../../src/render/text.js';
import { groupByCause } from '../../src/report/cause-groups.js';
import { evaluateFailOn } from '../../src/report/fail-on.js';
import type { PathChange, Report } from '../../src/report/types.js';
import { runDiff } from '../../src/run.js';
import { htmlProblems, renderGfm } from '../helpers/gfm.js';
import { expectGolden } from '../helpers/golden.js';
import { writeMSizeRepo } from './m-size-repo.js';

/**
 * The M-size synthetic change (m-size-repo.ts: 1,000 workloads, 10 rule groups opened, 6 closed,
 * UDP-only and sidecar-port-only noise) in the four formats. The full JSON is over 700 KB, so its
 * golden is a projection: the summary, each change as one `kind source -> destination conns`
 * line, and every cause rule with the number of changes it explains.
 */
function conns(c: PathChange): string {
  if (c.kind === 'opened') return c.added;
  if (c.kind === 'closed') return c.removed;
  const l7 = c.l7Change ? ` (L7 ${c.l7Change}: ${c.l7Before} -> ${c.l7After})` : '';
  return `${c.before} -> ${c.after}${l7}`;
}

function jsonProjection(report: Report): string {
  const causes = new Map<string, number>();
  for (const c of report.changes)
    for (const k of c.causes) {
      const at = k.location ? ` (${k.location.file}:${k.location.line}:${k.location.column})` : '';
      const line = `${k.revision} ${k.layer} ${k.effect} ${k.rule}${at}`;
      causes.set(line, (causes.get(line) ?? 0) + 1);
    }
  const projection = {
    base: report.base,
    head: report.head,
    layer: report.layer,
    summary: report.summary,
    incomplete: report.incomplete,
    findings: report.findings.length,
    diagnostics: report.diagnostics.length,
    changes: report.changes.map((c) => `${c.kind} ${c.source.id} -> ${c.destination.id} ${conns(c)}`),
    causes: [...causes].map(([line, n]) => `${line}: ${n} change${n === 1 ? '' : 's'}`),
  };
  return `${JSON.stringify(projection, null, 2)}\n`;
}

describe('the M-size synthetic change', async () => {
  const repo = writeMSizeRepo();
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  // Sides are read relative to the working directory; relative names keep the temp dir out of
  // the labels and SARIF URIs, so the goldens are the same on every run.
  const cwd = process.cwd();
  process.chdir(repo);
  const { report } = await runDiff({ repo, base: 'base', head: 'head' }).finally(() => process.chdir(cwd));
  const md = renderMarkdown(report);
  const { groups, folded } = groupByCause(report);

  it('markdown', () => expectGolden(md, 'm-size/report.md'));
  it('text', () => expectGolden(renderText(report), 'm-size/report.txt'));
  it('json (projection)', () => expectGolden(jsonProjection(report), 'm-size/report.json'));
  it('sarif', () => expectGolden(renderSarif(report, { headDirectory: 'head' }), 'm-size/report.sarif'));

  it('has the groups the generator made: 9 opened + 1 widened, 6 closed, UDP and sidecar-port noise folded', () => {
    const count = (k: string) => groups.filter((g) => g.class === k).length;
    expect([count('opened'), count('widened'), count('closed'), groups.length]).toEqual([9, 1, 6, 16]);
    expect(folded.flatMap((f) => f.changes)).toHaveLength(50);
  });

  it('the Markdown is within 65,536 characters, names every group in the table or under it, and heads each', () => {
    expect(md.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    const rows = md.split('\n').filter((l) => /^\| (🟢|🔴|🟡)/.test(l));
    const more = Number(md.match(/^_(\d+) more below, riskiest first\._$/m)?.[1] ?? 0);
    expect(rows.length + more).toBe(groups.length);
    for (const [i, g] of groups.entries()) {
      const dst = `\`${g.changes[0]!.change.destination.id}\``;
      const rule = `\`${g.cause!.rule}\``;
      if (i < rows.length) expect(rows[i]).toContain(rule);
      const verb = { opened: 'opens', widened: 'widens access to', closed: 'closes' }[g.class as string];
      const heading = md
        .split('\n')
        .find((l) => l.startsWith(`- ${g.class === 'closed' ? '🔴' : '🟢'} **${verb} ${dst}`));
      expect(heading, g.key).toContain(rule);
    }
    expect(md).toMatch(/^- 🔕 50 opened paths only on UDP\/SCTP or the sidecar's own ports/m);
  });

  it('renders as GitHub does (cmark-gfm): one table, balanced blocks, no stray escapes', () => {
    const html = renderGfm(md);
    expect(htmlProblems(html)).toEqual([]);
    expect(html.match(/<table>/g)).toHaveLength(1);
  });

  it("the Action's comment fits in 65,536 characters and heads every group too", () => {
    const body = buildCommentBody(
      '<!-- m -->',
      renderReport(report, evaluateFailOn(report, ['opened']), { maxChars: COMMENT_RENDER_BUDGET }),
    );
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    for (const g of groups)
      expect(body).toContain(
        `**${g.class === 'closed' ? 'closes' : g.class === 'widened' ? 'widens access to' : 'opens'} \`${g.changes[0]!.change.destination.id}\``,
      );
    expect(htmlProblems(renderGfm(body))).toEqual([]);
  });
});
