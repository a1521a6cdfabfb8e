import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The package a user installs: `npm pack` of this repository, installed globally into a temporary
// prefix offline. It runs the committed dist/cli bundle, so it checks what `npm publish` would ship
// (CI checks dist/ is what a fresh build of src/ produces).
const ROOT = new URL('../../', import.meta.url).pathname;
const DEMO = join(ROOT, 'fixtures/demo');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
};

/** What a user needs from the package: the bundle, the docs, and the files npm always ships. */
const ALLOWED = /^(dist\/cli\/|docs\/[^/]+\.md$|(package\.json|README\.md|LICENSE|CHANGELOG\.md)$)/;

let work: string;
let tarball: string;
let packed: string[];
let prefix: string;

function run(command: string, args: readonly string[], cwd: string) {
  // No NODE_PATH, no npm_* variables of the test runner's npm: only the package's own files resolve.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'NODE_PATH' && !/^npm_/i.test(k)),
  );
  return spawnSync(command, [...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'policy-diff-package-'));
  const pack = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT);
  expect(pack.status, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info!.filename);
  packed = info!.files.map((f) => f.path).sort();
  prefix = join(work, 'prefix');
  // --offline: the package has no runtime dependencies, so nothing is fetched.
  const install = run(
    'npm',
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      tarball,
    ],
    work,
  );
  expect(install.status, install.stderr).toBe(0);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('is publishable and declares no runtime dependencies (the bundle carries them)', () => {
    expect(PKG.private).toBeUndefined();
    expect(PKG.dependencies).toBeUndefined();
  });

  it('ships the CLI bundle, README, LICENSE and docs, and no sources, tests or fixtures', () => {
    expect(packed).toEqual(expect.arrayContaining(['dist/cli/index.js', 'README.md', 'LICENSE']));
    expect(packed.filter((p) => !ALLOWED.test(p))).toEqual([]);
  });

  it('installs only itself: no node_modules beside or under it', () => {
    const globalModules = join(prefix, 'lib', 'node_modules');
    expect(readdirSync(globalModules)).toEqual(['policy-diff']);
    expect(existsSync(join(globalModules, 'policy-diff', 'node_modules'))).toBe(false);
  });

  it('policy-diff --version prints the package version', () => {
    const r = run(join(prefix, 'bin', 'policy-diff'), ['--version'], work);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`policy-diff ${PKG.version}\n`);
    expect(r.status).toBe(0);
  });

  it('runs the demo diff as the repository copy of the bundle does', () => {
    const args = ['diff', join(DEMO, 'base'), join(DEMO, 'head'), '--fail-on', 'none'];
    const installed = run(join(prefix, 'bin', 'policy-diff'), args, work);
    expect(installed.stderr).toBe('');
    expect(installed.status).toBe(0);
    expect(installed.stdout).toMatch(/^policy-diff \S+demo\/base -> \S+demo\/head /);
    expect(installed.stdout).toMatch(/\d+ opened, \d+ closed/);
    const inRepo = run(process.execPath, [join(ROOT, 'dist/cli/index.js'), ...args], work);
    expect(installed.stdout).toBe(inRepo.stdout);
  });
});
