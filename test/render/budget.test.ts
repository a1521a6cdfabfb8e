import { describe, expect, it } from 'vitest';
import { buildCommentBody, COMMENT_MAX_CHARS } from '../../src/action/comment-body.js';
import { COMMENT_RENDER_BUDGET } from '../../src/action/publish.js';
import { renderReport } from '../../src/action/render.js';
import { EXISTING_SHOWN } from '../../src/render/findings.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { evaluateFailOn } from '../../src/report/fail-on.js';
import { cause, change, loc, report } from '../action/report-fixture.js';
import { mSizeReport } from './m-size-fixture.js';

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
    expect(at('Opened and widened: 1 path')).toBeLessThan(at('Closed, narrowed and changed: 6 paths'));
    expect(at('Closed, narrowed and changed: 6 paths')).toBeLessThan(at('Fixed findings (3)'));
    expect(at('Fixed findings (3)')).toBeLessThan(at('Existing findings (2295)'));
  });

  it('when even the changes do not fit, noise is left out whole and the note counts everything left out', () => {
    // Each pair opened by its own rule: 3,000 groups, more than the budget holds even one line each.
    const many = Array.from({ length: 3000 }, (_, i) =>
      change({
        destination: { id: `shop/api-${i}[Deployment]`, kind: 'workload', namespace: 'shop' },
        causes: [
          cause({ rule: `NetworkPolicy shop/allow-${i} ingress[0]`, location: loc(`p/${i}.yaml`, 3) }),
        ],
      }),
    );
    const r = report({ changes: many, findings: [...mSizeReport().findings] });
    const md = renderMarkdown(r, { maxChars: 20_000, fullReportHint: 'the job summary' });
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).not.toContain('Existing findings');
    const shown = md.match(/^- 🟢 \*\*opens `shop\/api-/gm)?.length ?? 0;
    expect(shown).toBeGreaterThan(50);
    expect(md).toContain(
      `Not shown, to stay within the size limit**: ${(3000 - shown).toLocaleString('en-US')} opened or widened path groups, 3 fixed findings, 2,295 existing findings. The full report is in the job summary.`,
    );
    const beforeNote = md.slice(0, md.indexOf('Not shown'));
    expect(beforeNote.match(/<details/g)?.length).toBe(beforeNote.match(/<\/details>/g)?.length);
  });

  it('the job summary budget counts UTF-8 bytes', () => {
    const wide = Array.from({ length: 300 }, (_, i) =>
      change({
        destination: { id: `shop/${'é'.repeat(40)}-${i}[Deployment]`, kind: 'workload', namespace: 'shop' },
        causes: [cause({ rule: `NetworkPolicy shop/é-${i} ingress[0]`, location: loc(`p/${i}.yaml`, 3) })],
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
