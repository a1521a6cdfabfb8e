import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INCLUDE } from '../../src/config/types.js';
import { type ReadOptions, type RevisionInput, readRevision } from '../../src/git/read-revision.js';
import { commitAll, git, initRepo, writeFiles } from './helpers.js';

let tmp: string;
let repo: string;

const files = {
  'a-small.yaml': 'a: 1\n',
  'b-big.yaml': `big: "${'x'.repeat(2000)}"\n`,
  'c-nul.yaml': Buffer.from('kind: Pod\0\n'),
  'd-latin1.yaml': Buffer.from([0x6b, 0x3a, 0x20, 0xe9, 0x0a]),
  'e-bom.yaml': Buffer.from('\ufeffe: 1\n', 'utf8'),
  'f-small.yaml': 'f: 1\n',
};

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'policy-diff-limits-'));
  repo = join(tmp, 'repo');
  initRepo(repo);
  writeFiles(repo, files);
  commitAll(repo, 'base');
  // A submodule entry (gitlink) named like a manifest: never read.
  git(repo, 'update-index', '--add', '--cacheinfo', `160000,${git(repo, 'rev-parse', 'HEAD')},sub.yaml`);
  git(repo, 'commit', '-q', '-m', 'submodule');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const options: ReadOptions = { include: DEFAULT_INCLUDE, exclude: [], maxFileBytes: 1000 };

function inputs(): [string, RevisionInput, string][] {
  return [
    ['git', { kind: 'git', repo, rev: 'HEAD' }, 'HEAD'],
    ['directory', { kind: 'directory', path: repo }, repo],
  ];
}

describe.each(['git', 'directory'])('size and content limits (%s)', (mode) => {
  const pick = () => inputs().find(([m]) => m === mode)!;

  it('reports a too-large file and a NUL byte as errors, reads invalid UTF-8 as kubectl does', async () => {
    const [, input, label] = pick();
    const result = await readRevision(input, options);
    expect(result.files).toEqual([
      { path: 'a-small.yaml', text: 'a: 1\n' },
      // kubectl (x/text's UTF-8 decoder) reads the Latin-1 byte as U+FFFD and applies the file.
      { path: 'd-latin1.yaml', text: 'k: \uFFFD\n' },
      { path: 'e-bom.yaml', text: 'e: 1\n' },
      { path: 'f-small.yaml', text: 'f: 1\n' },
    ]);
    const at = (file: string) => ({ revision: label, file, line: 1, column: 1 });
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'file-too-large',
        message: 'file is 2008 bytes, over the limit of 1000 bytes; not read',
        location: at('b-big.yaml'),
        dropped: 'b-big.yaml',
        reach: { kind: 'all' },
      },
      {
        severity: 'error',
        code: 'control-character',
        message:
          'the file holds the control character U+0000, which kubectl refuses (YAML and JSON allow none); not read',
        location: at('c-nul.yaml'),
        dropped: 'c-nul.yaml',
        reach: { kind: 'all' },
      },
      {
        severity: 'note',
        code: 'invalid-utf8',
        message: 'bytes that are not valid UTF-8 are read as U+FFFD, as kubectl reads them',
        location: at('d-latin1.yaml'),
      },
    ]);
  });

  it('stops at the total byte budget with an error naming what was not read', async () => {
    const [, input, label] = pick();
    const result = await readRevision(input, {
      ...options,
      include: ['*-small.yaml', 'e-bom.yaml'],
      maxTotalBytes: 14,
    });
    expect(result.files).toEqual([
      { path: 'a-small.yaml', text: 'a: 1\n' },
      { path: 'e-bom.yaml', text: 'e: 1\n' },
    ]);
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'total-size-exceeded',
        message: 'stopped reading: the files together exceed the limit of 14 bytes',
        location: { revision: label, file: 'f-small.yaml', line: 1, column: 1 },
        dropped: '1 file(s) from f-small.yaml on',
        reach: { kind: 'all' },
      },
    ]);
  });
});

it('uses 4 MiB as the default file limit', async () => {
  const result = await readRevision(
    { kind: 'git', repo, rev: 'HEAD' },
    { include: ['b-big.yaml'], exclude: [] },
  );
  expect(result.files.map((f) => f.path)).toEqual(['b-big.yaml']);
  expect(result.diagnostics).toEqual([]);
});
