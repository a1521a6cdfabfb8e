import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDiff } from '../../src/run.js';
import { commitAll, initRepo, writeFiles } from '../git/helpers.js';
import { config, hasKustomize, render, tempDir } from './helpers.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function dir(prefix: string): string {
  const d = tempDir(prefix);
  cleanups.push(d.remove);
  return d.path;
}

const netpol = (name: string, app: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: ${app}
  ingress:
    - from:
        - podSelector: {}
`;

/** A `kustomize` that counts its runs in `log`, then is kubectl's. */
function countingKustomize(log: string): string {
  const bin = dir('bin');
  writeFiles(bin, { kustomize: `#!/bin/sh\necho run >> '${log}'\nshift\nexec kubectl kustomize "$@"\n` });
  chmodSync(join(bin, 'kustomize'), 0o755);
  return `${bin}:/usr/bin:/bin`;
}

/** kustomize fails on it (no object to patch), which nothing before the render sees. */
const staging = (name: string) =>
  `resources:\n  - ../../base\npatches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: ${name}\n        namespace: shop\n`;

const runs = (log: string): number => {
  try {
    return readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

describe.skipIf(!hasKustomize)('a render root whose input is unchanged', () => {
  it('is rendered once for two revisions with the same files, again when a file it reads changes', async () => {
    const log = join(dir('log'), 'runs');
    const searchPath = countingKustomize(log);
    const files = {
      'app/kustomization.yaml': 'resources:\n  - np.yaml\n',
      'app/np.yaml': netpol('np', 'web'),
      'plain.yaml': netpol('plain', 'db'),
    };
    const base = dir('base');
    const head = dir('head');
    writeFiles(base, files);
    // Head changes a file no root reads: the root's render is the base's.
    writeFiles(head, { ...files, 'plain.yaml': netpol('plain', 'other') });
    const one = await render({ kind: 'directory', path: base }, config(), { searchPath });
    const two = await render({ kind: 'directory', path: head }, config(), { searchPath });
    expect(runs(log)).toBe(1);
    expect(two.result.rendered[0]?.file).toBe(one.result.rendered[0]?.file);
    const np = two.objects.find((o) => o.name === 'np');
    expect(np?.location).toMatchObject({ file: 'app/np.yaml', line: 1 });
    // The root reads app/np.yaml: a change there renders again.
    writeFiles(head, { 'app/np.yaml': netpol('np', 'api') });
    const three = await render({ kind: 'directory', path: head }, config(), { searchPath });
    expect(runs(log)).toBe(2);
    expect(three.objects.find((o) => o.name === 'np')?.body).toMatchObject({
      spec: { podSelector: { matchLabels: { app: 'api' } } },
    });
  });

  it('fails on both sides without failing the pull request; a failing root the PR changed still fails it', async () => {
    const repo = dir('fail-both');
    initRepo(repo);
    const deployment = (name: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n        - name: c\n          image: x\n`;
    writeFiles(repo, {
      'base/kustomization.yaml': 'resources:\n  - apps.yaml\n',
      'base/apps.yaml': `${deployment('web')}---\n${deployment('client')}`,
      'clusters/prod/kustomization.yaml': 'resources:\n  - ../../base\n',
      // Two alternatives over one base: each is a target. Staging patches what is not there.
      'clusters/staging/kustomization.yaml': staging('nothere'),
    });
    const before = commitAll(repo, 'two clusters, staging broken');
    writeFiles(repo, {
      'clusters/prod/kustomization.yaml': 'resources:\n  - ../../base\n  - deny.yaml\n',
      'clusters/prod/deny.yaml': netpol('deny-web', 'web').replace(
        / {2}ingress:\n.*\n.*\n/s,
        '  policyTypes: [Ingress]\n',
      ),
    });
    const after = commitAll(repo, 'prod: web isolated');
    const { report } = await runDiff({ repo, base: before, head: after, layer: 'l4' });
    const failed = report.diagnostics.filter(
      (d) => d.location?.file === 'clusters/staging/kustomization.yaml',
    );
    expect(failed.map((d) => d.code)).toEqual(['render-failed', 'render-failed']);
    expect(failed.every((d) => d.severity === 'warning')).toBe(true);
    expect(failed[0]?.message).toContain('The same objects are in base and head');
    expect(report.incomplete).toBe(false);
    expect(report.summary.closed).toBeGreaterThan(0);
    // The PR now edits staging too, still broken: its failure is this PR's.
    writeFiles(repo, {
      'clusters/staging/kustomization.yaml': staging('nothere-either'),
    });
    const broken = commitAll(repo, 'staging: another patch without a target');
    const again = await runDiff({ repo, base: before, head: broken, layer: 'l4' });
    expect(again.report.incomplete).toBe(true);
    expect(
      again.report.diagnostics.some(
        (d) => d.severity === 'error' && d.location?.file === 'clusters/staging/kustomization.yaml',
      ),
    ).toBe(true);
  });
});
