import { describe, expect, it } from 'vitest';
import { fitSummary, SUMMARY_MAX_BYTES } from '../../src/action/summary.js';

describe('fitSummary', () => {
  it('keeps a summary within the limit', () => {
    expect(fitSummary('# ok\n')).toBe('# ok\n');
  });

  it('cuts by UTF-8 bytes at a line end and says where the full report is', () => {
    const line = `- ${'é'.repeat(500)} 🟢\n`;
    const text = line.repeat(Math.ceil((2 * SUMMARY_MAX_BYTES) / Buffer.byteLength(line)));
    const fitted = fitSummary(text);
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(fitted).not.toContain('\uFFFD');
    expect(fitted).toMatch(/Truncated.*1 MiB.*report-json/);
    expect(fitted.split('\n\n---\n')[0]?.endsWith('🟢')).toBe(true);
  });

  it('closes an open code fence', () => {
    const fitted = fitSummary(`\`\`\`\n${'x\n'.repeat(1000)}`, 700);
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(700);
    expect(fitted.match(/```/g)).toHaveLength(2);
  });

  it('closes an open <details> before its note, so the note is not hidden in a collapsed block', () => {
    const fitted = fitSummary(
      `<details><summary>x</summary>\n\n${'- item\n'.repeat(1000)}\n</details>\n`,
      2000,
    );
    expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(2000);
    const beforeNote = fitted.slice(0, fitted.indexOf('Truncated'));
    expect(beforeNote.match(/<\/details>/g)).toHaveLength(1);
  });
});
