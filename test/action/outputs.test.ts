import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { outputsOf, writeReportFiles } from '../../src/action/outputs.js';
import { cause, change, loc, report } from './report-fixture.js';

describe('report files', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('writes the JSON report and a SARIF log side by side; the outputs name both', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'policy-diff-test-'));
    dirs.push(temp);
    const r = {
      ...report({ changes: [change({ causes: [cause({ location: loc('a.yaml', 3, 'heads') })] })] }),
      head: { label: 'heads' },
    };
    const files = await writeReportFiles(r, temp, 'deploy/heads');
    expect(dirname(files.reportJson)).toBe(dirname(files.sarif));
    expect(dirname(files.sarif).startsWith(temp)).toBe(true);
    expect(JSON.parse(readFileSync(files.reportJson, 'utf8')).summary.opened).toBe(1);
    const sarif = JSON.parse(readFileSync(files.sarif, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({
      uri: 'deploy/heads/a.yaml',
      uriBaseId: '%SRCROOT%',
    });
    expect(outputsOf(r, 'pass', files)).toMatchObject({ reportJson: files.reportJson, sarif: files.sarif });
  });
});
