import { describe, it } from 'vitest';
import { renderConnlistDiff } from '../../src/render/connlist.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { runDiff } from '../../src/run.js';
import { expectGolden } from '../helpers/golden.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

/** The report `npm run demo` prints, in every format, byte for byte. */
describe('demo report', async () => {
  const options = { repo: PROJECT_ROOT, base: 'fixtures/demo/base', head: 'fixtures/demo/head' };
  const { report } = await runDiff(options);

  it('text', () => expectGolden(renderText(report), 'demo/report.txt'));
  it('markdown', () => expectGolden(renderMarkdown(report), 'demo/report.md'));
  it('json', () => expectGolden(`${JSON.stringify(report, null, 2)}\n`, 'demo/report.json'));
  it('connlist-diff (L4)', async () => {
    const l4 = await runDiff({ ...options, layer: 'l4' });
    expectGolden(renderConnlistDiff(l4.report), 'demo/connlist-diff.txt');
  });
  it('markdown within a small budget keeps the summary and says what was cut', () => {
    expectGolden(renderMarkdown(report, { maxChars: 1500, fullReportHint: 'the job summary' }), 'demo/report-1500.md');
  });
});
