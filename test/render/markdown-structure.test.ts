import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCommentBody, COMMENT_MAX_CHARS } from '../../src/action/comment-body.js';
import { COMMENT_RENDER_BUDGET } from '../../src/action/publish.js';
import { renderReport } from '../../src/action/render.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { groupByCause } from '../../src/report/cause-groups.js';
import { evaluateFailOn } from '../../src/report/fail-on.js';
import type { PathChange } from '../../src/report/types.js';
import { cause, change, finding, loc, report } from '../action/report-fixture.js';
import { runCli } from '../helpers/cli.js';
import { htmlProblems, renderGfm } from '../helpers/gfm.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

const wl = (ns: string, name: string) => ({
  id: `${ns}/${name}[Deployment]`,
  kind: 'workload' as const,
  namespace: ns,
});
const links = {
  base: 'https://github.com/o/r/blob/aaaa/',
  head: 'https://github.com/o/r/blob/bbbb/',
  run: 'https://github.com/o/r/actions/runs/1',
};

/**
 * An M-size pull request built programmatically: 160 rules each opening or closing a namespace's
 * api to 18 clients (2,880 pairs), many UDP-only closings, and 2,300 existing findings.
 */
function mSize() {
  const changes: PathChange[] = [];
  for (let r = 0; r < 160; r++) {
    const closed = r % 3 === 0;
    const rule = cause({
      revision: closed ? 'base' : 'head',
      direction: 'ingress',
      rule: `NetworkPolicy team-${r}/allow-clients ingress[0]`,
      location: loc(`teams/team-${r}/np.yaml`, 7, closed ? 'base' : 'head'),
    });
    for (let c = 0; c < 18; c++)
      changes.push(
        change({
          kind: closed ? 'closed' : 'opened',
          source: wl(`client-${c}`, `client-${c}`),
          destination: wl(`team-${r}`, 'api'),
          before: closed ? 'TCP 8080' : 'No Connections',
          after: closed ? 'No Connections' : 'TCP 8080',
          added: closed ? '' : 'TCP 8080',
          removed: closed ? 'TCP 8080' : '',
          causes: [rule],
        }),
      );
  }
  for (let u = 0; u < 500; u++)
    changes.push(
      change({
        kind: 'closed',
        source: wl('dns', `resolver-${u}`),
        destination: wl('kube-system', `dns-${u}`),
        before: 'UDP 53',
        after: 'No Connections',
        added: '',
        removed: 'UDP 53',
        causes: [
          cause({
            revision: 'base',
            rule: `NetworkPolicy dns/dns-${u} egress[0]`,
            location: loc('dns.yaml', u + 1, 'base'),
          }),
        ],
      }),
    );
  const findings = Array.from({ length: 2300 }, (_, i) =>
    finding({
      status: 'existing',
      severity: 'warning',
      rule: 'sidecar-port-blocked',
      title: `noise ${i} `.repeat(8),
    }),
  );
  return report({ changes, findings });
}

describe('the comment at M size', () => {
  const r = mSize();
  const groups = groupByCause(r).groups;
  const body = buildCommentBody(
    '<!-- m -->',
    renderReport(r, evaluateFailOn(r, ['opened']), { maxChars: COMMENT_RENDER_BUDGET, links }),
  );

  it('lists every opened and closed path group within 65,536 characters, the folded noise on one line', () => {
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(groups).toHaveLength(160);
    for (const g of groups) expect(body).toContain(`\`${g.changes[0]!.change.destination.id}\``);
    expect(body).toMatch(/^- 🔕 500 closed paths only on UDP\/SCTP/m);
    expect(body).toContain('_148 more below, riskiest first._');
  });

  it('renders as GitHub does: balanced details, one table, well-formed links, no stray backslash', () => {
    const html = renderGfm(body);
    expect(htmlProblems(html)).toEqual([]);
    expect(html.match(/<table>/g)).toHaveLength(1);
    expect(html).toContain(
      '<a href="https://github.com/o/r/blob/bbbb/teams/team-1/np.yaml#L7"><code>teams/team-1/np.yaml:7</code></a>',
    );
    expect(html).toContain(
      '<a href="https://github.com/o/r/blob/aaaa/teams/team-0/np.yaml#L7"><code>teams/team-0/np.yaml:7</code></a>',
    );
  });

  it('the job summary (1 MiB) has the same structure with every pair of every group', () => {
    const summary = renderReport(r, evaluateFailOn(r, ['opened']), { maxBytes: 1024 * 1024 });
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThanOrEqual(1024 * 1024);
    expect(summary.match(/^ {2}- `client-/gm)).toHaveLength(160 * 18);
    expect(htmlProblems(renderGfm(summary))).toEqual([]);
  });
});

describe('links', () => {
  it("a new finding's locations link to the line at its side's commit", () => {
    const md = renderMarkdown(
      report({ findings: [finding({ locations: [loc('apps/shop/api.yaml', 30)] })] }),
      { links },
    );
    expect(md).toContain(
      '`head:apps/shop/api.yaml:30` ([`apps/shop/api.yaml:30`](https://github.com/o/r/blob/bbbb/apps/shop/api.yaml#L30))',
    );
    expect(htmlProblems(renderGfm(md))).toEqual([]);
  });
});

describe('table cells', () => {
  it('a | in a rule or name does not split a cell', () => {
    const md = renderMarkdown(
      report({ changes: [change({ causes: [cause({ rule: 'NetworkPolicy a|b ingress[0]' })] })] }),
    );
    const html = renderGfm(md);
    const row = html.match(/<tbody>\s*<tr>([\s\S]*?)<\/tr>/)?.[1] ?? '';
    expect(row.match(/<td>/g)).toHaveLength(5);
    expect(row).toContain('<code>NetworkPolicy a|b ingress[0]</code>');
  });

  it('no empty section: a report without changes or findings has no table and no change headings', () => {
    const md = renderMarkdown(report());
    expect(md).toBe(
      '### policy-diff: no change in who can reach whom\n\n`base` → `head` · effective (NetworkPolicy and Istio)\n',
    );
  });
});

describe('config report.sensitiveNamespaces', () => {
  it('ranks a change to a sensitive namespace first in the table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-sensitive-'));
    const config = join(dir, 'c.yaml');
    const args = [
      'diff',
      'fixtures/dangerous/base',
      'fixtures/dangerous/head',
      '--format',
      'markdown',
      '--fail-on',
      'none',
    ];
    const firstRow = (out: string) => out.split('\n').find((l) => l.startsWith('| 🟢'));
    const plain = await runCli(args, PROJECT_ROOT);
    expect(firstRow(plain.stdout)).toContain('shop/cart');
    writeFileSync(config, 'report:\n  sensitiveNamespaces: [web]\n');
    const ranked = await runCli([...args, '--config', config], PROJECT_ROOT);
    expect(firstRow(ranked.stdout)).toContain('web/storefront');
    expect(firstRow(ranked.stdout)).toContain('sensitive workload');
  });
});
