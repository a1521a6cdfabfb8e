import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { parseSourceFile } from '../../src/manifests/parse.js';
import { objectsFromYaml } from '../helpers/yaml.js';

const parse = (text: string, path = 'deploy/app.yaml') => parseSourceFile({ path, text }, 'main');
const codes = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.severity}:${d.code}`);
const ids = (text: string, path?: string) =>
  parse(text, path).objects.map((o) => `${o.kind}/${o.declaredNamespace ?? '-'}/${o.name}`);

describe('parseSourceFile: documents and lists', () => {
  it.each([
    [
      'multi-document YAML',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: a}\n',
      ['Namespace/-/a', 'Service/a/s'],
    ],
    [
      'JSON object',
      '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "x"}}',
      ['Pod/x/p'],
    ],
    [
      'List with typed items',
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d}\n',
      ['Service/-/s', 'Deployment/-/d'],
    ],
    [
      'PodList items without kind',
      'apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: p1}\n- metadata: {name: p2, namespace: ns}\n',
      ['Pod/-/p1', 'Pod/ns/p2'],
    ],
    [
      'NamespaceList in JSON',
      '{"kind":"NamespaceList","apiVersion":"v1","items":[{"metadata":{"name":"demo"}}]}',
      ['Namespace/-/demo'],
    ],
    [
      'DeploymentList',
      'apiVersion: apps/v1\nkind: DeploymentList\nitems:\n- metadata: {name: d}\n',
      ['Deployment/-/d'],
    ],
    [
      'unknown kinds are kept',
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n',
      ['Widget/-/w'],
    ],
  ])('%s', (_name, text, expected) => {
    const parsed = parse(text);
    expect(parsed.diagnostics.filter((d) => d.severity !== 'note')).toEqual([]);
    expect(ids(text)).toEqual(expected);
  });

  it('gives list items their kind, apiVersion and own location', () => {
    const [p1, p2] = objectsFromYaml(
      'kind: PodList\napiVersion: v1\nitems:\n- metadata:\n    name: p1\n- metadata:\n    name: p2\n',
    );
    expect(p1?.body).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });
    expect([p1?.location.line, p2?.location.line]).toEqual([4, 6]);
  });

  it('a plain List item without kind is an error, the others are kept', () => {
    const parsed = parse(
      'apiVersion: v1\nkind: List\nitems:\n- metadata: {name: a}\n- {apiVersion: v1, kind: Service, metadata: {name: s}}\n',
    );
    expect(codes(parsed.diagnostics)).toEqual(['error:missing-kind']);
    expect(parsed.objects.map((o) => o.name)).toEqual(['s']);
  });
});

describe('parseSourceFile: locations', () => {
  const netpol = `# a comment
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: prod
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
  - from:
    - podSelector: {}
  - ports:
    - port: 80
