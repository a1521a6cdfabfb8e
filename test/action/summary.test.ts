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
});
