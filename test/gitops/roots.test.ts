import { afterEach, describe, expect, it } from 'vitest';
import { commitAll, initRepo, writeFiles } from '../git/helpers.js';
import { codes, config, find, hasKustomize, render, tempDir } from './helpers.js';

const NETPOL =
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec: {podSelector: {}}\n';
const TWO_OVERLAYS = {
  'base/kustomization.yaml': 'resources: [np.yaml]\n',
  'base/np.yaml': NETPOL,
  'prod/kustomization.yaml': 'namespace: prod\nresources: [../base]\n',
  'dev/kustomization.yaml': 'namespace: dev\nresources: [../base]\n',
};

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function repoWith(files: Record<string, string>): string {
  const dir = tempDir('roots');
  cleanups.push(dir.remove);
  writeFiles(dir.path, files);
  return dir.path;
}

describe.skipIf(!hasKustomize)('which roots are rendered', () => {
  it('with render.discover false, only listed roots; the others are neither rendered nor read raw', async () => {
    const path = repoWith(TWO_OVERLAYS);
    const cfg = config({ discover: false, roots: [{ tool: 'kustomize', path: 'prod', enableHelm: false }] });
    const out = await render({ kind: 'directory', path }, cfg);
    expect(out.result.rendered.map((r) => r.root)).toEqual(['prod']);
    expect(out.objects.map((o) => o.namespace)).toEqual(['prod']);
    const note = out.diagnostics.find((d) => d.code === 'kustomization-not-rendered');
    expect(note).toMatchObject({ severity: 'note', location: { file: 'dev/kustomization.yaml' } });
  });

  it('listed roots add to discovered ones; a listed root another includes is rendered too', async () => {
    const path = repoWith(TWO_OVERLAYS);
    const cfg = config({ roots: [{ tool: 'kustomize', path: 'base', enableHelm: false }] });
    const out = await render({ kind: 'directory', path }, cfg);
    expect(out.result.rendered.map((r) => r.root)).toEqual(['base', 'dev', 'prod']);
  });

  it('a listed root missing from this revision is a warning', async () => {
    const path = repoWith({ 'plain/np.yaml': NETPOL });
    const cfg = config({ roots: [{ tool: 'kustomize', path: 'overlays/prod', enableHelm: false }] });
    const out = await render({ kind: 'directory', path }, cfg);
    expect(out.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'render-root-missing']]);
    expect(out.objects).toHaveLength(1);
  });

  it('an exclude glob matching a kustomization turns its discovery off: read raw, as before', async () => {
    const path = repoWith(TWO_OVERLAYS);
    const out = await render({ kind: 'directory', path }, config({}, { exclude: ['**/kustomization.yaml'] }));
    expect(out.result.rendered).toEqual([]);
    expect(out.result.files.map((f) => f.path)).toEqual(['base/np.yaml']);
  });

  it('a Component no kustomization includes is not rendered alone', async () => {
    const path = repoWith({
      'comp/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [np.yaml]\n',
      'comp/np.yaml': NETPOL,
    });
    const out = await render({ kind: 'directory', path });
    expect(codes(out.diagnostics)).toEqual(['component-not-rendered']);
    expect(out.objects).toEqual([]);
  });

  it('a kustomization at the repository root renders the repository; components are followed', async () => {
    const path = repoWith({
      'kustomization.yaml': 'namespace: all\nresources: [apps/np.yaml]\ncomponents: [comp]\n',
      'apps/np.yaml': NETPOL,
      'comp/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels: [{pairs: {c: "1"}}]\n',
    });
    const out = await render({ kind: 'directory', path });
    expect(codes(out.diagnostics, 'error')).toEqual([]);
    expect(find(out.objects, 'NetworkPolicy', 'all', 'deny').labels).toEqual({ c: '1' });
  });
});

describe.skipIf(!hasKustomize)('a git revision is rendered from its own objects', () => {
  it('materialises non-YAML inputs (a generator .env file) and locates generated objects at the kustomization', async () => {
    const repo = tempDir('git-env');
    cleanups.push(repo.remove);
    initRepo(repo.path);
    writeFiles(repo.path, {
      'app/kustomization.yaml':
        'namespace: app\nconfigMapGenerator:\n  - name: settings\n    envs: [app.env]\n',
      'app/app.env': 'MODE=one\n',
    });
    const first = commitAll(repo.path, 'one');
    // The working tree differs from the commit: only git objects are read.
    writeFiles(repo.path, {
      'app/app.env': 'MODE=two\n',
      'app/kustomization.yaml': 'resources: [missing.yaml]\n',
    });
    const out = await render({ kind: 'git', repo: repo.path, rev: first });
    expect(codes(out.diagnostics, 'error')).toEqual([]);
    const map = out.objects.find((o) => o.kind === 'ConfigMap');
    expect(map?.body.data).toEqual({ MODE: 'one' });
    expect(map?.location).toMatchObject({ revision: first, file: 'app/kustomization.yaml', line: 1 });
  });
});
