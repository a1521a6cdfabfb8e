import { describe, expect, it } from 'vitest';
import { type Io, main } from '../../src/cli/main.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

async function run(argv: readonly string[], extra: Partial<Io> = {}) {
  let stdout = '';
  const code = await main([...argv], {
    stdout: (s) => {
      stdout += s;
    },
    stderr: () => {},
    cwd: PROJECT_ROOT,
    ...extra,
  });
  return { code, stdout };
}

const DEMO = ['diff', 'fixtures/demo/base', 'fixtures/demo/head', '--fail-on', 'none'];

describe('CLI formats', () => {
  it('--format sarif: SARIF 2.1.0 whose URIs are repository-relative (the head directory in front)', async () => {
    const r = await run([...DEMO, '--format', 'sarif']);
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe('2.1.0');
    const uris: string[] = log.runs[0].results.map(
      (x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
        x.locations[0]!.physicalLocation.artifactLocation.uri,
    );
    expect(uris.length).toBeGreaterThan(0);
    for (const u of uris) expect(u).toMatch(/^fixtures\/demo\/head\//);
  });

  it('colours the text report on a terminal, and not with NO_COLOR, --no-color or through a pipe', async () => {
    const esc = (r: { stdout: string }) => r.stdout.includes('\u001b[');
    expect(esc(await run(DEMO, { stdoutIsTTY: true, env: {} }))).toBe(true);
    expect(esc(await run(DEMO, { stdoutIsTTY: true, env: { NO_COLOR: '1' } }))).toBe(false);
    expect(esc(await run([...DEMO, '--no-color'], { stdoutIsTTY: true, env: {} }))).toBe(false);
    expect(esc(await run(DEMO, { stdoutIsTTY: false, env: {} }))).toBe(false);
    expect(esc(await run(DEMO, { stdoutIsTTY: false, env: { FORCE_COLOR: '1' } }))).toBe(true);
  });
});
