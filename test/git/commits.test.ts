import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { ensureCommit, isShallow, mergeBase, readRevision } from '../../src/git/read-revision.js';
import { commitAll, git, initRepo, writeFiles } from './helpers.js';

let tmp: string;
let origin: string;
let clone: string;
let first: string;
let second: string;
let third: string;
let feature: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'policy-diff-commits-'));
  origin = join(tmp, 'origin');
  clone = join(tmp, 'clone');
  initRepo(origin);
  writeFiles(origin, { 'p.yaml': 'rev: 1\n' });
  first = commitAll(origin, 'first');
  writeFiles(origin, { 'p.yaml': 'rev: 2\n' });
  second = commitAll(origin, 'second');
  git(origin, 'checkout', '-q', '-b', 'feature', first);
  writeFiles(origin, { 'f.yaml': 'feature\n' });
  feature = commitAll(origin, 'feature');
  git(origin, 'checkout', '-q', 'main');
  writeFiles(origin, { 'p.yaml': 'rev: 3\n' });
  third = commitAll(origin, 'third');
  git(origin, 'checkout', '-q', '--orphan', 'unrelated');
  commitAll(origin, 'unrelated');
  git(origin, 'checkout', '-q', 'main');
  // file:// makes git use the network protocol, so --depth is honoured as in actions/checkout.
  git(tmp, 'clone', '-q', '--depth=1', '--branch', 'main', `file://${origin}`, clone);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('isShallow', () => {
  it('tells a shallow clone from a full repository', async () => {
    expect(await isShallow(clone)).toBe(true);
    expect(await isShallow(origin)).toBe(false);
  });
});

describe('ensureCommit', () => {
  it('does nothing when the commit is present', async () => {
    expect(await ensureCommit(clone, third)).toEqual({ fetched: false });
  });

  it('fetches an older commit into a shallow clone, which can then be read', async () => {
    expect(() => git(clone, 'cat-file', '-e', `${first}^{commit}`)).toThrow();
    expect(await ensureCommit(clone, first)).toEqual({ fetched: true });
    expect(await ensureCommit(clone, first)).toEqual({ fetched: false });
    const read = await readRevision(
      { kind: 'git', repo: clone, rev: first },
      { include: ['*.yaml'], exclude: [] },
    );
    expect(read.files).toEqual([{ path: 'p.yaml', text: 'rev: 1\n' }]);
    expect(git(clone, 'status', '--porcelain')).toBe('');
  });

  it('explains fetch-depth: 0 when origin does not have the commit', async () => {
    const unknown = '0123456789abcdef0123456789abcdef01234567';
    await expect(ensureCommit(clone, unknown)).rejects.toThrow(ConfigurationError);
    await expect(ensureCommit(clone, unknown)).rejects.toThrow(
      /^commit 0123456789abcdef0123456789abcdef01234567 is not in the clone at .*fetch-depth: 0/s,
    );
  });

  it('refuses anything but a full sha', async () => {
    await expect(ensureCommit(clone, 'main')).rejects.toThrow("'main' is not a full commit sha");
    await expect(ensureCommit(clone, '--upload-pack=touch /tmp/x')).rejects.toThrow(ConfigurationError);
  });
});

describe('mergeBase', () => {
  it('finds the common ancestor of two branches', async () => {
    expect(await mergeBase(origin, 'main', 'feature')).toBe(first);
    expect(await mergeBase(origin, third, feature)).toBe(first);
    expect(await mergeBase(origin, 'main', second)).toBe(second);
  });

  it('is undefined for unrelated histories', async () => {
    expect(await mergeBase(origin, 'main', 'unrelated')).toBeUndefined();
  });

  it('throws ConfigurationError for an unknown revision', async () => {
    await expect(mergeBase(origin, 'main', 'nope')).rejects.toThrow(`'nope' is not a revision of ${origin}`);
  });
});
