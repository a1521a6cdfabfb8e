import { mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INCLUDE } from '../../src/config/types.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { type BlobReads, readRevision, resolveRevisionInput } from '../../src/git/read-revision.js';
import { commitAll, git, initRepo, writeFiles } from './helpers.js';

const all = { include: DEFAULT_INCLUDE, exclude: [] };
const paths = (files: readonly { path: string }[]) => files.map((f) => f.path);

let tmp: string;
let repo: string;
let baseSha: string;
let headSha: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'policy-diff-git-'));
  repo = join(tmp, 'repo');
  initRepo(repo);
  writeFiles(repo, {
    'apps/web.yaml': 'kind: NetworkPolicy # base\n',
    'apps/old.yaml': 'old: true\n',
    'ci/pipeline.yaml': 'ci: true\n',
    'README.md': '# not a manifest\n',
    '.argocd/app.yml': 'dot: true\n',
    'data.json': '{"a": 1}\n',
  });
  await symlink('/etc/passwd', join(repo, 'passwd.yaml'));
  baseSha = commitAll(repo, 'base');
  await unlink(join(repo, 'apps/old.yaml'));
  writeFiles(repo, { 'apps/web.yaml': 'kind: NetworkPolicy # head\n', 'apps/new.yaml': 'new: true\n' });
  headSha = commitAll(repo, 'head');
  git(repo, 'tag', 'base', baseSha);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('readRevision (git)', () => {
  it('reads a blob both revisions list once when they share the reads, with the same result', async () => {
    const blobs: BlobReads = new Map();
    const [base, head] = await Promise.all([
      readRevision({ kind: 'git', repo, rev: 'base' }, { ...all, blobs }),
      readRevision({ kind: 'git', repo, rev: 'HEAD' }, { ...all, blobs }),
    ]);
    expect(base).toEqual(await readRevision({ kind: 'git', repo, rev: 'base' }, all));
    expect(head).toEqual(await readRevision({ kind: 'git', repo, rev: 'HEAD' }, all));
    // Shared files are one read and one string; changed files were read apart.
    const distinct = new Set([...base.files, ...head.files].map((f) => f.text));
    // Plus the one blob of the symlink passwd.yaml (its target path), read once for both.
    expect(blobs.size).toBe(distinct.size + 1);
    const shared = (r: typeof base) => r.files.find((f) => f.path === 'ci/pipeline.yaml')!;
    expect(shared(base).text).toBe(shared(head).text);
  });

  it('reads each revision of the same repository with its own content', async () => {
    const base = await readRevision({ kind: 'git', repo, rev: 'base' }, all);
    const head = await readRevision({ kind: 'git', repo, rev: 'HEAD' }, all);
    expect(base.label).toBe('base');
    expect(base.commit).toBe(baseSha);
    expect(head.label).toBe('HEAD');
    expect(head.commit).toBe(headSha);
    expect(base.files).toEqual([
      { path: '.argocd/app.yml', text: 'dot: true\n' },
      { path: 'apps/old.yaml', text: 'old: true\n' },
      { path: 'apps/web.yaml', text: 'kind: NetworkPolicy # base\n' },
      { path: 'ci/pipeline.yaml', text: 'ci: true\n' },
      { path: 'data.json', text: '{"a": 1}\n' },
    ]);
    expect(head.files).toEqual([
      { path: '.argocd/app.yml', text: 'dot: true\n' },
      { path: 'apps/new.yaml', text: 'new: true\n' },
      { path: 'apps/web.yaml', text: 'kind: NetworkPolicy # head\n' },
      { path: 'ci/pipeline.yaml', text: 'ci: true\n' },
      { path: 'data.json', text: '{"a": 1}\n' },
    ]);
  });

  it('never reads a symlink to a file outside the repo: an error, the result is incomplete', async () => {
    const head = await readRevision({ kind: 'git', repo, rev: 'HEAD' }, all);
    expect(head.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'symlink-outside-repository',
        message: 'symlink to /etc/passwd leaves the repository; not read',
        location: { revision: 'HEAD', file: 'passwd.yaml', line: 1, column: 1 },
        dropped: 'passwd.yaml',
        reach: { kind: 'all' },
      },
    ]);
    expect(head.files.some((f) => f.text.includes('root:'))).toBe(false);
  });

  it('applies include and exclude globs', async () => {
    const head = await readRevision(
      { kind: 'git', repo, rev: 'HEAD' },
      { include: ['apps/**', 'ci/*.yaml', '**/*.md'], exclude: ['ci/**', 'apps/new.yaml'] },
    );
    expect(paths(head.files)).toEqual(['README.md', 'apps/web.yaml']);
    expect(head.diagnostics).toEqual([]);
  });

  it('leaves the working tree alone and never reads uncommitted changes', async () => {
    await readRevision({ kind: 'git', repo, rev: 'base' }, all);
    await readRevision({ kind: 'git', repo, rev: 'HEAD' }, all);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    await writeFile(join(repo, 'apps/web.yaml'), 'WORKING TREE\n');
    try {
      const head = await readRevision({ kind: 'git', repo, rev: 'HEAD' }, all);
      expect(head.files.find((f) => f.path === 'apps/web.yaml')?.text).toBe('kind: NetworkPolicy # head\n');
      expect(git(repo, 'status', '--porcelain')).toBe('M apps/web.yaml');
    } finally {
      git(repo, 'checkout', '--', 'apps/web.yaml');
    }
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('throws ConfigurationError for a revision git cannot resolve', async () => {
    await expect(readRevision({ kind: 'git', repo, rev: 'mian' }, all)).rejects.toThrow(ConfigurationError);
    await expect(readRevision({ kind: 'git', repo, rev: 'mian' }, all)).rejects.toThrow(
      `'mian' is not a revision of ${repo}`,
    );
  });
});

describe('resolveRevisionInput', () => {
  it('treats an existing directory as a directory, anything else as a revision', async () => {
    expect(await resolveRevisionInput(repo, repo)).toEqual({ kind: 'directory', path: repo });
    expect(await resolveRevisionInput('HEAD~1', repo)).toEqual({ kind: 'git', repo, rev: 'HEAD~1' });
    expect(await resolveRevisionInput(baseSha, repo)).toEqual({ kind: 'git', repo, rev: baseSha });
  });

  it('explains a revision that is neither a directory nor known to git', async () => {
    const attempt = resolveRevisionInput('mian', repo, 'base');
    await expect(attempt).rejects.toThrow(ConfigurationError);
    await expect(resolveRevisionInput('mian', repo, 'base')).rejects.toThrow(
      `base: 'mian' is neither a directory nor a revision of ${resolve(repo)}`,
    );
  });

  it('refuses a revision that git would read as an option', async () => {
    await expect(resolveRevisionInput('--output=/tmp/x', repo)).rejects.toThrow(ConfigurationError);
  });

  it('rejects a tree or blob that is not a commit', async () => {
    await expect(resolveRevisionInput('HEAD:apps', repo)).rejects.toThrow(ConfigurationError);
  });
});
