import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatFileBatch } from '../../src/git/cat-file-batch.js';
import { listTree, parseLsTree } from '../../src/git/ls-tree.js';
import { commitAll, git, initRepo, writeFiles } from './helpers.js';

let tmp: string;
let repo: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'policy-diff-batch-'));
  repo = join(tmp, 'repo');
  initRepo(repo);
  writeFiles(repo, { 'a.yaml': 'a\n', 'big.bin': Buffer.alloc(300_000, 0x0a), 'empty.yaml': '' });
  commitAll(repo, 'c');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('CatFileBatch', () => {
  it('answers pipelined requests in order, with binary content, empty blobs and missing objects', async () => {
    const sha = (path: string) => git(repo, 'rev-parse', `HEAD:${path}`);
    const missing = 'f'.repeat(40);
    const batch = new CatFileBatch(repo);
    try {
      const [big, a, none, empty, again] = await Promise.all([
        batch.read(sha('big.bin')),
        batch.read(sha('a.yaml')),
        batch.read(missing),
        batch.read(sha('empty.yaml')),
        batch.read(sha('a.yaml')),
      ]);
      expect(big.kind === 'found' && big.content.equals(Buffer.alloc(300_000, 0x0a))).toBe(true);
      expect(a).toEqual({ kind: 'found', sha: sha('a.yaml'), type: 'blob', content: Buffer.from('a\n') });
      expect(none).toEqual({ kind: 'missing', sha: missing });
      expect(empty).toEqual({
        kind: 'found',
        sha: sha('empty.yaml'),
        type: 'blob',
        content: Buffer.alloc(0),
      });
      expect(again).toEqual(a);
    } finally {
      await batch.close();
    }
  });

  it('refuses anything but a full object id (no option or revision syntax reaches git)', async () => {
    const batch = new CatFileBatch(repo);
    try {
      await expect(batch.read('HEAD:a.yaml')).rejects.toThrow("not a full object id: 'HEAD:a.yaml'");
    } finally {
      await batch.close();
    }
  });

  it('rejects pending and later reads once the process is killed', async () => {
    const batch = new CatFileBatch(repo);
    batch.kill();
    await expect(batch.close()).resolves.toBeUndefined();
    await expect(batch.read('a'.repeat(40))).rejects.toThrow('git cat-file --batch stopped unexpectedly');
  });
});

describe('parseLsTree', () => {
  it('parses modes, sizes and paths with spaces, tabs and newlines', () => {
    const blob = '1'.repeat(40);
    const output = [
      `100644 blob ${blob}      12\tdir/a b.yaml`,
      `100755 blob ${blob}       3\tweird\tname\n.yaml`,
      `120000 blob ${blob}      11\tlink.yaml`,
      `160000 commit ${blob}       -\tsub`,
    ].join('\0');
    expect(parseLsTree(`${output}\0`)).toEqual([
      { path: 'dir/a b.yaml', kind: 'file', mode: '100644', sha: blob, size: 12 },
      { path: 'weird\tname\n.yaml', kind: 'file', mode: '100755', sha: blob, size: 3 },
      { path: 'link.yaml', kind: 'symlink', mode: '120000', sha: blob, size: 11 },
      { path: 'sub', kind: 'submodule', mode: '160000', sha: blob, size: 0 },
    ]);
  });

  it('throws on output it does not understand', () => {
    expect(() => parseLsTree('garbage\0')).toThrow("unexpected git ls-tree output: 'garbage'");
  });

  it('throws on a listing cut short (the last record has no NUL), never returns fewer files', () => {
    const blob = '1'.repeat(40);
    const whole = `100644 blob ${blob}      12\ta.yaml\u0000100644 blob ${blob}      12\tb.yaml\u0000`;
    expect(parseLsTree(whole)).toHaveLength(2);
    expect(() => parseLsTree(whole.slice(0, -20))).toThrow('git ls-tree output is incomplete');
    expect(parseLsTree('')).toEqual([]);
  });
});

describe('listTree', () => {
  it('lists big trees completely, even read many times at once', async () => {
    // Over a hundred kilobytes of listing: several pipe reads, the case simple-git could cut short.
    const files: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) files[`ns-${i % 50}/deep/path/workload-${i}.yaml`] = `n: ${i}\n`;
    const big = join(tmp, 'big');
    initRepo(big);
    writeFiles(big, files);
    commitAll(big, 'c');
    const listings = await Promise.all(Array.from({ length: 8 }, () => listTree(big, 'HEAD')));
    for (const entries of listings) {
      expect(entries).toHaveLength(1500);
      expect(new Set(entries.map((e) => e.path))).toEqual(new Set(Object.keys(files)));
    }
  });

  it('rejects with what git said when the revision does not exist', async () => {
    await expect(listTree(repo, 'f'.repeat(40))).rejects.toThrow(/not a tree object|fatal/);
  });
});