`;
  const [policy] = objectsFromYaml(netpol, 'netpol.yaml', 'main');

  it.each([
    [[], 2, 1],
    [['spec'], 7, 1],
    [['spec', 'podSelector', 'matchLabels', 'app'], 10, 7],
    [['spec', 'ingress'], 11, 3],
    [['spec', 'ingress', 0], 12, 5],
    [['spec', 'ingress', 1], 14, 5],
    [['spec', 'ingress', 1, 'ports', 0, 'port'], 15, 7],
    [['spec', 'ingress', 7], 11, 3],
    [['spec', 'egress', 0], 7, 1],
    [['metadata', 'name', 'deeper'], 5, 3],
  ] as const)('locate(%j) is line %i column %i (nearest existing ancestor)', (path, line, column) => {
    expect(policy?.locate(path)).toEqual({ revision: 'main', file: 'netpol.yaml', line, column });
  });

  it('locates inside JSON and through anchors', () => {
    const [obj] = objectsFromYaml(
      '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {\n    "name": "s"\n  }\n}',
      's.json',
    );
    expect(obj?.locate(['metadata', 'name']).line).toBe(5);
    const [aliased] = objectsFromYaml(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: &l\n    app: x\n  annotations: *l\n',
    );
    expect(aliased?.locate(['metadata', 'annotations', 'app']).line).toBe(6);
    expect(aliased?.annotations).toEqual({ app: 'x' });
  });
});

describe('parseSourceFile: skipped input is a note, never an error', () => {
  it.each([
    [
      'Helm template',
      'templates/svc.yaml',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\n{{- if .Values.x }}\n  labels: {}\n{{- end }}\n',
      'helm-template-skipped',
    ],
    [
      'Helm with a syntax error',
      'templates/x.yaml',
      '{{- range .Values.items }}\n- name: {{ . }\n{{- end }}\n',
      'helm-template-skipped',
    ],
    [
      'kustomization file',
      'overlays/prod/kustomization.yaml',
      'resources:\n- ../base\n',
      'kustomization-skipped',
    ],
    [
      'Kustomization kind',
      'k.yaml',
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
      'kustomization-skipped',
    ],
    [
      'CI config',
      '.github/workflows/ci.yml',
      'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n',
      'not-kubernetes',
    ],
    ['Helm values with a kind key', 'values.yaml', 'kind: Deployment\nreplicas: 2\n', 'not-kubernetes'],
    ['docker-compose', 'docker-compose.yml', 'services:\n  web:\n    image: nginx\n', 'not-kubernetes'],
    ['a scalar document', 'x.yaml', 'just a string\n', 'not-kubernetes'],
    ['empty file', 'x.yaml', '', 'empty-document'],
    [
      'empty document between others',
      'x.yaml',
      'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n# nothing\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n',
      'empty-document',
    ],
  ])('%s', (_name, path, text, code) => {
    const parsed = parse(text, path);
    expect(codes(parsed.diagnostics)).toEqual([`note:${code}`]);
  });

  it('keeps manifests whose strings merely contain {{ (Prometheus, Argo)', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    summary: "instance {{ $labels.instance }} down"\ndata:\n  tpl: |\n    {{ .Name }}\n# {{ not a template }}\n';
    expect(parse(text).diagnostics).toEqual([]);
    expect(ids(text)).toEqual(['ConfigMap/-/c']);
  });

  it('a trailing --- adds no note', () => {
    expect(parse('apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n').diagnostics).toEqual([]);
  });
});

describe('parseSourceFile: errors', () => {
  it('reports malformed YAML with its position and keeps the valid documents', () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\nfoo: [1, 2\nbar: }\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n';
    const parsed = parse(text, 'deploy/netpol.yaml');
    expect(parsed.objects.map((o) => o.name)).toEqual(['a', 'b']);
    const [first] = parsed.diagnostics;
    expect(first).toMatchObject({
      severity: 'error',
      code: 'yaml-syntax',
      dropped: 'document 2 of deploy/netpol.yaml',
    });
    expect(first?.location).toMatchObject({ revision: 'main', file: 'deploy/netpol.yaml' });
    expect(first?.location?.line).toBeGreaterThanOrEqual(5);
    expect(first?.message).not.toContain('\n');
  });

  it('reports duplicate keys and drops the document', () => {
    const parsed = parse('apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n');
    expect(parsed.objects).toEqual([]);
    expect(parsed.diagnostics).toMatchObject([
      { severity: 'error', code: 'duplicate-key', location: { line: 5, column: 3 } },
    ]);
  });

  it('drops analysed objects with neither name nor generateName', () => {
    const parsed = parse('apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {app: web}\n');
    expect(parsed.objects).toEqual([]);
    expect(parsed.diagnostics).toMatchObject([
      { severity: 'error', code: 'missing-name', dropped: 'Pod at deploy/app.yaml:1' },
    ]);
  });

  it('reports metadata.labels that is not a map', () => {
    const parsed = parse('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: [a]\n');
    expect(codes(parsed.diagnostics)).toEqual(['error:invalid-metadata']);
    expect(parsed.objects[0]?.labels).toEqual({});
  });
});

describe('parseSourceFile: label values', () => {
  // kubectl sends an unquoted 1.10 as the number 1.1, `true` as a boolean (YAML 1.1, go-yaml v2);
  // the API server rejects an object whose label value is not a string, so it takes no effect.
  it('a non-string value is sent as kubectl sends it, and is an error', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  labels: {version: 1.10, enabled: true, empty: }
spec:
  selector: {matchLabels: {version: 1.10}}
  template:
    metadata:
      labels: {port: 8080, app: web}
      annotations: {prometheus.io/port: 9090}
`;
    const parsed = parse(text);
    const [d] = parsed.objects;
    expect(d?.body).toMatchObject({
      spec: {
        selector: { matchLabels: { version: 1.1 } },
        template: {
          metadata: { labels: { port: 8080, app: 'web' }, annotations: { 'prometheus.io/port': 9090 } },
        },
      },
    });
    expect(codes(parsed.diagnostics)).toEqual([
      'error:non-string-label',
      'error:non-string-label',
      // `empty:` is null, which Kubernetes' JSON decoding leaves as "": accepted, with a word
      'warning:non-string-label',
      'error:non-string-label',
      'error:non-string-label',
      'error:non-string-label',
    ]);
    expect(parsed.diagnostics[0]?.message).toBe(
      'label "version" has the value 1.10, which kubectl sends as a number (1.1); the API server rejects the object (quote it: "1.10")',
    );
    expect(parsed.diagnostics[0]?.location?.line).toBe(5);
  });

  it('treats a Service selector as a label map', () => {
    const parsed = parse(
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {tier: on}\n',
    );
    expect(codes(parsed.diagnostics)).toEqual(['error:non-string-label']);
    expect(parsed.objects[0]?.body).toMatchObject({ spec: { selector: { tier: true } } });
  });

  it('a merge key in a label map merges labels, it is no label', () => {
    const parsed = parse(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: &common {team: a}\n  labels: {<<: *common, app: web}\n',
    );
    expect(codes(parsed.diagnostics)).toEqual([]);
    expect(parsed.objects[0]?.labels).toEqual({ app: 'web', team: 'a' });
  });

  it('rejects a structured label value', () => {
    const parsed = parse(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    a: [1]\n    b: ok\n',
    );
    expect(codes(parsed.diagnostics)).toEqual(['error:invalid-label']);
    expect(parsed.objects[0]?.labels).toEqual({ b: 'ok' });
  });
});

describe('parseSourceFile: hostile input', () => {
  it('stops a billion-laughs bomb quickly with a diagnostic', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  ${levels.join('\n  ')}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: ok}\n`;
    const started = Date.now();
    const parsed = parse(text);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(codes(parsed.diagnostics)).toEqual(['error:yaml-alias-limit']);
    expect(parsed.objects.map((o) => o.name)).toEqual(['ok']);
  });

  it.each([
    ['deep flow nesting', `a: ${'['.repeat(20000)}${']'.repeat(20000)}`],
    ['unclosed deep nesting', `a: ${'{"b":'.repeat(20000)}`],
    ['deep JSON', `${'{"a":'.repeat(20000)}1${'}'.repeat(20000)}`],
  ])('%s does not crash or hang', (_name, text) => {
    const started = Date.now();
    const parsed = parse(text);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(parsed.objects).toEqual([]);
    expect(parsed.diagnostics.length).toBeGreaterThan(0);
  });

  it('parses a large file in reasonable time', () => {
    const doc = (i: number) =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\nspec:\n  ports:\n  - port: 80\n`;
    const text = Array.from({ length: 5000 }, (_, i) => doc(i)).join('---\n');
    const started = Date.now();
    expect(parse(text).objects).toHaveLength(5000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
