import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

/** `-o`: a file relative to the working directory, `-` is stdout, an unwritable path is exit 2. */
describe('policy-diff -o', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'policy-diff-output-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  const side = join(PROJECT_ROOT, 'fixtures/incomplete/base');

  async function run(output: string) {
    let stdout = '';
    let stderr = '';
    const code = await main(['diff', side, side, '--repo', PROJECT_ROOT, '-o', output], {
      stdout: (s) => {
        stdout += s;
      },
      stderr: (s) => {
        stderr += s;
      },
      cwd,
    });
    return { code, stdout, stderr };
  }

  it('`-o -` writes to stdout, not to a file named -', async () => {
    const r = await run('-');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No change in who can reach whom.');
    expect(existsSync(join(cwd, '-'))).toBe(false);
  });

  it('a relative path is written in the working directory', async () => {
    const r = await run('report.txt');
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(readFileSync(join(cwd, 'report.txt'), 'utf8')).toContain('No change in who can reach whom.');
  });

  it.each([
    ['a missing directory', 'missing/dir/report.txt', /ENOENT/],
    ['a directory', '.', /EISDIR/],
  ])(
    'a path that cannot be written (%s) is exit 2 with a message, not a stack trace',
    async (_, path, why) => {
      const r = await run(path);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(`policy-diff: cannot write the output file ${path} (`);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );
});
