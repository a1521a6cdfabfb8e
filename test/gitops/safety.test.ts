import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFiles } from '../git/helpers.js';
import { codes, config, hasKustomize, listRecursive, render, tempDir } from './helpers.js';

const NETPOL = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny
spec:
  podSelector: {}
`;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function repoWith(files: Record<string, string>): string {
  const dir = tempDir('safety');
  cleanups.push(dir.remove);
  writeFiles(dir.path, files);
  return dir.path;
}

/** A search path whose `kustomize` is the given shell script (found before any real one). */
function fakeKustomize(script: string): string {
  const dir = tempDir('bin');
  cleanups.push(dir.remove);
  writeFiles(dir.path, { kustomize: `#!/bin/sh\n${script}\n` });
  chmodSync(join(dir.path, 'kustomize'), 0o755);
  return `${dir.path}:/usr/bin:/bin`;
}

describe('refused before rendering: nothing is fetched or run', () => {
  it.each([
    ['a GitHub base', 'github.com/example/app//deploy?ref=v1'],
    ['an https URL', 'https://example.com/base.yaml'],
    ['a git ssh address', 'git@github.com:example/app.git'],
  ])('%s is a remote base not analysed; the root is incomplete', async (_, resource) => {
    const path = repoWith({
      'app/kustomization.yaml': `resources:\n  - np.yaml\n  - ${resource}\n`,
      'app/np.yaml': NETPOL,
    });
    const out = await render({ kind: 'directory', path }, config(), { searchPath: '' });
    expect(out.result.rendered).toEqual([]);
    const error = out.diagnostics.find((d) => d.code === 'remote-base-refused');
    expect(error).toMatchObject({ severity: 'error', location: { file: 'app/kustomization.yaml', line: 3 } });
    expect(error?.message).toContain('remote base not analysed');
    // The overlay's own files are not read raw either: they are kustomize input.
    expect(out.objects).toEqual([]);
  });

  it('refuses a remote base reached through an included base', async () => {
    const path = repoWith({
      'base/kustomization.yaml': 'resources:\n  - https://example.com/x.yaml\n',
      'prod/kustomization.yaml': 'resources: [../base]\n',
    });
    const out = await render({ kind: 'directory', path }, config(), { searchPath: '' });
    expect(
      out.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.location?.file]),
    ).toEqual([['remote-base-refused', 'base/kustomization.yaml']]);
    expect(out.diagnostics[0]?.message).toContain('; render root prod not rendered');
  });

  it.each([
    ['a path above the repository', '../../etc'],
    ['an absolute path', '/etc/kubernetes'],
  ])('refuses %s', async (_, resource) => {
    const path = repoWith({ 'app/kustomization.yaml': `resources: ['${resource}']\n` });
    const out = await render({ kind: 'directory', path }, config(), { searchPath: '' });
    expect(codes(out.diagnostics, 'error')).toEqual(['render-path-refused']);
  });

  it('refuses a reference missing from the revision: kustomize would try it as a remote', async () => {
    const path = repoWith({ 'app/kustomization.yaml': 'resources: [gone.yaml]\n' });
    const out = await render({ kind: 'directory', path }, config(), { searchPath: '' });
    expect(codes(out.diagnostics, 'error')).toEqual(['kustomize-reference-missing']);
  });

  it('refuses plugin generators and KRM function transformers, file or inline', async () => {
    const path = repoWith({
      'app/kustomization.yaml': `resources: [np.yaml]
generators: [gen.yaml]
transformers:
  - |
    apiVersion: example.com/v1
    kind: Sed
    metadata:
      name: x
      annotations:
        config.kubernetes.io/function: |
          exec: {path: ./sed.sh}
`,
      'app/np.yaml': NETPOL,
      'app/gen.yaml': 'apiVersion: someteam.example.com/v1\nkind: SecretsFromVault\nmetadata: {name: v}\n',
    });
    const out = await render({ kind: 'directory', path }, config(), { searchPath: '' });
    const refused = out.diagnostics.filter((d) => d.code === 'plugin-refused');
    expect(refused.map((d) => [d.severity, d.location?.line])).toEqual([
      ['error', 2],
      ['error', 4],
    ]);
    expect(refused[0]?.message).toContain('plugin someteam.example.com/v1 SecretsFromVault');
    expect(refused[1]?.message).toContain('KRM function (config.kubernetes.io/function)');
    expect(out.result.rendered).toEqual([]);
  });

  it('refuses helmCharts unless the root enables Helm, and always a chart pulled from a repo', async () => {
    const path = repoWith({
      'app/kustomization.yaml': 'helmCharts:\n  - name: redis\n    repo: https://charts.example.com\n',
    });
    const out = await render({ kind: 'directory', path }, config(), { searchPath: '' });
    expect(codes(out.diagnostics, 'error').sort()).toEqual(['helm-not-enabled', 'remote-base-refused']);
  });
});

