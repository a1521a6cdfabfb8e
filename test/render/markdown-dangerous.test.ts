import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { runDiff } from '../../src/run.js';
import { htmlProblems, renderGfm } from '../helpers/gfm.js';
import { expectGolden } from '../helpers/golden.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

/**
 * fixtures/dangerous: an allow-all ingress (`ingress: [{}]`), a new path from 0.0.0.0/0 and an
 * mTLS downgrade (STRICT -> PERMISSIVE). The comment must lead with them.
 */
describe('the dangerous fixture in Markdown', async () => {
  const { report } = await runDiff({
    repo: PROJECT_ROOT,
    base: 'fixtures/dangerous/base',
    head: 'fixtures/dangerous/head',
  });
  const md = renderMarkdown(report);

  it('golden', () => expectGolden(md, 'dangerous/report.md'));

  it('the headline counts what comes from outside; the table leads with it', () => {
    const [headline] = md.split('\n');
    expect(headline).toMatch(/^### policy-diff: opens \d+ paths, \d+ from outside the cluster;/);
    const rows = md
      .split('\n')
      .filter((l) => l.startsWith('| 🟢') || l.startsWith('| 🔴') || l.startsWith('| 🟡'));
    expect(rows[0]).toContain('allow-all-to-cart');
    expect(rows[0]).toContain('from outside the cluster');
    expect(rows[0]).toContain('all ports');
    expect(md).toMatch(
      /\| 🟢 opened \| `0\.0\.0\.0\/0` → `web\/storefront\[Deployment\]` \| `TCP 8443` \| from outside the cluster, from any address \(0\.0\.0\.0\/0\)/,
    );
    expect(md).toContain('mTLS no longer required');
  });

  it('renders as GitHub does: one table, balanced blocks, no stray escapes', () => {
    const html = renderGfm(md);
    expect(htmlProblems(html)).toEqual([]);
    expect(html.match(/<table>/g)).toHaveLength(1);
  });
});
