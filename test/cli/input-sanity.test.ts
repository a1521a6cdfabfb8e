import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

/**
 * A check that looked at nothing must not pass: an include glob that matches no file, or a
 * revision without a single Kubernetes object, is a configuration error (exit 2).
 */
describe('policy-diff refuses input that cannot be what was meant', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'policy-diff-sanity-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const manifests = join(PROJECT_ROOT, 'fixtures/incomplete/base');
  const dir = (name: string, files: Record<string, string>) => {
    const path = join(tmp, name);
    mkdirSync(path, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(path, file), text);
    return path;
  };
  // YAML, but no Kubernetes object: a CI pipeline, skipped as a note.
  const noObjects = dir('no-objects', { 'pipeline.yaml': 'stages: [build, test]\nbuild:\n  script: make\n' });
  const broken = dir('broken', { 'policy.yaml': 'kind: NetworkPolicy\nmetadata: {name: x\n' });
  const allowEmpty = join(dir('config', {}), 'allow-empty.yaml');
  writeFileSync(allowEmpty, 'allowEmptyRevision: true\n');

  const run = (argv: string[]) => runCli([...argv, '--repo', PROJECT_ROOT], PROJECT_ROOT);

  it('an include glob that matches no file on either side is exit 2 naming it', async () => {
    const r = await run(['diff', manifests, manifests, '--include', 'apps/**', '--include', 'polices/**']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`include 'polices/**' matches no file in ${manifests} or ${manifests}`);
    expect(r.stdout).toBe('');
  });

  it('include globs that each match a file are fine', async () => {
    const r = await run([
      'diff',
      manifests,
      manifests,
      '--include',
      'apps/**',
      '--include',
      'policies/*.yaml',
    ]);
    expect([r.code, r.stderr]).toEqual([0, '']);
  });

  it('a revision without Kubernetes objects is exit 2, on either side and in matrix', async () => {
    for (const argv of [
      ['diff', noObjects, manifests],
      ['diff', manifests, noObjects],
      ['matrix', noObjects],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`'${noObjects}' has no Kubernetes objects in the files matching include`);
    }
    const both = await run(['diff', noObjects, noObjects]);
    expect(both.stderr).toContain(`'${noObjects}' and '${noObjects}' have no Kubernetes objects`);
  });

  it('allowEmptyRevision: true lets a side be empty (a first pull request adding the manifests)', async () => {
    const r = await run(['diff', noObjects, manifests, '--config', allowEmpty]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('workloads +4 -0');
  });

  it('a side empty because its files could not be read is incomplete (exit 3), not a config error', async () => {
    const r = await run(['diff', broken, manifests]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('ANALYSIS INCOMPLETE');
  });
});
