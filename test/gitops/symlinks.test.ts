import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RevisionInput } from '../../src/git/types.js';
import type { K8sObject } from '../../src/manifests/types.js';
import { commitAll, initRepo, writeFiles } from '../git/helpers.js';
import { codes, config, hasKustomize, render, tempDir } from './helpers.js';

const netpol = (name: string): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
spec:
  podSelector: {}
`;

const names = (objects: readonly K8sObject[]): string[] =>
  objects.map((o) => `${o.namespace}/${o.name}`).sort();

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A repository with `files` and `links` (path -> target), as a directory or as a git commit. */
function revision(
  kind: 'directory' | 'git',
  files: Record<string, string>,
  links: Record<string, string>,
): RevisionInput {
  const dir = tempDir(`links-${kind}`);
  cleanups.push(dir.remove);
  if (kind === 'git') initRepo(dir.path);
  writeFiles(dir.path, files);
  for (const [path, target] of Object.entries(links)) symlinkSync(target, join(dir.path, path));
  if (kind === 'directory') return { kind: 'directory', path: dir.path };
  return { kind: 'git', repo: dir.path, rev: commitAll(dir.path, 'links') };
}

/**
 * kustomize on a checkout follows links that stay in the repository (SEMANTICS R3): the rendered
 * objects are those of the targets. Links out of the repository, to nothing or in a loop are
 * never read: the root is not rendered and the error names the link.
 */
describe.skipIf(!hasKustomize)('kustomize roots follow in-repo symlinks as the manifest reader does', () => {
  const shared = { 'shared/np.yaml': netpol('from-shared'), 'overlay/kustomization.yaml': '' };

  it.each(['directory', 'git'] as const)('%s: a linked file is rendered from its target', async (kind) => {
    const input = revision(
      kind,
      { ...shared, 'overlay/kustomization.yaml': 'namespace: prod\nresources: [np.yaml]\n' },
      { 'overlay/np.yaml': '../shared/np.yaml' },
    );
    const out = await render(input);
    expect(codes(out.diagnostics, 'error')).toEqual([]);
    // shared/np.yaml is also read as a plain manifest, where no kustomization covers it.
    expect(names(out.objects)).toEqual(['default/from-shared', 'prod/from-shared']);
  });

  it.each(['directory', 'git'] as const)(
    '%s: a linked directory holding a kustomization is rendered as a base',
    async (kind) => {
      const input = revision(
        kind,
        {
          'common/base/kustomization.yaml': 'resources: [np.yaml]\n',
          'common/base/np.yaml': netpol('from-base'),
          'overlay/kustomization.yaml': 'namespace: prod\nresources: [base]\n',
        },
        { 'overlay/base': '../common/base' },
      );
      const out = await render(input);
      expect(codes(out.diagnostics, 'error')).toEqual([]);
      // common/base is a root of its own too: nothing includes it by that path.
      expect(names(out.objects)).toEqual(['default/from-base', 'prod/from-base']);
    },
  );

  it.each([
    [
      'directory',
      '/etc/hostname',
      'symlink-outside-repository',
      /symbolic link to \/etc\/hostname, out of the repository; never read/,
    ],
    ['git', '/etc/hostname', 'symlink-outside-repository', /out of the repository; never read/],
    ['directory', '../../outside.yaml', 'symlink-outside-repository', /out of the repository/],
    [
      'git',
      'nothing.yaml',
      'kustomize-reference-missing',
      /symbolic link to nothing.yaml, which does not exist/,
    ],
    ['directory', 'np.yaml', 'symlink-loop', /loops/],
  ] as const)('%s: a link to %s is never read (%s)', async (kind, target, code, message) => {
    const input = revision(
      kind,
      { ...shared, 'overlay/kustomization.yaml': 'resources: [np.yaml]\n' },
      {
        'overlay/np.yaml': target,
      },
    );
    const out = await render(input);
    expect(out.result.rendered).toEqual([]);
    const error = out.diagnostics.find((d) => d.code === code);
    expect(error).toMatchObject({
      severity: 'error',
      location: { file: 'overlay/kustomization.yaml', line: 1 },
    });
    expect(error?.message).toMatch(message);
    expect(names(out.objects)).toEqual(['default/from-shared']);
  });

  it('a directory link through which a base leaves the repository is refused, naming the link', async () => {
    const input = revision(
      'git',
      { 'overlay/kustomization.yaml': 'resources: [vendor/base]\n' },
      { 'overlay/vendor': '/tmp' },
    );
    const out = await render(input);
    expect(out.result.rendered).toEqual([]);
    expect(out.diagnostics.find((d) => d.code === 'symlink-outside-repository')?.message).toBe(
      "'vendor/base' (resources) leads through overlay/vendor, which is a symbolic link to /tmp, out of the repository; never read; render root overlay not rendered",
    );
  });
});

describe('helm charts: a link in the chart that is not followed stops the chart', () => {
  const chart = {
    'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\n',
    'charts/api/templates/np.yaml': netpol('api'),
  };
  const helmRoot = { tool: 'helm' as const, path: 'charts/api', values: [], releaseName: 'api' };

  it.each([
    ['directory', '/etc/passwd', 'symlink-outside-repository', 'leaves the repository'],
    ['git', '../../../../outside.yaml', 'symlink-outside-repository', 'leaves the repository'],
    ['git', 'nowhere.yaml', 'symlink-not-followed', 'leads nowhere'],
  ] as const)('%s: templates/x.yaml -> %s (%s)', async (kind, target, code, says) => {
    const input = revision(kind, chart, { 'charts/api/templates/x.yaml': target });
    const out = await render(input, config({ roots: [helmRoot] }), { searchPath: '' });
    const error = out.diagnostics.find((d) => d.code === code);
    expect(error).toMatchObject({ severity: 'error', location: { file: 'charts/api/templates/x.yaml' } });
    expect(error?.message).toContain(says);
    expect(out.result.rendered).toEqual([]);
  });

  it('an in-repo link in the chart is fine (helm would read its target)', async () => {
    const input = revision('git', chart, { 'charts/api/templates/x.yaml': 'np.yaml' });
    const out = await render(input, config({ roots: [helmRoot] }), { searchPath: '' });
    expect(codes(out.diagnostics, 'error')).toEqual(['render-tool-missing']);
  });
});
