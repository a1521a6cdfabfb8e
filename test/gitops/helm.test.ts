import { afterEach, describe, expect, it } from 'vitest';
import { helmDocuments, kindLine, templatePath } from '../../src/gitops/helm-output.js';
import { parseSourceFile } from '../../src/manifests/parse.js';
import { writeFiles } from '../git/helpers.js';
import { codes, config, find, hasHelm, helmSearchPath, noHelm, render, tempDir } from './helpers.js';

const TEMPLATE = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .Release.Name }}-deny
spec:
  podSelector: {}
`;

const OUTPUT = `---
# Source: api/templates/empty.yaml
---
# Source: api/templates/np.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-deny
spec:
  podSelector: {}
---
# Source: api/charts/db/templates/svc.yaml
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  selector: {app: db}
  ports: [{port: 5432}]
`;

describe('helm template output', () => {
  it('maps `# Source:` to the template in the chart directory', () => {
    expect(templatePath('charts/api', 'api/templates/np.yaml')).toBe('charts/api/templates/np.yaml');
    expect(templatePath('.', 'api/templates/np.yaml')).toBe('templates/np.yaml');
    expect(templatePath('charts/api', 'api/../../etc/passwd')).toBeUndefined();
    expect(kindLine(TEMPLATE, 'NetworkPolicy')).toBe(2);
    expect(kindLine(undefined, 'NetworkPolicy')).toBe(1);
  });

  it('keeps documents with content, each located at its template', () => {
    const texts: Record<string, string> = { 'charts/api/templates/np.yaml': TEMPLATE };
    const docs = helmDocuments(OUTPUT, 'charts/api/Chart.yaml', 'charts/api', (p) => texts[p]);
    expect(docs.origins.map((o) => `${o.file}:${o.line}`)).toEqual([
      'charts/api/templates/np.yaml:2',
      'charts/api/charts/db/templates/svc.yaml:1',
    ]);
    const parsed = parseSourceFile(
      {
        path: 'charts/api/Chart.yaml',
        text: docs.text,
        rendered: { root: 'charts/api', documents: docs.origins },
      },
      'head',
    );
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.objects.map((o) => `${o.kind} ${o.name} ${o.location.file}:${o.location.line}`)).toEqual([
      'NetworkPolicy api-deny charts/api/templates/np.yaml:2',
      'Service db charts/api/charts/db/templates/svc.yaml:1',
    ]);
  });
});

describe('helm roots', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  const chart = (): string => {
    const dir = tempDir('helm');
    cleanups.push(dir.remove);
    writeFiles(dir.path, {
      'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\n',
      'charts/api/values.yaml': 'port: 80\n',
      'charts/api/values-prod.yaml': 'port: 8443\n',
      'charts/api/templates/np.yaml': TEMPLATE,
    });
    return dir.path;
  };
  const helmRoot = {
    tool: 'helm' as const,
    path: 'charts/api',
    values: ['values-prod.yaml'],
    namespace: 'prod',
    releaseName: 'api',
  };

  it('without helm on PATH: one error saying how to install it; the chart is not read raw', async () => {
    const out = await render({ kind: 'directory', path: chart() }, config({ roots: [helmRoot] }), {
      searchPath: '',
    });
    const errors = out.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code)).toEqual(['render-tool-missing']);
    expect(errors[0]?.message).toContain('azure/setup-helm');
    expect(out.result.files).toEqual([]);
  });

  it('a values file missing from the revision is an error', async () => {
    const root = { ...helmRoot, values: ['values-staging.yaml'] };
    const out = await render({ kind: 'directory', path: chart() }, config({ roots: [root] }), {
      searchPath: '',
    });
    expect(codes(out.diagnostics, 'error')).toContain('render-values-missing');
  });

  it.skipIf(!hasHelm)(`renders with helm template${noHelm}`, async () => {
    const out = await render({ kind: 'directory', path: chart() }, config({ roots: [helmRoot] }), {
      searchPath: helmSearchPath,
    });
    expect(codes(out.diagnostics, 'error')).toEqual([]);
    const np = find(out.objects, 'NetworkPolicy', undefined, 'api-deny');
    expect(np.location).toMatchObject({ file: 'charts/api/templates/np.yaml', line: 2 });
  });
});

/** The tests below run a real `helm template` (the packaged Helm 3.17.1 in CI): no fake binary. */
describe.skipIf(!hasHelm)(`a real helm template${noHelm}`, () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  const repo = (files: Record<string, string>): string => {
    const dir = tempDir('helm-real');
    cleanups.push(dir.remove);
    writeFiles(dir.path, files);
    return dir.path;
  };
  const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .Release.Name }}-allow
  namespace: {{ .Release.Namespace }}
spec:
  podSelector: {matchLabels: {app: {{ .Values.app }}}}
  ingress:
  - ports: [{port: {{ .Values.port }}}]
`;
  const subchartService = `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-db
  namespace: {{ .Release.Namespace }}
spec:
  selector: {app: db}
  ports: [{port: {{ .Values.port }}}]
`;
  const chart = {
    'charts/api/Chart.yaml':
      'apiVersion: v2\nname: api\nversion: 0.1.0\ndependencies:\n  - name: db\n    version: 0.2.0\n',
    'charts/api/values.yaml': 'app: api\nport: 80\ndb: {port: 5432}\n',
    'charts/api/values-prod.yaml': 'port: 8443\n',
    'charts/api/templates/np.yaml': policy,
    'charts/api/charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 0.2.0\n',
    'charts/api/charts/db/values.yaml': 'port: 1\n',
    'charts/api/charts/db/templates/svc.yaml': subchartService,
  };
  const root = {
    tool: 'helm' as const,
    path: 'charts/api',
    values: ['values-prod.yaml'],
    namespace: 'shop',
    releaseName: 'web',
  };
  const options = { searchPath: helmSearchPath };

  it('renders values files, a vendored subchart, the namespace and the release name', async () => {
    const out = await render({ kind: 'directory', path: repo(chart) }, config({ roots: [root] }), options);
    expect(codes(out.diagnostics, 'error')).toEqual([]);
    const np = find(out.objects, 'NetworkPolicy', 'shop', 'web-allow');
    expect(np.body.spec).toEqual({
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ ports: [{ port: 8443 }] }],
    });
    expect(np.location).toMatchObject({ file: 'charts/api/templates/np.yaml', line: 2 });
    // The parent's values reach the subchart under its name (db.port), over the subchart's own.
    const db = find(out.objects, 'Service', 'shop', 'web-db');
    expect(db.body.spec).toMatchObject({ ports: [{ port: 5432 }] });
    expect(db.location).toMatchObject({ file: 'charts/api/charts/db/templates/svc.yaml', line: 2 });
  });

  it('a dependency that is not vendored under charts/ is not fetched: the chart is not rendered', async () => {
    const remote = {
      ...chart,
      'charts/api/Chart.yaml':
        'apiVersion: v2\nname: api\nversion: 0.1.0\ndependencies:\n  - name: cache\n    version: 1.0.0\n    repository: https://charts.example.com\n',
    };
    const out = await render({ kind: 'directory', path: repo(remote) }, config({ roots: [root] }), options);
    const failed = out.diagnostics.find((d) => d.code === 'render-failed');
    expect(failed).toMatchObject({ severity: 'error', location: { file: 'charts/api/Chart.yaml' } });
    expect(failed?.message).toMatch(/cache/);
    expect(out.objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });
});
