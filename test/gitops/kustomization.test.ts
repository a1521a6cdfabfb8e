import { describe, expect, it } from 'vitest';
import { RepoIndex, resolveRef } from '../../src/gitops/graph.js';
import { parseKustomization } from '../../src/gitops/kustomization.js';
import { pluginReason } from '../../src/gitops/plugins.js';

describe('parseKustomization: every path kustomize would read', () => {
  const text = `resources: [a.yaml, ../base]
components: [../comp]
crds: [crd.json]
patches:
  - path: p.yaml
    target: {kind: Deployment, name: web}
  - patch: |-
      - op: remove
patchesStrategicMerge: [smp.yaml]
patchesJson6902: [{path: j.yaml}]
replacements: [{path: r.yaml}]
openapi: {path: schema.json}
configMapGenerator:
  - name: c
    files: [key=conf/app.properties, plain.txt]
    envs: [app.env]
secretGenerator: [{name: s, env: s.env}]
transformers: [t.yaml]
helmCharts: [{name: x, valuesFile: v.yaml}]
helmGlobals: {chartHome: charts}
`;
  const k = parseKustomization('overlays/prod/kustomization.yaml', text);

  it('collects references with their role and line', () => {
    expect(k.dir).toBe('overlays/prod');
    expect(k.refs.map((r) => `${r.role} ${r.value}:${r.line}`)).toEqual([
      'include a.yaml:1',
      'include ../base:1',
      'include ../comp:2',
      'file crd.json:3',
      'plugin t.yaml:18',
      'file p.yaml:5',
      'file smp.yaml:9',
      'file j.yaml:10',
      'file r.yaml:11',
      'file schema.json:12',
      'file conf/app.properties:15',
      'file plain.txt:15',
      'file app.env:16',
      'file s.env:17',
      'file v.yaml:19',
      'path charts:20',
    ]);
    // In kustomize's order: patchesStrategicMerge, patches, patchesJson6902; inline text placed.
    expect(k.patches).toEqual([
      { transformer: 'PatchStrategicMergeTransformer', value: 'smp.yaml' },
      { transformer: 'PatchTransformer', value: 'p.yaml', targetKind: 'Deployment', targetName: 'web' },
      { transformer: 'PatchTransformer', inline: { text: '- op: remove', line: 8, exact: true } },
      { transformer: 'PatchJson6902Transformer', value: 'j.yaml' },
    ]);
  });

  it('reports invalid YAML at its line', () => {
    expect(parseKustomization('k/kustomization.yaml', 'a: [\n').error?.line).toBe(2);
  });
});

describe('resolveRef', () => {
  const index = new RepoIndex(
    new Map(
      ['app.v2/base/kustomization.yaml', 'app.v2/base/np.yaml', 'app/kustomization.yaml'].map((p) => [
        p,
        { path: p, size: 1 },
      ]),
    ),
  );
  const ref = (value: string) =>
    resolveRef(index, 'app', { role: 'include', field: 'resources', value, line: 1 });

  it('a local directory that looks like a host is local', () => {
    expect(ref('../app.v2/base')).toEqual({ kind: 'dir', path: 'app.v2/base' });
  });

  it.each([
    ['github.com/org/repo//dir', 'remote-base-refused'],
    ['https://github.com/org/repo', 'remote-base-refused'],
    ['ssh://git@github.com/org/repo', 'remote-base-refused'],
    ['git::https://example.com/r.git', 'remote-base-refused'],
    ['../base?ref=main', 'remote-base-refused'],
    ['nothing-here', 'kustomize-reference-missing'],
    ['../app.v2', 'kustomize-reference-missing'],
    ['../../x', 'render-path-refused'],
    ['/abs', 'render-path-refused'],
  ])('%s is refused as %s', (value, code) => {
    expect(ref(value)).toMatchObject({ kind: 'refused', code });
  });
});

describe('pluginReason', () => {
  it('accepts builtins only', () => {
    expect(pluginReason('apiVersion: builtin\nkind: LabelTransformer\n')).toBeUndefined();
    expect(pluginReason('apiVersion: example.com/v1\nkind: X\n')).toBe('plugin example.com/v1 X');
    expect(
      pluginReason(
        'apiVersion: builtin\nkind: X\nmetadata:\n  annotations:\n    config.kubernetes.io/function: "container: {image: x}"\n',
      ),
    ).toBe('KRM function (config.kubernetes.io/function) in X');
  });
});
