import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readRevision } from '../../src/git/read-revision.js';
import { commitAll, initRepo, writeFiles } from './helpers.js';

const COUNT = 2000;
let tmp: string;
let repo: string;
const expected: { path: string; text: string }[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'policy-diff-many-'));
  repo = join(tmp, 'repo');
  initRepo(repo);
  const files: Record<string, string> = {};
  for (let i = 0; i < COUNT; i++) {
    const path = `ns-${String(i % 40).padStart(2, '0')}/policy-${String(i).padStart(4, '0')}.yaml`;
    // Every tenth file shares its content with others: the same blob is read once and reused.
    const text =
      i % 10 === 0
        ? 'shared: true\n'
        : `kind: NetworkPolicy\nmetadata: { name: p${i} }\n${'#'.repeat(i % 500)}\n`;
    files[path] = text;
    expected.push({ path, text });
  }
  writeFiles(repo, files);
  commitAll(repo, 'many');
  expected.sort((a, b) => (a.path < b.path ? -1 : 1));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

it('reads a 2,000-file revision through the batch reader, every file with its own content', async () => {
  const result = await readRevision(
    { kind: 'git', repo, rev: 'HEAD' },
    { include: ['**/*.yaml'], exclude: [] },
  );
  expect(result.diagnostics).toEqual([]);
  expect(result.files).toHaveLength(COUNT);
  expect(result.files).toEqual(expected);
});
