import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { REACH_ALL, reachOf } from '../../src/core/diagnostics.js';
import { writeFiles } from '../git/helpers.js';
import { codes, config, hasKustomize, render, tempDir } from './helpers.js';

const netpol = (name: string): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
spec:
  podSelector: {}
`;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function repoWith(files: Record<string, string>): string {
  const dir = tempDir('remote');
  cleanups.push(dir.remove);
  writeFiles(dir.path, files);
  return dir.path;
}

describe('render.remote in .policy-diff.yaml', () => {
  it.each([
    ['', 'fail'],
    ['render: {remote: fail}\n', 'fail'],
    ['render: {remote: skip}\n', 'skip'],
  ])('%j reads as %s', (text, remote) => {
    expect(parseConfig(`include: ["**/*.yaml"]\n${text}`, '.policy-diff.yaml').render.remote).toBe(remote);
  });

  it('anything else is a configuration error', () => {
    expect(() => parseConfig('render: {remote: maybe}\n', '.policy-diff.yaml')).toThrow(/fail|skip/);
  });
});

/**
 * `render.remote: skip` renders the root without its remote entries (issue 18 item 3) and lists
 * each one: never fetched, never silently complete (every change uncertain).
 */
describe.skipIf(!hasKustomize)('render.remote: skip', () => {
  const skip = config({ remote: 'skip' });

  it.each([
    ['a block list', 'resources:\n  - np.yaml\n  - https://example.com/x.yaml\n', 3],
    ['a flow list', 'resources: [np.yaml, "github.com/org/repo//deploy?ref=v1"]\n', 1],
    ['bases', 'resources: [np.yaml]\nbases:\n  - git@github.com:org/repo.git\n', 3],
  ])('in %s: rendered without it, a warning at its line with every change uncertain', async (_, k, line) => {
    const path = repoWith({
      'app/kustomization.yaml': `namespace: prod\n${k}`,
      'app/np.yaml': netpol('local'),
    });
    const out = await render({ kind: 'directory', path }, skip, { searchPath: process.env.PATH ?? '' });
    expect(out.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
    expect(out.objects.map((o) => `${o.namespace}/${o.name}`)).toEqual(['prod/local']);
    // The objects keep their lines in the kustomization: the rewrite changed no line.
    const skipped = out.diagnostics.filter((d) => d.code === 'remote-resource-skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({
      severity: 'warning',
      location: { file: 'app/kustomization.yaml', line: line + 1 },
    });
    expect(reachOf(skipped[0]!)).toEqual(REACH_ALL);
  });

  it('a remote entry of an included base is left out once, whichever roots include it', async () => {
    const path = repoWith({
      'base/kustomization.yaml': 'resources: [np.yaml, https://example.com/x.yaml]\n',
      'base/np.yaml': netpol('base'),
      'prod/kustomization.yaml': 'namespace: prod\nresources: [../base]\n',
      'staging/kustomization.yaml': 'namespace: staging\nresources: [../base]\n',
    });
    const out = await render({ kind: 'directory', path }, skip);
    expect(codes(out.diagnostics, 'error')).toEqual([]);
    expect(out.objects.map((o) => `${o.namespace}/${o.name}`).sort()).toEqual(['prod/base', 'staging/base']);
    expect(codes(out.diagnostics, 'warning').filter((c) => c === 'remote-resource-skipped')).toHaveLength(1);
  });

  it('the default (fail) still refuses the root', async () => {
    const path = repoWith({
      'app/kustomization.yaml': 'resources: [np.yaml, https://example.com/x.yaml]\n',
      'app/np.yaml': netpol('local'),
    });
    const out = await render({ kind: 'directory', path });
    expect(codes(out.diagnostics, 'error')).toEqual(['remote-base-refused']);
    expect(out.result.rendered).toEqual([]);
  });

  it('an entry it cannot rewrite in place (through an alias) keeps the root refused', async () => {
    const path = repoWith({
      'app/kustomization.yaml': 'resources: [np.yaml, &r https://example.com/x.yaml]\ncomponents: [*r]\n',
      'app/np.yaml': netpol('local'),
    });
    const out = await render({ kind: 'directory', path }, skip);
    // Both entries name the remote address: both are refused, and nothing is handed to kustomize.
    expect(codes(out.diagnostics, 'error')).toEqual(['remote-base-refused', 'remote-base-refused']);
    expect(out.result.rendered).toEqual([]);
  });
});
