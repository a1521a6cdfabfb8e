import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTree, listTreeOnce } from '../../src/git/ls-tree.js';
import { commitAll, initRepo, writeFiles } from './helpers.js';

let tmp: string;
let repo: string;
let first: string;
let second: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'policy-diff-listing-'));
  repo = join(tmp, 'repo');
  initRepo(repo);
  writeFiles(repo, { 'a.yaml': 'a: 1\n', 'dir/b.yaml': 'b: 2\n' });
  first = commitAll(repo, 'first');
  writeFiles(repo, { 'a.yaml': 'a: 10\n', 'dir/c.yaml': 'c: 3\n' });
  second = commitAll(repo, 'second');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('listTreeOnce (the reader and the render tree share one listing per side)', () => {
  it('law: the listing is listTree of that commit, for each commit of one scope', async () => {
    const scope = {};
    for (const commit of [first, second, first]) {
      expect(await listTreeOnce(scope, repo, commit)).toEqual(await listTree(repo, commit));
    }
    expect(await listTreeOnce(scope, repo, first)).not.toEqual(await listTree(repo, second));
  });

  it('is listed once per scope and commit: a second asker gets the same listing', async () => {
    const scope = {};
    const a = listTreeOnce(scope, repo, first);
    expect(listTreeOnce(scope, repo, first)).toBe(a);
    // Another side (another RevisionInput) lists for itself.
    expect(listTreeOnce({}, repo, first)).not.toBe(a);
    expect(listTreeOnce(scope, repo, second)).not.toBe(a);
  });

  it('a failed listing fails for every asker of that scope', async () => {
    const scope = {};
    const bad = '0'.repeat(40);
    await expect(listTreeOnce(scope, repo, bad)).rejects.toThrow();
    await expect(listTreeOnce(scope, repo, bad)).rejects.toThrow();
  });
});
