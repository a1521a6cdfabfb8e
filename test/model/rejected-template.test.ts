import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { parseSourceFile } from '../../src/manifests/parse.js';
import { buildModel } from '../../src/model/build.js';
import { objectsFromYaml } from '../helpers/yaml.js';

const build = (yaml: string) => buildModel(objectsFromYaml(yaml), DEFAULT_CONFIG, 'main');

describe('what the API server rejects in a workload takes no effect', () => {
  it.each([
    // kubectl: json: cannot unmarshal array into Go struct field ObjectMeta.spec.template.metadata.labels of type map[string]string
    ['labels', 'labels: [app=web]'],
    ['annotations', 'annotations: [sidecar.istio.io/inject=false]'],
  ])('pod-template %s given as a list: error reaching its namespace, workload dropped', (field, line) => {
    const { model, diagnostics } = build(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      ${line}
    spec: {containers: [{name: app}]}
`);
    expect(model.workloads).toEqual([]);
    expect(diagnostics.filter((d) => d.severity === 'error')).toMatchObject([
      {
        code: 'invalid-template',
        message: `pod template ${field} of Deployment shop/web is not a map`,
        reach: { kind: 'namespaces', namespaces: ['shop'] },
      },
    ]);
  });

  it.each([
    ['a pod-template label', '  template:\n    metadata: {labels: {app: web, version: 1}}\n'],
    ['an annotation of the object', '  template:\n    metadata: {labels: {app: web}}\n'],
  ])('%s kubectl sends as a number: the workload has no pods', (what, template) => {
    const metadata = what.includes('object')
      ? 'metadata: {name: web, namespace: shop, annotations: {replicas: 3}}'
      : 'metadata: {name: web, namespace: shop}';
    const text = `apiVersion: apps/v1\nkind: Deployment\n${metadata}\nspec:\n${template}    spec: {containers: [{name: app}]}\n`;
    const parsed = parseSourceFile({ path: 'a.yaml', text }, 'main');
    expect(parsed.diagnostics.map((d) => `${d.severity}:${d.code}`)).toEqual(['error:non-string-label']);
    const { model } = buildModel(parsed.objects, DEFAULT_CONFIG, 'main');
    expect(model.workloads).toEqual([]);
  });
});
