import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseSourceFile } from '../../src/manifests/parse.js';
import { parseFiles, warmParseWorkers, workerCounts } from '../../src/manifests/parse-pool.js';
import type { ObjectPath, SourceFile } from '../../src/manifests/types.js';

// Workers start from a built bundle (its entry serves them); CI checks dist/ is built from src/.
const CLI = new URL('../../dist/cli/index.js', import.meta.url);
const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

function yamlFiles(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name))
        out.push({ path: relative(FIXTURES, p), text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

const PATHS: ObjectPath[] = [
  [],
  ['metadata', 'name'],
  ['spec'],
  ['spec', 'ingress', 0],
  ['spec', 'rules', 0, 'from'],
];

/** Everything a consumer sees of a parse, `locate` answers included. */
function visible(parsed: ReturnType<typeof parseSourceFile>[]) {
  return parsed.map((p) => ({
    aliased: p.aliased,
    diagnostics: p.diagnostics,
    objects: p.objects.map(({ locate, ...rest }) => ({
      ...rest,
      located: PATHS.map((path) => locate(path)),
    })),
  }));
}

describe('parsing on worker threads', () => {
  it('gives what parsing in this thread gives, file by file, in order', async () => {
    const files = [
      ...yamlFiles(FIXTURES),
      { path: 'broken.yaml', text: 'kind: [\n' },
      {
        path: 'aliases.yaml',
        text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a}\ndata: {x: *m}\n',
      },
      {
        // YAML 1.1 as kubectl reads it: octal, booleans, !!binary, merge keys located in the anchor
        path: 'yaml11.yaml',
        text: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nx: &base\n  podSelector: {matchLabels: {app: !!binary YXBp}}\nspec:\n  <<: *base\n  ingress:\n  - ports: [{port: 05432}, {port: 0x10}]\n    from: [{podSelector: {matchLabels: {on: yes}}}]\n',
      },
    ];
    expect(files.length).toBeGreaterThan(20);
    const parallel = await parseFiles(files, 'head', { entry: CLI, threads: 3 });
    const sequential = files.map((f) => parseSourceFile(f, 'head'));
    expect(visible(parallel)).toEqual(visible(sequential));
    expect(parallel.flatMap((p) => p.diagnostics).filter((d) => d.code === 'parse-worker-failed')).toEqual(
      [],
    );
  });

  it('keeps none of the files once they are parsed (their texts are most of what a run reads)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const refs: WeakRef<SourceFile>[] = [];
    const parsed = await (async () => {
      const files = yamlFiles(FIXTURES).map((f) => ({ ...f }));
      for (const f of files) refs.push(new WeakRef(f));
      // Started ahead, as the pipeline does: such a worker stayed reachable after its thread ended.
      warmParseWorkers({ entry: CLI, threads: 2 }, 10_000_000, files.length, 'head');
      return parseFiles(files, 'head', { entry: CLI, threads: 2 });
    })();
    expect(parsed).toHaveLength(refs.length);
    // At once, as the pipeline goes on (synchronously) to model and diff: a terminated worker's
    // exit event, and the release of what its handlers hold, waits for the event loop.
    gc();
    expect(refs.filter((r) => r.deref() !== undefined).map((r) => r.deref()!.path)).toEqual([]);
  });

  it('the Action bundle serves parse workers too', async () => {
    const files = yamlFiles(join(FIXTURES, 'demo', 'head'));
    const entry = new URL('../../dist/action/index.js', import.meta.url);
    const parsed = await parseFiles(files, 'head', { entry, threads: 2 });
    expect(parsed.flatMap((p) => p.diagnostics).filter((d) => d.code === 'parse-worker-failed')).toEqual([]);
    expect(visible(parsed)).toEqual(visible(files.map((f) => parseSourceFile(f, 'head'))));
  });

  it('parses in this thread when the worker cannot start, and says so', async () => {
    const files = yamlFiles(join(FIXTURES, 'demo', 'head'));
    const entry = new URL('file:///nonexistent/policy-diff.js');
    const parsed = await parseFiles(files, 'head', { entry, threads: 2 });
    const notes = parsed.flatMap((p) => p.diagnostics).filter((d) => d.code === 'parse-worker-failed');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message).toMatch(/files were parsed in the main thread/);
    const withoutNote = parsed.map((p) => ({
      ...p,
      diagnostics: p.diagnostics.filter((d) => d !== notes[0]),
    }));
    expect(visible(withoutNote)).toEqual(visible(files.map((f) => parseSourceFile(f, 'head'))));
  });

  it('workers started ahead (warmParseWorkers) are the ones used, and give what this thread gives', async () => {
    const files = yamlFiles(FIXTURES);
    const parallel = { entry: CLI, threads: 3 };
    warmParseWorkers(parallel, 10_000_000, files.length, 'head');
    warmParseWorkers(parallel, 10_000_000, files.length, 'head');
    // Asked twice (by base and head), started once: threads - 1 idle workers.
    expect(workerCounts(CLI).idle).toBe(2);
    const late = workerCounts(CLI).startedLate;
    const parsed = await parseFiles(files, 'head', parallel);
    // Both were taken: none left idle, none started late.
    expect(workerCounts(CLI)).toEqual({ idle: 0, startedLate: late });
    expect(parsed.flatMap((p) => p.diagnostics).filter((d) => d.code === 'parse-worker-failed')).toEqual([]);
    expect(visible(parsed)).toEqual(visible(files.map((f) => parseSourceFile(f, 'head'))));
  });

  it('a warm worker that cannot start costs nothing: its chunks go elsewhere', async () => {
    const files = yamlFiles(join(FIXTURES, 'demo', 'head'));
    const entry = new URL('file:///nonexistent/policy-diff-warm.js');
    warmParseWorkers({ entry, threads: 2 }, 10_000_000, files.length, 'head');
    const parsed = await parseFiles(files, 'head', { entry, threads: 2 });
    const withoutNotes = parsed.map((p) => ({
      ...p,
      diagnostics: p.diagnostics.filter((d) => d.code !== 'parse-worker-failed'),
    }));
    expect(visible(withoutNotes)).toEqual(visible(files.map((f) => parseSourceFile(f, 'head'))));
  });

  it('the CLI prints the same report on one thread and on several', () => {
    const run = (threads: string) =>
      spawnSync(
        process.execPath,
        [
          CLI.pathname,
          'diff',
          'fixtures/demo/base',
          'fixtures/demo/head',
          '--format',
          'json',
          '--fail-on',
          'none',
        ],
        {
          cwd: new URL('../..', import.meta.url).pathname,
          env: { ...process.env, POLICY_DIFF_THREADS: threads },
          encoding: 'utf8',
        },
      );
    const one = run('1');
    const three = run('3');
    expect(one.status).toBe(0);
    expect(three.stdout).toBe(one.stdout);
    expect(one.stdout.length).toBeGreaterThan(1000);
  });
});
