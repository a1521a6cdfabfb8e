import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/args.js';
import { main } from '../../src/cli/main.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

async function markdown(extra: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    [
      'diff',
      'fixtures/demo/base',
      'fixtures/demo/head',
      '--repo',
      PROJECT_ROOT,
      '--format',
      'markdown',
      '--fail-on',
      'none',
      ...extra,
    ],
    {
      stdout: (s) => {
        stdout += s;
      },
      stderr: (s) => {
        stderr += s;
      },
      cwd: PROJECT_ROOT,
    },
  );
  return { code, stdout, stderr };
}

describe('--format markdown is the PR comment, cut the same way', () => {
  it('is capped at 65,536 characters by default; --max-chars changes it, 0 lifts it', async () => {
    expect(parseCommand(['diff', 'a', 'b'], '/')).toMatchObject({ maxChars: 65_536 });
    const small = await markdown(['--max-chars', '2000']);
    expect(small.stdout.length).toBeLessThanOrEqual(2000);
    expect(small.stdout).toMatch(/Not shown, to stay within the size limit.*--max-chars 0/);
    const full = await markdown(['--max-chars', '0']);
    expect(full.stdout).not.toContain('Not shown');
    expect(full.stdout.length).toBeGreaterThan(2000);
  });

  it('--max-chars takes a whole number', () => {
    expect(() => parseCommand(['diff', 'a', 'b', '--max-chars', 'lots'], '/')).toThrow(
      /--max-chars must be a whole number/,
    );
  });
});

describe('--fail-on speaks the Action vocabulary', () => {
  it('opened, closed and severities, as the Action does', async () => {
    expect(parseCommand(['diff', 'a', 'b'], '/')).toMatchObject({ failOn: ['new-errors'] });
    expect(parseCommand(['diff', 'a', 'b', '--fail-on', 'opened,warning'], '/')).toMatchObject({
      failOn: ['opened', 'new-warnings'],
    });
    expect(() => parseCommand(['diff', 'a', 'b', '--fail-on', 'sometimes'], '/')).toThrow(
      /unknown condition 'sometimes'/,
    );
  });
});
