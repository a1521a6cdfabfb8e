import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INCLUDE } from '../../src/config/types.js';
import { type RevisionInput, readRevision } from '../../src/git/read-revision.js';
import { directoriesOf, expandLinks } from '../../src/git/symlinks.js';
import { commitAll, initRepo, writeFiles } from './helpers.js';

/**
 * `kubectl apply -R`, kustomize and Argo CD follow symlinks that stay in the repository (SEMANTICS
 * R3); a link out of it is never read and makes the result incomplete. Git revisions (mode 120000
 * blobs) and directories (readlink) behave the same.
 */
let tmp: string;
let repo: string;

const LINKS: Record<string, string> = {
  // In-repo file link: read under the link's own path.
  'apps/web/policy.yaml': '../../shared/policy.yaml',
  // In-repo directory link: the directory's files appear under the link path.
  'overlays/prod/base': '../../base',
  // A link to a link to a file.
  'chain.yaml': 'apps/web/policy.yaml',
  // A directory link back to an ancestor: a cycle, not expanded again.
  'base/loop': '..',
  // Link loop: a -> b -> a.
  'loop-a.yaml': 'loop-b.yaml',
  'loop-b.yaml': 'loop-a.yaml',
  // Out of the repository: absolute, relative, and through another link.
  'escape-abs.yaml': '/etc/passwd',
  'escape-rel.yaml': '../../etc/passwd',
  'escape-dir': '..',
  'via.yaml': 'escape-dir/secret.yaml',
  // Dangling: nothing there in the revision.
  'dangling.yaml': 'nope.yaml',
  // Out of the repository under any name: it could be a directory of manifests, so an error too.
  'tools/run.sh': '/usr/bin/env',
};

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'policy-diff-links-'));
  repo = join(tmp, 'repo');
  initRepo(repo);
  writeFiles(repo, {
    'shared/policy.yaml': 'kind: NetworkPolicy\n',
    'base/deploy.yaml': 'kind: Deployment\n',
    'base/nested/svc.yaml': 'kind: Service\n',
  });
  writeFiles(tmp, { 'secret.yaml': 'secret: 1\n' });
  for (const [path, target] of Object.entries(LINKS)) {
    writeFiles(repo, { [`${path}.tmp`]: '' });
    await rm(join(repo, `${path}.tmp`));
    await symlink(target, join(repo, path));
  }
  commitAll(repo, 'links');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const modes: [string, () => RevisionInput, () => string][] = [
  ['git', () => ({ kind: 'git', repo, rev: 'HEAD' }), () => 'HEAD'],
  ['directory', () => ({ kind: 'directory', path: repo }), () => repo],
];

describe.each(modes)('symlinks (%s)', (_mode, input, label) => {
  it('follows in-repo file and directory links, under the link path', async () => {
    const result = await readRevision(input(), { include: DEFAULT_INCLUDE, exclude: [] });
    expect(result.files).toEqual([
      { path: 'apps/web/policy.yaml', text: 'kind: NetworkPolicy\n' },
      { path: 'base/deploy.yaml', text: 'kind: Deployment\n' },
      { path: 'base/nested/svc.yaml', text: 'kind: Service\n' },
      { path: 'chain.yaml', text: 'kind: NetworkPolicy\n' },
      { path: 'overlays/prod/base/deploy.yaml', text: 'kind: Deployment\n' },
      { path: 'overlays/prod/base/nested/svc.yaml', text: 'kind: Service\n' },
      { path: 'shared/policy.yaml', text: 'kind: NetworkPolicy\n' },
    ]);
    expect(result.files.some((f) => f.text.includes('root:') || f.text.includes('secret'))).toBe(false);
  });

  it('reports links out of the repository as errors (but for files named as no manifest is), cycles and dangling links as warnings', async () => {
    const result = await readRevision(input(), { include: DEFAULT_INCLUDE, exclude: [] });
    const said = result.diagnostics.map((d) => [d.severity, d.code, d.location?.file, d.message]);
    const outside = (file: string, message: string) => ['error', 'symlink-outside-repository', file, message];
    expect(said).toEqual([
      [
        'warning',
        'symlink-cycle',
        'base/loop',
        'symlink to .. leads back into a directory already being read; not followed again',
      ],
      [
        'warning',
        'symlink-dangling',
        'dangling.yaml',
        'symlink to nope.yaml points to nothing in this revision; kubectl cannot read it',
      ],
      outside('escape-abs.yaml', 'symlink to /etc/passwd leaves the repository; not read'),
      outside('escape-dir', 'symlink to .. leaves the repository; not read'),
      outside('escape-rel.yaml', 'symlink to ../../etc/passwd leaves the repository; not read'),
      [
        'warning',
        'symlink-cycle',
        'loop-a.yaml',
        'symlink to loop-b.yaml loops (too many levels of symbolic links); kubectl cannot read it',
      ],
      [
        'warning',
        'symlink-cycle',
        'loop-b.yaml',
        'symlink to loop-a.yaml loops (too many levels of symbolic links); kubectl cannot read it',
      ],
      [
        'warning',
        'symlink-cycle',
        'overlays/prod/base/loop',
        'symlink to .. leads back into a directory already being read; not followed again',
      ],
      // Named like a file that holds no manifest: said, but no reason to fail the run (never cry wolf).
      [
        'warning',
        'symlink-outside-repository',
        'tools/run.sh',
        "symlink to /usr/bin/env leaves the repository; not read (its name is not a manifest's, so it is taken for a file that holds none)",
      ],
      outside(
        'via.yaml',
        'symlink to escape-dir/secret.yaml leads through escape-dir -> .., which leaves the repository; not read',
      ),
    ]);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    for (const error of errors) {
      expect(error.reach).toEqual({ kind: 'all' });
      expect(error.dropped).toBe(error.location?.file);
      expect(error.location?.revision).toBe(label());
    }
  });

  it('says nothing about links the include globs could not want', async () => {
    const result = await readRevision(input(), { include: ['shared/**'], exclude: [] });
    expect(result.files.map((f) => f.path)).toEqual(['shared/policy.yaml']);
    expect(result.diagnostics).toEqual([]);
  });
});

describe('expandLinks (pure)', () => {
  const tree = (files: string[], links: Record<string, string>) => ({
    files: new Map(files.map((f) => [f, f])),
    links: new Map(Object.entries(links)),
    dirs: directoriesOf([...files, ...Object.keys(links)]),
  });

  it('stops links that fan out into each other at the budget, with an error', () => {
    // d1 links twice to d0, d2 twice to d1, ...: 2^24 paths without a single cycle.
    const links: Record<string, string> = {};
    for (let level = 1; level <= 24; level++) {
      links[`d${level}/a`] = `../d${level - 1}`;
      links[`d${level}/b`] = `../d${level - 1}`;
    }
    const { files, problems } = expandLinks(tree(['d0/x.yaml'], links), () => true);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.kind).toBe('budget');
    expect(files.length).toBeLessThan(200_000);
  });

  it('resolves `..` after a directory link physically, as the kernel does', () => {
    // a/link -> ../b/c, so a/link/../y.yaml is b/y.yaml, not a/y.yaml.
    const t = tree(['b/c/x.yaml', 'b/y.yaml', 'a/y.yaml'], {
      'a/link': '../b/c',
      'up.yaml': 'a/link/../y.yaml',
    });
    const { files } = expandLinks(t, (p) => p === 'up.yaml');
    expect(files).toEqual([{ path: 'up.yaml', file: 'b/y.yaml' }]);
  });
});