describe.skipIf(!hasKustomize)('rendering with kubectl / kustomize', () => {
  it('a builtin transformer is not a plugin: it renders', async () => {
    const path = repoWith({
      'app/kustomization.yaml': 'resources: [np.yaml]\ntransformers: [prefix.yaml]\n',
      'app/prefix.yaml':
        'apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata: {name: p}\nprefix: x-\nfieldSpecs: [{path: metadata/name}]\n',
      'app/np.yaml': NETPOL,
    });
    const out = await render({ kind: 'directory', path });
    expect(codes(out.diagnostics, 'error')).toEqual([]);
    expect(out.objects.map((o) => o.name)).toEqual(['x-deny']);
  });

  it("a failing render is an error with the root and the tool's message", async () => {
    const path = repoWith({
      'app/kustomization.yaml': 'resources: [np.yaml]\npatches:\n  - path: patch.yaml\n',
      'app/np.yaml': NETPOL,
      'app/patch.yaml':
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: nothing-by-this-name}\nspec: {}\n',
      'plain/np.yaml': NETPOL,
    });
    const out = await render({ kind: 'directory', path });
    const error = out.diagnostics.find((d) => d.code === 'render-failed');
    expect(error).toMatchObject({ severity: 'error', location: { file: 'app/kustomization.yaml' } });
    expect(error?.message).toMatch(/^kustomize build app failed: .*nothing-by-this-name/);
    expect(error?.message).not.toContain('policy-diff-render-');
    // The rest is still analysed.
    expect(out.objects.map((o) => o.location.file)).toEqual(['plain/np.yaml']);
  });

  it('an invalid kustomization is reported at its line and not rendered', async () => {
    const path = repoWith({ 'app/kustomization.yaml': 'resources: [np.yaml\n', 'app/np.yaml': NETPOL });
    const out = await render({ kind: 'directory', path });
    expect(codes(out.diagnostics, 'error')).toEqual(['kustomization-invalid']);
  });

  it('mixes plain manifests and kustomizations: patch files are never read as resources', async () => {
    const path = repoWith({
      'apps/web/kustomization.yaml':
        'namespace: web\nresources: [np.yaml]\npatches: [{path: patches/np.yaml}]\n',
      'apps/web/np.yaml': NETPOL,
      'apps/web/patches/np.yaml':
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec: {policyTypes: [Ingress]}\n',
      'apps/web/old.yaml': NETPOL.replace('deny', 'stale'),
      'infra/np.yaml': NETPOL.replace('deny', 'infra'),
    });
    const out = await render({ kind: 'directory', path });
    expect(out.result.files.map((f) => f.path)).toEqual(['infra/np.yaml']);
    expect(out.objects.map((o) => `${o.declaredNamespace}/${o.name} ${o.location.file}`).sort()).toEqual([
      'undefined/infra infra/np.yaml',
      'web/deny apps/web/np.yaml',
    ]);
    const note = out.diagnostics.find((d) => d.code === 'not-in-kustomization');
    expect(note).toMatchObject({ severity: 'note', location: { file: 'apps/web/old.yaml' } });
  });
});

describe('the render process', () => {
  const kustomization = { 'app/kustomization.yaml': 'resources: [np.yaml]\n', 'app/np.yaml': NETPOL };

  it('a missing tool is one error with how to install it; plain manifests are still read', async () => {
    const path = repoWith({
      ...kustomization,
      'b/kustomization.yaml': 'resources: [np.yaml]\n',
      'b/np.yaml': NETPOL,
      'plain/np.yaml': NETPOL,
    });
    const out = await render({ kind: 'directory', path }, config(), { searchPath: '' });
    const errors = out.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code)).toEqual(['render-tool-missing']);
    expect(errors[0]?.message).toContain(
      'cannot render app, b: neither `kustomize` nor `kubectl` is on PATH',
    );
    expect(out.objects.map((o) => o.location.file)).toEqual(['plain/np.yaml']);
  });

  it('gets no tokens, no proxies and a throwaway HOME', async () => {
    const saved = { token: process.env.GITHUB_TOKEN, proxy: process.env.HTTPS_PROXY };
    process.env.GITHUB_TOKEN = 'ghs_secret';
    process.env.HTTPS_PROXY = 'http://proxy.example:3128';
    try {
      const bin = fakeKustomize('env | sort >&2; exit 3');
      const out = await render({ kind: 'directory', path: repoWith(kustomization) }, config(), {
        searchPath: bin,
      });
      const message = out.diagnostics.find((d) => d.code === 'render-failed')?.message ?? '';
      expect(message).toContain('HOME=<render dir>/home');
      expect(message).not.toMatch(/ghs_secret|PROXY|GITHUB/i);
    } finally {
      process.env.GITHUB_TOKEN = saved.token;
      process.env.HTTPS_PROXY = saved.proxy;
      if (saved.token === undefined) delete process.env.GITHUB_TOKEN;
      if (saved.proxy === undefined) delete process.env.HTTPS_PROXY;
    }
  });

  it('is stopped at the timeout, with anything it started', async () => {
    const bin = fakeKustomize('sleep 30 & sleep 30');
    const temp = tempDir('tmp');
    cleanups.push(temp.remove);
    const started = Date.now();
    const out = await render(
      { kind: 'directory', path: repoWith(kustomization) },
      config({ timeoutSeconds: 1 }),
      { searchPath: bin, tempRoot: temp.path },
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(out.diagnostics.find((d) => d.code === 'render-failed')?.message).toContain('timed out after 1 s');
    expect(listRecursive(temp.path)).toEqual([]);
  });

  it('refuses output over the limit', async () => {
    const bin = fakeKustomize('yes "a: b" | head -c 100000');
    const out = await render(
      { kind: 'directory', path: repoWith(kustomization) },
      config({ maxOutputBytes: 1000 }),
      { searchPath: bin },
    );
    expect(out.diagnostics.find((d) => d.code === 'render-failed')?.message).toContain(
      'output over the limit of 1000 bytes',
    );
  });

  it('passes no plugin, exec or network flags, and the root-only load restrictor', async () => {
    const bin = fakeKustomize('echo "$@" >&2; exit 1');
    const out = await render({ kind: 'directory', path: repoWith(kustomization) }, config(), {
      searchPath: bin,
    });
    const message = out.diagnostics.find((d) => d.code === 'render-failed')?.message ?? '';
    expect(message).toContain('build <render dir>/wrap/0 --load-restrictor LoadRestrictionsRootOnly');
    expect(message).not.toMatch(/alpha-plugins|enable-exec|network|enable-helm/);
  });
});
