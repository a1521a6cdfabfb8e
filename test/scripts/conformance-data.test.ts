import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutToConfigs, fetchConformance } from '../../scripts/conformance/fetch.js';
import { gitObjectId } from '../../scripts/conformance/git-object-id.js';
import {
  CACHE_DIR,
  COMPLETE_MARKER,
  INDEX_DIR,
  type UpstreamSource,
} from '../../scripts/conformance/sources.js';
import {
  CONFORMANCE_ENV,
  requireConformanceRoot,
  resolveConformanceRoot,
} from '../helpers/conformance-root.js';

const tmp = mkdtempSync(join(tmpdir(), 'policy-diff-conformance-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' },
  }).trim();

describe('conformance root: $POLICY_DIFF_CONFORMANCE_DIR, then the cache, then ../shared', () => {
  const project = join(tmp, 'resolve', 'project');
  const shared = join(tmp, 'resolve', 'shared', 'conformance');
  const cache = join(project, CACHE_DIR);
  const named = join(tmp, 'resolve', 'named');
  mkdirSync(project, { recursive: true });

  it('finds nothing, and says what to run', () => {
    const r = resolveConformanceRoot({}, project);
    expect(r).toEqual({ missing: expect.stringContaining("run 'npm run conformance:fetch'") });
  });

  it('fails in CI when there is no data, and skips with the reason elsewhere', () => {
    expect(() => requireConformanceRoot({ CI: 'true' }, project)).toThrow(/no conformance data.*CI must run/);
    const local = requireConformanceRoot({}, project);
    expect(local).toEqual({ root: join(project, INDEX_DIR), skip: expect.stringContaining(shared) });
    expect(requireConformanceRoot({ CI: 'false' }, project)).toHaveProperty('skip');
  });

  it('takes ../shared/conformance, then a complete cache over it, then the variable over both', () => {
    mkdirSync(shared, { recursive: true });
    expect(resolveConformanceRoot({}, project)).toEqual({ root: shared, from: 'shared' });
    // A cache without its marker is a fetch that did not finish.
    mkdirSync(join(cache, 'nca'), { recursive: true });
    expect(resolveConformanceRoot({}, project)).toEqual({ root: shared, from: 'shared' });
    writeFileSync(join(cache, COMPLETE_MARKER), '[]');
    expect(resolveConformanceRoot({}, project)).toEqual({ root: cache, from: 'cache' });
    mkdirSync(named, { recursive: true });
    expect(resolveConformanceRoot({ [CONFORMANCE_ENV]: named }, project)).toEqual({
      root: named,
      from: 'env',
    });
    expect(requireConformanceRoot({ CI: 'true', [CONFORMANCE_ENV]: named }, project)).toEqual({
      root: named,
      from: 'env',
    });
  });

  it('refuses a variable naming a folder that does not exist', () => {
    expect(() => resolveConformanceRoot({ [CONFORMANCE_ENV]: join(tmp, 'nowhere') }, project)).toThrow(
      /POLICY_DIFF_CONFORMANCE_DIR=.*does not exist/,
    );
  });
});

describe('git object ids of files on disk', () => {
  it('equal what git computes, for blobs and nested trees (modes, name order)', () => {
    const repo = join(tmp, 'ids');
    // 'a' (a tree) sorts as 'a/', after 'a.b' and 'a-c'; an executable keeps its mode.
    write(join(repo, 'd', 'a', 'x.yaml'), 'kind: Pod\n');
    write(join(repo, 'd', 'a.b'), 'b\n');
    write(join(repo, 'd', 'a-c'), '');
    write(join(repo, 'd', 'run.sh'), '#!/bin/sh\n');
    chmodSync(join(repo, 'd', 'run.sh'), 0o755);
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    const tree = git(repo, 'write-tree');
    expect(gitObjectId(join(repo, 'd'))).toBe(git(repo, 'rev-parse', `${tree}:d`));
    expect(gitObjectId(join(repo, 'd', 'a'))).toBe(git(repo, 'rev-parse', `${tree}:d/a`));
    expect(gitObjectId(join(repo, 'd', 'a.b'))).toBe(git(repo, 'hash-object', 'd/a.b'));
  });
});

/** An archive laid out like GitHub's: everything under `<repo name>-<commit>/`. */
const COMMIT = 'c0ffee0000000000000000000000000000000001';
function fixtureArchive(): { gz: Buffer; source: UpstreamSource } {
  const dir = join(tmp, 'archive');
  const top = join(dir, `fixture-${COMMIT}`);
  write(join(top, 'LICENSE'), 'Apache License\n');
  write(join(top, 'tests', 'case1', 'pods.yaml'), 'kind: Pod\nmetadata: { name: a }\n');
  write(
    join(top, 'tests', 'out', 'all.txt'),
    'For connections of type TCP, final fw rules for query: q, config: one:\nsrc: 0.0.0.0/0 conn: All connections\n\n' +
      'For connections of type TCP, final fw rules for query: q, config: two:\nsrc_ns: [default] conn: All connections\n\n' +
      'For connections of type non-TCP, final fw rules for query: q, config: two:\nsrc_ns: [x] conn: All connections\n',
  );
  write(join(top, 'src', 'main.go'), 'package main\n');
  const tar = execFileSync('tar', ['-cf', '-', '-C', dir, `fixture-${COMMIT}`]);
  return {
    gz: gzipSync(tar),
    source: {
      name: 'fx',
      repo: 'example/fixture',
      commit: COMMIT,
      tarSha256: createHash('sha256').update(tar).digest('hex'),
      take: [
        { from: 'LICENSE', to: 'LICENSE', id: gitObjectId(join(top, 'LICENSE')) },
        { from: 'tests', to: 'tests', id: gitObjectId(join(top, 'tests')) },
      ],
    },
  };
}

