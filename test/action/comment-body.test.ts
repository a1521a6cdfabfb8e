import { describe, expect, it } from 'vitest';
import {
  buildCommentBody,
  COMMENT_MAX_CHARS,
  commentMarker,
  fitComment,
  isOurComment,
} from '../../src/action/comment-body.js';

const URL = 'https://github.com/o/r/actions/runs/1';

describe('commentMarker', () => {
  it('names workflow and job in a hidden HTML comment', () => {
    expect(commentMarker('Policy diff', 'diff')).toBe('<!-- policy-diff:Policy diff:diff -->');
  });

  it('cannot end the HTML comment early', () => {
    const marker = commentMarker('evil --> <b>', 'job');
    expect(marker.slice(4, -3)).not.toContain('--');
    expect(marker.slice(4, -3)).not.toContain('>');
  });

  it('is recognised only at the start of a body', () => {
    const marker = commentMarker('w', 'j');
    expect(isOurComment(`${marker}\nreport`, marker)).toBe(true);
    expect(isOurComment(`> ${marker}\nquoted`, marker)).toBe(false);
    expect(isOurComment(`${commentMarker('w', 'other')}\n`, marker)).toBe(false);
    expect(isOurComment(null, marker)).toBe(false);
  });
});

describe('fitComment', () => {
  it('leaves a body within the limit alone', () => {
    const body = 'x'.repeat(COMMENT_MAX_CHARS);
    expect(fitComment(body, URL)).toBe(body);
  });

  it('cuts a long body at a line end with a note pointing to the job summary', () => {
    const body = Array.from({ length: 5000 }, (_, i) => `| row ${i} | ${'y'.repeat(20)} |`).join('\n');
    const fitted = fitComment(body, URL);
    expect(fitted.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(fitted).toContain(`[job summary](${URL})`);
    expect(fitted).toMatch(/Truncated/);
    const lastRow = fitted.split('\n\n---\n')[0]?.split('\n').at(-1);
    expect(lastRow).toMatch(/^\| row \d+ \| y{20} \|$/);
  });

  it('closes an open code fence and <details> before the note', () => {
    const body = `<details><summary>s</summary>\n\n\`\`\`\n${'line\n'.repeat(20_000)}`;
    const fitted = fitComment(body, URL);
    expect(fitted.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    const beforeNote = fitted.slice(0, fitted.indexOf('> ✂️'));
    expect(beforeNote.match(/```/g)).toHaveLength(2);
    expect(beforeNote).toContain('</details>');
  });

  it('never splits a surrogate pair', () => {
    const body = '😀'.repeat(COMMENT_MAX_CHARS);
    const fitted = fitComment(body);
    expect(fitted.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(fitted).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('respects a smaller limit', () => {
    expect(fitComment('a\n'.repeat(1000), undefined, 700).length).toBeLessThanOrEqual(700);
  });
});

describe('buildCommentBody', () => {
  it('starts with the marker', () => {
    const marker = commentMarker('w', 'j');
    expect(buildCommentBody(marker, 'report\n').startsWith(`${marker}\n`)).toBe(true);
  });

  it('says when the PR no longer changes anything', () => {
    const body = buildCommentBody('<!-- m -->', 'report\n', { noLongerChanges: true });
    expect(body).toMatch(/^<!-- m -->\n> This pull request no longer changes/);
  });

  it('keeps the marker when truncating', () => {
    const body = buildCommentBody('<!-- m -->', 'z'.repeat(100_000), { summaryUrl: URL });
    expect(body.startsWith('<!-- m -->')).toBe(true);
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
  });
});
