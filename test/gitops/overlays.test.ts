import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codes,
  config,
  copyFixture,
  find,
  hasKustomize,
  listRecursive,
  type Rendered,
  render,
  tempDir,
} from './helpers.js';

describe.skipIf(!hasKustomize)('kustomize overlays rendered from a directory', () => {
  const repo = tempDir('overlays');
  const temp = tempDir('render-tmp');
  let out: Rendered;
  let before: string[];

  beforeAll(async () => {
    copyFixture('basic', repo.path);
    before = listRecursive(repo.path);
    out = await render({ kind: 'directory', path: repo.path }, config(), { tempRoot: temp.path });
  });
  afterAll(() => {
    repo.remove();
    temp.remove();
  });

  it('renders each overlay once; the base is included, not a root', () => {
    expect(out.result.rendered.map((r) => [r.root, r.tool])).toEqual([
      ['overlays/dev', 'kustomize'],
      ['overlays/prod', 'kustomize'],
    ]);
    expect(codes(out.diagnostics, 'error')).toEqual([]);
  });

  it('reads only files outside every kustomization as plain manifests', () => {
    expect(out.result.files.map((f) => f.path)).toEqual(['plain/namespaces.yaml']);
  });

  it("applies each overlay's namespace, labels and name prefix", () => {
    const prodWeb = find(out.objects, 'Deployment', 'prod', 'web');
    expect(prodWeb.labels).toEqual({ app: 'web', env: 'prod' });
    const devWeb = find(out.objects, 'Deployment', 'dev', 'dev-web');
    expect(devWeb.labels).toEqual({ app: 'web', env: 'dev' });
    expect(find(out.objects, 'NetworkPolicy', 'dev', 'dev-web-ingress')).toBeDefined();
  });

  it('applies the prod patch to the NetworkPolicy, and only in prod', () => {
    const from = (ns: string, name: string) =>
      (find(out.objects, 'NetworkPolicy', ns, name).body.spec as { ingress: { from: unknown[] }[] })
        .ingress[0]?.from;
    expect(from('prod', 'web-ingress')).toEqual([{ podSelector: { matchLabels: { app: 'batch' } } }]);
    expect(from('dev', 'dev-web-ingress')).toEqual([
      { podSelector: { matchLabels: { app: 'client', env: 'dev' } } },
    ]);
  });

  it('strips the build-metadata annotations it asked kustomize for', () => {
    for (const obj of out.objects) expect(Object.keys(obj.annotations)).toEqual([]);
    for (const r of out.result.rendered) expect(r.file.text).not.toContain('config.kubernetes.io');
  });

  it('locates objects at their line in the base file', () => {
    const web = find(out.objects, 'Deployment', 'prod', 'web');
    expect(web.location).toEqual({ revision: repo.path, file: 'base/workloads.yaml', line: 1, column: 1 });
    const client = find(out.objects, 'Deployment', 'dev', 'dev-client');
    expect(client.location).toMatchObject({ file: 'base/workloads.yaml', line: 22 });
  });

  it('locates a patched rule in the patch, an unpatched one in the base', () => {
    const prod = find(out.objects, 'NetworkPolicy', 'prod', 'web-ingress');
    expect(prod.location).toMatchObject({ file: 'base/netpol.yaml', line: 2 });
    expect(prod.locate(['spec', 'ingress', 0])).toMatchObject({
      file: 'overlays/prod/netpol-patch.yaml',
      line: 8,
    });
    expect(prod.locate(['spec', 'podSelector'])).toMatchObject({ file: 'base/netpol.yaml', line: 7 });
    const dev = find(out.objects, 'NetworkPolicy', 'dev', 'dev-web-ingress');
    expect(dev.locate(['spec', 'ingress', 0])).toMatchObject({ file: 'base/netpol.yaml', line: 12 });
  });

  it("never writes into the user's directory and removes its temporary directory", () => {
    expect(listRecursive(repo.path)).toEqual(before);
    expect(listRecursive(temp.path)).toEqual([]);
  });
});
