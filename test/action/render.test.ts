import { describe, expect, it } from 'vitest';
import { buildCommentBody, COMMENT_MAX_CHARS, commentMarker } from '../../src/action/comment-body.js';
import { COMMENT_RENDER_BUDGET } from '../../src/action/publish.js';
import { renderReport, verdictLine } from '../../src/action/render.js';
import { evaluateFailOn } from '../../src/report/fail-on.js';
import { cause, change, loc, report } from './report-fixture.js';

/** A PR that opens thousands of paths: far more than a comment can hold. */
function hugeReport() {
  const changes = Array.from({ length: 4000 }, (_, i) =>
    change({
      source: { id: `team-${i % 40}/client-${i}[Deployment]`, kind: 'workload', namespace: `team-${i % 40}` },
      destination: { id: `shop/api-${i}[Deployment]`, kind: 'workload', namespace: 'shop' },
      causes: [
        cause({
          rule: `NetworkPolicy shop/allow-${i} ingress[0]`,
          location: loc(`policies/allow-${i}.yaml`, 9),
        }),
      ],
    }),
  );
  return report({ changes });
}

describe('the comment for a huge report', () => {
  it('fits GitHub limit, keeps the marker and the verdict, and says where the rest is', () => {
    const r = hugeReport();
    const verdict = evaluateFailOn(r, ['opened']);
    const marker = commentMarker('Policy diff', 'policy-diff');
    const body = buildCommentBody(marker, renderReport(r, verdict, { maxChars: COMMENT_RENDER_BUDGET }), {
      summaryUrl: 'https://github.com/o/r/actions/runs/1',
    });
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(body.startsWith(`${marker}\n${verdictLine(verdict)}`)).toBe(true);
    // The note counts what the comment left out and comes after every block is closed.
    const note = body.match(
      /Not shown, to stay within the size limit\*\*: ([\d,]+) opened or widened path groups\. .*job summary/,
    );
    expect(note).not.toBeNull();
    // One rule per pair: a group per pair, each listed whole or counted.
    const shown = body.match(/^- 🟢 \*\*opens `shop\/api-/gm)?.length ?? 0;
    expect(shown + Number(note![1]!.replace(/,/g, ''))).toBe(4000);
    const beforeNote = body.slice(0, note!.index);
    expect(beforeNote.match(/<details/g)?.length).toBe(beforeNote.match(/<\/details>/g)?.length);
  });

  it('is complete in the job summary (no budget)', () => {
    const r = hugeReport();
    const summary = renderReport(r, evaluateFailOn(r, []));
    expect(summary).toContain('shop/api-3999[Deployment]');
  });
});
