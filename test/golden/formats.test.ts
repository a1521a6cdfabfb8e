import { describe, it } from 'vitest';
import { renderSarif } from '../../src/render/sarif.js';
import { renderText } from '../../src/render/text.js';
import { runDiff } from '../../src/run.js';
import { expectGolden } from '../helpers/golden.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

/**
 * The other formats, byte for byte: the dangerous fixture (an allow-all ingress, a new path from
 * 0.0.0.0/0, an mTLS downgrade) in text, JSON and SARIF, and the demo in SARIF. The Markdown
 * goldens are in demo.test.ts and test/render/markdown-dangerous.test.ts.
 */
describe('dangerous fixture', async () => {
  const head = 'fixtures/dangerous/head';
  const { report } = await runDiff({ repo: PROJECT_ROOT, base: 'fixtures/dangerous/base', head });

  it('text', () => expectGolden(renderText(report), 'dangerous/report.txt'));
  it('json', () => expectGolden(`${JSON.stringify(report, null, 2)}\n`, 'dangerous/report.json'));
  it('sarif', () => expectGolden(renderSarif(report, { headDirectory: head }), 'dangerous/report.sarif'));
});

describe('demo', async () => {
  const head = 'fixtures/demo/head';
  const { report } = await runDiff({ repo: PROJECT_ROOT, base: 'fixtures/demo/base', head });

  it('sarif', () => expectGolden(renderSarif(report, { headDirectory: head }), 'demo/report.sarif'));
});
