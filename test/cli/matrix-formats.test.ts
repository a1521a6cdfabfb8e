import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** Three Deployments and no policy: one class, every pair open with the same verdict. */
const APPS = ['web', 'api', 'db']
  .map(
    (name) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: prod }
spec:
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: ${name}, image: x }] }
`,
  )
  .join('---\n');

const ids = ['prod/api[Deployment]', 'prod/db[Deployment]', 'prod/web[Deployment]'];

describe('policy-diff matrix: grouped and per-pair JSON', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'policy-diff-matrix-'));
    writeFileSync(join(dir, 'apps.yaml'), APPS);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--format json lists each class pair once, with its members', async () => {
    const r = await runCli(['matrix', dir, '--format', 'json'], dir);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      groups: { sources: string[]; destinations: string[]; pairs: number }[];
    };
    // The six pairs between the three are one group; the outside world's range (no egress side) another.
    expect(doc.groups.map(({ sources, destinations, pairs }) => ({ sources, destinations, pairs }))).toEqual([
      { sources: ids, destinations: ids, pairs: 6 },
      { sources: ['0.0.0.0-255.255.255.255[External]'], destinations: ids, pairs: 3 },
      { sources: ids, destinations: ['0.0.0.0-255.255.255.255[External]'], pairs: 3 },
    ]);
  });

  it('--format ndjson writes a header and one line per group to -o FILE', async () => {
    const out = join(dir, 'matrix.ndjson');
    const r = await runCli(['matrix', dir, '--format', 'ndjson', '-o', out], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string });
    expect(lines[0]).toEqual({ kind: 'matrix', revision: dir, layer: 'effective' });
    const json = JSON.parse((await runCli(['matrix', dir, '--format', 'json'], dir)).stdout) as {
      groups: object[];
    };
    expect(lines.slice(1)).toEqual(json.groups.map((g) => ({ kind: 'group', ...g })));
  });

  it('--format json-pairs keeps one cell per pair', async () => {
    const r = await runCli(['matrix', dir, '--format', 'json-pairs'], dir);
    expect(r.code).toBe(0);
    const { cells } = JSON.parse(r.stdout) as { cells: { source: string; destination: string }[] };
    const inside = cells.filter((c) => ids.includes(c.source) && ids.includes(c.destination));
    expect(inside.map((c) => `${c.source}>${c.destination}`)).toHaveLength(6);
  });

  it('an output file that cannot be written is a usage error', async () => {
    const r = await runCli(
      ['matrix', dir, '--format', 'ndjson', '-o', join(dir, 'no', 'such', 'dir.json')],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write the output file .*ENOENT/);
  });
});
