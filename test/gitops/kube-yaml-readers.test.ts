import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKustomization } from '../../src/gitops/kustomization.js';
import { kustomizeDocuments } from '../../src/gitops/kustomize-output.js';
import { pluginReason } from '../../src/gitops/plugins.js';
import { SourceDocs } from '../../src/gitops/source-docs.js';
import { AliasBudget } from '../../src/manifests/alias-budget.js';
import { parseSourceFile } from '../../src/manifests/parse.js';
import { writeFiles } from '../git/helpers.js';
import { render } from './helpers.js';

/**
 * The gitops readers read YAML as the tools consuming it do: kustomize decodes kustomization.yaml
 * with sigs.k8s.io/yaml (api/types/kustomization.go), kubectl applies kustomize's output with it
 * too. Each row is what those tools see; the `yaml` package's default schema saw something else.
 */
describe('kustomization.yaml read as kustomize reads it (sigs.k8s.io/yaml)', () => {
  it.each([
    [
      'a `<<` merge key copies the patch target (kustomize: target NetworkPolicy/api)',
      `patches:
  - &p {path: a.yaml, target: {kind: NetworkPolicy, name: api}}
  - <<: *p
    path: b.yaml
`,
      ['a.yaml NetworkPolicy/api', 'b.yaml NetworkPolicy/api'],
    ],
    [
      'a merged list of patches, later keys winning (kustomize: c.yaml keeps its own name)',
      `patches:
  - <<: [{target: {kind: Deployment, name: web}}, {path: x.yaml}]
    path: c.yaml
`,
      ['c.yaml Deployment/web'],
    ],
  ])('%s', (_name, text, patches) => {
    const k = parseKustomization('k/kustomization.yaml', text);
    expect(k.error).toBeUndefined();
    expect(k.patches.map((p) => `${p.value} ${p.targetKind}/${p.targetName}`)).toEqual(patches);
  });

  it('a duplicate key is an error, as kustomize (YAMLToJSONStrict) refuses it', () => {
    const k = parseKustomization('k/kustomization.yaml', 'resources: [a.yaml]\nresources: [b.yaml]\n');
    expect(k.error?.line).toBe(2);
  });

  it('an alias bomb beyond the run budget is an error at its line, not a copy in memory', () => {
    const text = `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
resources: [*c, *c]
`;
    expect(parseKustomization('k/kustomization.yaml', text).error).toBeUndefined();
    const k = parseKustomization('k/kustomization.yaml', text, new AliasBudget(500));
    expect(k.error?.message).toMatch(/budget/);
  });
});

describe('plugin configurations read as kustomize reads them', () => {
  it('a KRM function annotation brought in by a merge key is refused', () => {
    const text = `apiVersion: builtin
kind: PatchTransformer
metadata:
  name: x
  annotations:
    <<: {config.kubernetes.io/function: "exec: {path: ./run.sh}"}
`;
    expect(pluginReason(text)).toBe('KRM function (config.kubernetes.io/function) in PatchTransformer');
  });
});

/** kustomize's output of one NetworkPolicy, with the build annotations we ask it for. */
function kustomizeOutput(port: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  annotations:
    config.kubernetes.io/origin: |
      path: ../repo/np.yaml
  name: api
  namespace: prod
spec:
  podSelector: {}
  ingress:
  - ports:
    - port: ${port}
`;
}

function renderedPort(port: string): unknown {
  const sources = new SourceDocs(() => undefined);
  const ctx = {
    wrapperDir: '/w/wrapper',
    repoDir: '/w/repo',
    rootFile: 'kustomization.yaml',
    kustomizations: new Map(),
    sources,
  };
  const out = kustomizeDocuments(kustomizeOutput(port), ctx);
  const parsed = parseSourceFile({ path: 'rendered.yaml', text: out.text }, 'head');
  expect(parsed.objects.map((o) => o.annotations)).toEqual([{}]);
  const spec = parsed.objects[0]?.body.spec as { ingress: { ports: { port: unknown }[] }[] };
  return spec.ingress[0]?.ports[0]?.port;
}

describe("kustomize's output reaches the analysis as kubectl would send it", () => {
  it.each([
    // kubectl sends each port as go-yaml v2 resolves the text kustomize printed
    ['010', 8],
    ['0o17', 15],
    ['0x1F', 31],
    ['1_000', 1000],
    ['"010"', '010'],
    ['http', 'http'],
  ])('port: %s is sent as %j', (port, sent) => {
    expect(renderedPort(port)).toBe(sent);
  });

  it('keeps other annotations and drops only the build metadata', () => {
    const stdout = kustomizeOutput('80')
      .replace('  name: api', '  name: api')
      .replace(
        '    config.kubernetes.io/origin: |\n      path: ../repo/np.yaml\n',
        '    config.kubernetes.io/origin: |\n      path: ../repo/np.yaml\n    team: a\n',
      );
    const ctx = {
      wrapperDir: '/w/wrapper',
      repoDir: '/w/repo',
      rootFile: 'kustomization.yaml',
      kustomizations: new Map(),
      sources: new SourceDocs(() => undefined),
    };
    const out = kustomizeDocuments(`${stdout}---\n${kustomizeOutput('81')}`, ctx);
    expect(out.text).not.toMatch(/config\.kubernetes\.io/);
    expect(out.text.split('---\n')).toHaveLength(2);
    expect(out.text).toMatch(/annotations:\n {4}team: a\n {2}name: api/);
    expect(out.origins.map((o) => o.file)).toEqual(['np.yaml', 'np.yaml']);
  });
});

describe('what a kustomization quotes is cut in messages (bound-text.ts)', () => {
  it('a plugin with a huge kind is refused with the kind cut', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-diff-test-bound-'));
    try {
      writeFiles(dir, {
        'app/kustomization.yaml': 'resources: []\ntransformers: [t.yaml]\n',
        'app/t.yaml': `apiVersion: example.com/v1\nkind: ${'K'.repeat(100_000)}\nmetadata: {name: t}\n`,
      });
      const out = await render({ kind: 'directory', path: dir }, undefined, { searchPath: '' });
      const refused = out.diagnostics.find((d) => d.code === 'plugin-refused');
      expect(refused?.message).toMatch(/\(100000 characters\)/);
      expect(refused?.message.length).toBeLessThan(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
