import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/args.js';
import { RULES_DOC_URL } from '../../src/report/rule-docs.js';
import { runCli } from '../helpers/cli.js';
import { htmlProblems, renderGfm } from '../helpers/gfm.js';
import { TempRepo } from '../helpers/git-repo.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

/** The demo's base and head as two commits of a repository whose origin is on GitHub. */
describe('--link-base', () => {
  const repo = new TempRepo();
  let base = '';
  let head = '';

  beforeAll(() => {
    cpSync(join(PROJECT_ROOT, 'fixtures/demo/base'), repo.dir, { recursive: true });
    base = repo.commit('base');
    repo
      .remove('apps')
      .remove('charts')
      .remove('ci')
      .remove('namespaces')
      .remove('platform')
      .remove('policies');
    cpSync(join(PROJECT_ROOT, 'fixtures/demo/head'), repo.dir, { recursive: true });
    head = repo.commit('head');
  });
  afterAll(() => repo.cleanup());

  const diff = (...extra: string[]) =>
    runCli(['diff', base, head, '--repo', repo.dir, '--format', 'markdown', '--fail-on', 'none', ...extra]);

  // Links into the analysed repository; the rule ids messages cite link to policy-diff's own docs.
  const allBlobLinks = (markdown: string) => [
    ...new Set([...markdown.matchAll(/\]\((https:[^)\s]*\/blob\/[^)\s]*)\)/g)].map((m) => m[1]!)),
  ];
  const blobLinks = (markdown: string) =>
    allBlobLinks(markdown).filter((l) => !l.startsWith(`${RULES_DOC_URL}#`));

  it('links every location to its side commit, and the header to both commits', async () => {
    const run = await diff('--link-base', 'https://github.com/octo/gitops/');
    expect(run.code).toBe(0);
    const links = blobLinks(run.stdout);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links)
      expect(link).toMatch(
        new RegExp(`^https://github\\.com/octo/gitops/blob/(${base}|${head})/[^#]+#L\\d+$`),
      );
    expect(links.some((l) => l.includes(`/blob/${head}/`))).toBe(true);
    expect(run.stdout).toContain(`[\`${base.slice(0, 7)}\`](https://github.com/octo/gitops/commit/${base})`);
    expect(run.stdout).toContain(`[\`${head.slice(0, 7)}\`](https://github.com/octo/gitops/commit/${head})`);
    // As GitHub renders it: every link well-formed, no structure broken by them.
    expect(htmlProblems(renderGfm(run.stdout))).toEqual([]);
  });

  it('auto: reads the origin remote; without one it says so and links nothing', async () => {
    const none = await diff('--link-base', 'auto');
    expect(none.code).toBe(0);
    expect(none.stderr).toContain('--link-base auto');
    expect(blobLinks(none.stdout)).toEqual([]);
    repo.git('remote', 'add', 'origin', 'git@github.com:octo/gitops.git');
    const auto = await diff('--link-base', 'auto');
    expect(blobLinks(auto.stdout).length).toBeGreaterThan(0);
    expect(blobLinks(auto.stdout).every((l) => l.startsWith('https://github.com/octo/gitops/blob/'))).toBe(
      true,
    );
  });

  it('is off by default, and links no side that is a directory', async () => {
    const plain = (await diff()).stdout;
    expect(blobLinks(plain)).toEqual([]);
    // The rules a message cites link to their explanation whatever --link-base says.
    expect(allBlobLinks(plain)).toContain(`${RULES_DOC_URL}#h3`);
    const dirs = await runCli([
      'diff',
      'fixtures/demo/base',
      'fixtures/demo/head',
      '--repo',
      PROJECT_ROOT,
      '--format',
      'markdown',
      '--fail-on',
      'none',
      '--link-base',
      'https://github.com/octo/gitops',
    ]);
    expect(dirs.code).toBe(0);
    expect(blobLinks(dirs.stdout)).toEqual([]);
  });

  it('refuses an address that is not a web page', () => {
    for (const bad of ['javascript:alert(1)', 'https://user:pw@github.com/o/r', 'github.com/o/r'])
      expect(() => parseCommand(['diff', 'a', 'b', '--link-base', bad], '/'), bad).toThrow(/--link-base/);
    expect(
      parseCommand(['diff', 'a', 'b', '--link-base', 'https://ghe.example.com/o/r.git'], '/'),
    ).toMatchObject({
      linkBase: 'https://ghe.example.com/o/r',
    });
  });
});