describe('fetching the pinned archives', () => {
  const { gz, source } = fixtureArchive();
  const requests: string[] = [];
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === `/example/fixture/tar.gz/${COMMIT}`) res.end(gz);
      else if (req.url === '/corrupt') res.end(gzipSync(Buffer.from('not the pinned tar')));
      else res.writeHead(404).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  const index = join(tmp, 'index');
  write(
    join(index, 'fx', 'cases.json'),
    JSON.stringify([
      {
        query: 'q',
        configs: ['two'],
        expected: 'fx/tests/out/two.txt',
        expectedFrom: 'fx/tests/out/all.txt',
      },
    ]),
  );
  const options = (dest: string, url: string, s: UpstreamSource = source) => ({
    dest,
    sources: [s],
    indexDir: index,
    urlOf: () => `${base}${url}`,
  });

  it('fills the root with the pinned paths, our cases files and the derived outputs, once', async () => {
    const dest = join(tmp, 'ok', 'conformance');
    await expect(fetchConformance(options(dest, `/example/fixture/tar.gz/${COMMIT}`))).resolves.toBe(
      'fetched',
    );
    expect(readFileSync(join(dest, 'fx', 'tests', 'case1', 'pods.yaml'), 'utf8')).toContain('name: a');
    expect(readFileSync(join(dest, 'fx', 'LICENSE'), 'utf8')).toBe('Apache License\n');
    expect(existsSync(join(dest, 'fx', 'src'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dest, 'fx', 'cases.json'), 'utf8'))[0].query).toBe('q');
    expect(readFileSync(join(dest, 'fx', 'tests', 'out', 'two.txt'), 'utf8')).toBe(
      'For connections of type TCP, final fw rules for query: q, config: two:\nsrc_ns: [default] conn: All connections\n\n' +
        'For connections of type non-TCP, final fw rules for query: q, config: two:\nsrc_ns: [x] conn: All connections\n',
    );
    expect(JSON.parse(readFileSync(join(dest, COMPLETE_MARKER), 'utf8'))).toEqual([
      { repo: source.repo, commit: COMMIT, tarSha256: source.tarSha256 },
    ]);
    const before = requests.length;
    await expect(fetchConformance(options(dest, `/example/fixture/tar.gz/${COMMIT}`))).resolves.toBe(
      'current',
    );
    expect(requests.length).toBe(before);
    // Nothing left beside the root: the staging and download folders are gone.
    expect(readdirSync(dirname(dest))).toEqual(['conformance']);
  });

  it('refuses an archive whose tar is not the pinned one, extracting nothing and keeping the old root', async () => {
    const dest = join(tmp, 'mismatch', 'conformance');
    write(join(dest, 'old.txt'), 'previous data\n');
    const wrong = { ...source, tarSha256: '0'.repeat(64) };
    await expect(fetchConformance(options(dest, `/example/fixture/tar.gz/${COMMIT}`, wrong))).rejects.toThrow(
      new RegExp(`checksum mismatch for example/fixture@${COMMIT}.*sha256 ${source.tarSha256}, pinned 0{64}`),
    );
    await expect(fetchConformance(options(dest, '/corrupt'))).rejects.toThrow(/checksum mismatch/);
    expect(readFileSync(join(dest, 'old.txt'), 'utf8')).toBe('previous data\n');
    expect(existsSync(join(dest, COMPLETE_MARKER))).toBe(false);
    expect(readdirSync(dirname(dest))).toEqual(['conformance']);
  });

  it('refuses a pinned path whose git id differs, and a failed download', async () => {
    const dest = join(tmp, 'tree', 'conformance');
    const otherTree = { ...source, take: [{ from: 'tests', to: 'tests', id: 'f'.repeat(40) }] };
    await expect(
      fetchConformance(options(dest, `/example/fixture/tar.gz/${COMMIT}`, otherTree)),
    ).rejects.toThrow(/tests is [0-9a-f]{40}, pinned f{40}/);
    await expect(fetchConformance(options(dest, '/missing'))).rejects.toThrow(/HTTP 404/);
    expect(existsSync(dest)).toBe(false);
  });
});

describe('cutting an NCA output to the sections of some configs', () => {
  it('refuses a config the output has no section for', () => {
    expect(() =>
      cutToConfigs('For connections of type TCP, final fw rules for query: q, config: a:\nx\n', ['b']),
    ).toThrow(/no section for config b/);
  });
});
