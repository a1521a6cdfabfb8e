import { afterEach, describe, expect, it } from 'vitest';
import { helmDocuments, kindLine, templatePath } from '../../src/gitops/helm-output.js';
import { parseSourceFile } from '../../src/manifests/parse.js';
import { writeFiles } from '../git/helpers.js';
import { codes, config, find, hasHelm, render, tempDir } from './helpers.js';

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

  it.skipIf(!hasHelm)('renders with helm template (skipped: no `helm` binary on PATH)', async () => {
    const out = await render({ kind: 'directory', path: chart() }, config({ roots: [helmRoot] }));
    expect(codes(out.diagnostics, 'error')).toEqual([]);
    const np = find(out.objects, 'NetworkPolicy', undefined, 'api-deny');
    expect(np.location).toMatchObject({ file: 'charts/api/templates/np.yaml', line: 2 });
  });
});
