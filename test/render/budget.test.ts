import { describe, expect, it } from 'vitest';
import { buildCommentBody, COMMENT_MAX_CHARS } from '../../src/action/comment-body.js';
import { COMMENT_RENDER_BUDGET } from '../../src/action/publish.js';
import { renderReport } from '../../src/action/render.js';
import { EXISTING_SHOWN } from '../../src/render/findings.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { evaluateFailOn } from '../../src/report/fail-on.js';
import { cause, change, finding, loc, report } from '../action/report-fixture.js';

/** Like the seeded M benchmark PR: 1 path opened, 6 closed, 3 fixed and ~2,300 existing findings. */
export function mSizeReport() {
  const peer = (ns: string, name: string) => ({
    id: `${ns}/${name}[Deployment]`,
    kind: 'workload' as const,
    namespace: ns,
  });
  const opened = change({ source: peer('team-7', 'client-7'), destination: peer('team-286', 'api-286') });
  const closed = Array.from({ length: 6 }, (_, i) =>
    change({
      kind: 'closed',
      source: peer(`team-${i}`, `web-${i}`),
      destination: peer(`team-${100 + i}`, `db-${i}`),
      before: 'TCP 5432',
      after: 'No Connections',
      added: '',
      removed: 'TCP 5432',
      causes: [
        cause({
          revision: 'base',
          rule: `NetworkPolicy team-${100 + i}/allow-db ingress[0]`,
          location: loc(`team-${100 + i}/np.yaml`, 9, 'base'),
        }),
      ],
    }),
  );
  const noise = (status: 'existing' | 'fixed', i: number) =>
    finding({
      status,
      severity: 'warning',
      rule: 'sidecar-port-blocked',
      title: `NetworkPolicy blocks a sidecar port (metrics or health): team-${i % 100}/app-${i}[Deployment] port 15090 from Prometheus monitoring/prometheus`,
      message: 'long explanation '.repeat(20),
      locations: [loc(`team-${i % 100}/app-${i}.yaml`, 1)],
    });
  const findings = [
    ...Array.from({ length: 3 }, (_, i) => noise('fixed', i)),
    ...Array.from({ length: 2295 }, (_, i) => noise('existing', i)),
  ];
  return report({ changes: [opened, ...closed], findings });
}

describe('the size budget never drops changes before noise', () => {
  it('an M-size comment lists every opened and closed path within 65,536 characters', () => {
    const r = mSizeReport();
    const body = buildCommentBody(
      '<!-- m -->',
      renderReport(r, evaluateFailOn(r, ['opened']), { maxChars: COMMENT_RENDER_BUDGET }),
    );
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    for (const c of r.changes) expect(body).toContain(`\`${c.source.id}\` → \`${c.destination.id}\``);
    expect(body).toContain('Existing findings (2295)');
    expect(body.match(/^- warning `sidecar-port-blocked`/gm)).toHaveLength(3 + EXISTING_SHOWN);
    expect(body).toContain(`and ${(2295 - EXISTING_SHOWN).toLocaleString('en-US')} more`);
    // Opened first, then closed, then the noise.
    const at = (s: string) => body.indexOf(s);
    expect(at('Opened (1)')).toBeLessThan(at('Closed (6)'));
    expect(at('Closed (6)')).toBeLessThan(at('Fixed findings (3)'));
    expect(at('Fixed findings (3)')).toBeLessThan(at('Existing findings (2295)'));
  });

  it('when even the changes do not fit, noise is left out whole and the note counts everything left out', () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      change({ destination: { id: `shop/api-${i}[Deployment]`, kind: 'workload', namespace: 'shop' } }),
    );
    const r = report({ changes: many, findings: [...mSizeReport().findings] });
    const md = renderMarkdown(r, { maxChars: 20_000, fullReportHint: 'the job summary' });
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).not.toContain('Existing findings');
    const shown = md.match(/^- `web\/front/gm)?.length ?? 0;
    expect(shown).toBeGreaterThan(50);
    expect(md).toContain(
      `Not shown, to stay within the size limit**: ${(3000 - shown).toLocaleString('en-US')} opened paths, 3 fixed findings, 2,295 existing findings. The full report is in the job summary.`,
    );
    const beforeNote = md.slice(0, md.indexOf('Not shown'));
    expect(beforeNote.match(/<details/g)?.length).toBe(beforeNote.match(/<\/details>/g)?.length);
  });

  it('the job summary budget counts UTF-8 bytes', () => {
    const wide = Array.from({ length: 300 }, (_, i) =>
      change({
        destination: { id: `shop/${'é'.repeat(40)}-${i}[Deployment]`, kind: 'workload', namespace: 'shop' },
      }),
    );
    const r = report({ changes: wide });
    const md = renderMarkdown(r, { maxBytes: 8_000 });
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(8_000);
    expect(md).toContain('Not shown');
    // Measured in characters the same budget would overrun in bytes.
    expect(Buffer.byteLength(renderMarkdown(r, { maxChars: 8_000 }), 'utf8')).toBeGreaterThan(8_000);
  });

  it('is not cut when it fits', () => {
    const r = report({ changes: [change()] });
    expect(renderMarkdown(r, { maxChars: COMMENT_MAX_CHARS })).not.toContain('Not shown');
  });
});
