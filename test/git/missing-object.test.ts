import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INCLUDE } from '../../src/config/types.js';
import { listTree } from '../../src/git/ls-tree.js';
import { readRevision } from '../../src/git/read-revision.js';
import { commitAll, git, initRepo, writeFiles } from './helpers.js';

/** Deletes a blob from the object store, as a damaged clone (or a blob:none partial clone) lacks it. */
export function dropBlob(repo: string, rev: string, path: string): void {
  const sha = git(repo, 'rev-parse', `${rev}:${path}`);
  rmSync(join(repo, '.git', 'objects', sha.slice(0, 2), sha.slice(2)));
}

let tmp: string;
let repo: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'policy-diff-missing-'));
  repo = join(tmp, 'repo');
  initRepo(repo);
  writeFiles(repo, {
    'policies/allow.yaml': 'kind: NetworkPolicy # allow\n',
    'policies/deny.yaml': 'kind: NetworkPolicy # deny\n',
    'docs/notes.txt': 'not a manifest\n',
  });
  commitAll(repo, 'c');
  dropBlob(repo, 'HEAD', 'docs/notes.txt');
  dropBlob(repo, 'HEAD', 'policies/deny.yaml');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('a git object missing from the clone', () => {
  it('is listed (not a crash), marked missing', async () => {
    const entries = await listTree(repo, 'HEAD');
    expect(entries.map((e) => [e.path, e.missing ?? false])).toEqual([
      ['docs/notes.txt', true],
      ['policies/allow.yaml', false],
      ['policies/deny.yaml', true],
    ]);
  });

  it('is an error for that file only, with reach all; the other files are read', async () => {
    const result = await readRevision(
      { kind: 'git', repo, rev: 'HEAD' },
      { include: DEFAULT_INCLUDE, exclude: [] },
    );
    expect(result.files).toEqual([{ path: 'policies/allow.yaml', text: 'kind: NetworkPolicy # allow\n' }]);
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'blob-missing',
        message: 'the file is listed in the tree but git has no content for it (partial or damaged clone)',
        location: { revision: 'HEAD', file: 'policies/deny.yaml', line: 1, column: 1 },
        dropped: 'policies/deny.yaml',
        reach: { kind: 'all' },
      },
    ]);
  });

  it('says nothing when the file is outside include', async () => {
    const result = await readRevision(
      { kind: 'git', repo, rev: 'HEAD' },
      { include: ['policies/allow.yaml', '**/*.md'], exclude: [] },
    );
    expect(result.files.map((f) => f.path)).toEqual(['policies/allow.yaml']);
    expect(result.diagnostics).toEqual([]);
  });

  it('a missing tree: an error for that directory only, the rest is read', async () => {
    const damaged = join(tmp, 'damaged');
    initRepo(damaged);
    writeFiles(damaged, {
      'a/b.yaml': 'kind: Pod\n',
      'a/c/d.yaml': 'kind: Pod\n',
      'z.yaml': 'kind: Service\n',
    });
    commitAll(damaged, 'c');
    const tree = git(damaged, 'rev-parse', 'HEAD:a');
    rmSync(join(damaged, '.git', 'objects', tree.slice(0, 2), tree.slice(2)));
    const read = () =>
      readRevision({ kind: 'git', repo: damaged, rev: 'HEAD' }, { include: DEFAULT_INCLUDE, exclude: [] });
    const result = await read();
    expect(result.files).toEqual([{ path: 'z.yaml', text: 'kind: Service\n' }]);
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'tree-missing',
        message:
          'the directory is listed but git has no tree for it (partial or damaged clone); none of its files were read',
        location: { revision: 'HEAD', file: 'a', line: 1, column: 1 },
        dropped: 'a/',
        reach: { kind: 'all' },
      },
    ]);
    // The root tree missing too: one error for the whole revision, still no crash.
    const root = git(damaged, 'rev-parse', 'HEAD^{tree}');
    rmSync(join(damaged, '.git', 'objects', root.slice(0, 2), root.slice(2)));
    const none = await read();
    expect(none.files).toEqual([]);
    expect(none.diagnostics.map((d) => [d.severity, d.code, d.reach])).toEqual([
      ['error', 'tree-unreadable', { kind: 'all' }],
    ]);
  });

  it('a partial clone (--filter=blob:none): blobs fetched on demand, or errors once the remote is gone', async () => {
    const origin = join(tmp, 'origin');
    initRepo(origin);
    git(origin, 'config', 'uploadpack.allowFilter', 'true');
    git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
    writeFiles(origin, { 'p/a.yaml': 'kind: Pod # a\n', 'p/b.yaml': 'kind: Pod # b\n', 'notes.txt': 'x\n' });
    commitAll(origin, 'c');
    const clone = (name: string) => {
      git(tmp, 'clone', '-q', '--no-checkout', '--filter=blob:none', `file://${origin}`, join(tmp, name));
      return join(tmp, name);
    };
    const online = clone('partial-online');
    const offline = clone('partial-offline');
    // With the remote there, what is needed is fetched on demand and read.
    const read = await readRevision(
      { kind: 'git', repo: online, rev: 'HEAD' },
      { include: ['p/a.yaml'], exclude: [] },
    );
    expect(read.files).toEqual([{ path: 'p/a.yaml', text: 'kind: Pod # a\n' }]);
    expect(read.diagnostics).toEqual([]);
    // Only that blob was fetched: sizes are not learnt by fetching every blob of the tree.
    const local = git(online, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)');
    expect(local).toContain(git(online, 'rev-parse', 'HEAD:p/a.yaml'));
    expect(local).not.toContain(git(online, 'rev-parse', 'HEAD:p/b.yaml'));
    // The remote gone: git cannot fetch, so each missing blob is an error for that file only.
    await rm(origin, { recursive: true, force: true });
    const unread = await readRevision(
      { kind: 'git', repo: offline, rev: 'HEAD' },
      { include: DEFAULT_INCLUDE, exclude: [] },
    );
    expect(unread.files).toEqual([]);
    expect(unread.diagnostics.map((d) => [d.code, d.location?.file])).toEqual([
      ['blob-missing', 'p/a.yaml'],
      ['blob-missing', 'p/b.yaml'],
    ]);
  });

  it('a corrupt object (git dies while streaming it): an error for that file, the others are read', async () => {
    const corrupt = join(tmp, 'corrupt');
    initRepo(corrupt);
    const big = Buffer.alloc(30000, 'kind: Pod # padding\n').toString();
    writeFiles(corrupt, { 'a.yaml': big, 'b.yaml': 'kind: Service\n', 'c.yaml': 'kind: Secret\n' });
    commitAll(corrupt, 'c');
    const sha = git(corrupt, 'rev-parse', 'HEAD:a.yaml');
    const file = join(corrupt, '.git', 'objects', sha.slice(0, 2), sha.slice(2));
    chmodSync(file, 0o644);
    const bytes = readFileSync(file);
    // The header still inflates (its size is known), the content does not.
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const result = await readRevision(
      { kind: 'git', repo: corrupt, rev: 'HEAD' },
      { include: DEFAULT_INCLUDE, exclude: [] },
    );
    expect(result.files.map((f) => f.path)).toEqual(['b.yaml', 'c.yaml']);
    expect(result.diagnostics.map((d) => [d.severity, d.code, d.location?.file])).toEqual([
      ['error', 'blob-missing', 'a.yaml'],
    ]);
  });
});
