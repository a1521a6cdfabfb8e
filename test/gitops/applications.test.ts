import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseRepoURL } from '../../src/gitops/applications.js';
import { renderText } from '../../src/render/text.js';
import type { Report } from '../../src/report/types.js';
import { runDiff } from '../../src/run.js';
import { commitAll, initRepo, writeFiles } from '../git/helpers.js';
import { runCli } from '../helpers/cli.js';
import { expectGolden } from '../helpers/golden.js';
import { ARGO, ARGO_HEAD, ARGO_HELM, ARGO_JSONNET, ARGO_PLUGIN, FLUX, FLUX_HEAD } from './app-layouts.js';
import { hasHelm, hasKustomize, helmSearchPath, noHelm, tempDir } from './helpers.js';

function changes(report: Report): string[] {
  return report.changes.map(
    (c) => `${c.target ?? '(one cluster)'} ${c.kind} ${c.source.id} -> ${c.destination.id}: ${c.added}`,
  );
}

/** The text report with the temp repository's commits named base and head (their shas vary per run). */
function stable(text: string, base: string, head: string): string {
  const named = text.split(base).join('<base>').split(head).join('<head>');
  return named.split(base.slice(0, 12)).join('<base>').split(head.slice(0, 12)).join('<head>');
}

function twoCommits(prefix: string, files: Record<string, string>, head: Record<string, string>) {
  // Fixed dates: the same commits every run, so the goldens' order of base and head diagnostics holds.
  const dates = [process.env.GIT_AUTHOR_DATE, process.env.GIT_COMMITTER_DATE];
  process.env.GIT_AUTHOR_DATE = process.env.GIT_COMMITTER_DATE = '2026-01-01T00:00:00Z';
  try {
    const repo = tempDir(prefix);
    initRepo(repo.path);
    writeFiles(repo.path, files);
    const base = commitAll(repo.path, 'base');
    writeFiles(repo.path, head);
    return { repo, base, head: commitAll(repo.path, 'head') };
  } finally {
    for (const [i, name] of ['GIT_AUTHOR_DATE', 'GIT_COMMITTER_DATE'].entries()) {
      if (dates[i] === undefined) delete process.env[name];
      else process.env[name] = dates[i];
    }
  }
}

describe.skipIf(!hasKustomize || !hasHelm)(
  `Flux: clusters/<name> Kustomizations and a HelmRelease${noHelm}`,
  () => {
    let fx: ReturnType<typeof twoCommits>;
    const path = process.env.PATH;
    beforeAll(() => {
      fx = twoCommits('flux-apps', FLUX, FLUX_HEAD);
      process.env.PATH = helmSearchPath;
    });
    afterAll(() => {
      process.env.PATH = path;
      fx.repo.remove();
    });

    it('each cluster is a target; targetNamespace lands the base in shop; the chart renders into web', async () => {
      const { report } = await runDiff({ repo: fx.repo.path, base: fx.base, head: fx.head, layer: 'l4' });
      expect(report.diagnostics.filter((d) => d.code === 'duplicate-object')).toEqual([]);
      expect(report.targets?.map((t) => [t.name, t.changed])).toEqual([
        ['clusters/production', true],
        ['clusters/staging', false],
      ]);
      expect(changes(report)).toEqual([
        'clusters/production opened shop/batch[Deployment] -> shop/web[Deployment]: TCP 8080',
      ]);
      // No repoURLs configured: the GitRepository's URL is taken for this repository, said once per side.
      expect(report.diagnostics.filter((d) => d.code === 'application-repo-assumed').length).toBeGreaterThan(
        0,
      );
      expect(report.incomplete).toBe(false);
      const text = renderText(report);
      expect(text).toContain('Targets: clusters/production opens 1; clusters/staging no change');
      expectGolden(stable(text, fx.base, fx.head), 'apps/flux.txt');
    });

    it('the HelmRelease renders the in-repo chart with its values, in its target namespace', async () => {
      const { renderRevision } = await import('../../src/gitops/render-revision.js');
      const { readRevision } = await import('../../src/git/read-revision.js');
      const { DEFAULT_CONFIG } = await import('../../src/config/types.js');
      const input = { kind: 'git' as const, repo: fx.repo.path, rev: fx.head };
      const files = await readRevision(input, {
        include: DEFAULT_CONFIG.include,
        exclude: DEFAULT_CONFIG.exclude,
      });
      const g = await renderRevision(input, files, DEFAULT_CONFIG, { searchPath: helmSearchPath });
      const podinfo = g.apps?.find((a) => a.app === 'HelmRelease flux-system/podinfo');
      expect(podinfo?.group).toBe('clusters/production');
      expect(podinfo?.files[0]?.landing).toEqual({ namespace: 'web', override: false });
      expect(podinfo?.files[0]?.text).toContain('name: web-podinfo');
      expect(podinfo?.files[0]?.text).toContain('containerPort: 9898');
      expect(g.files.map((f) => f.path)).toEqual([]);
    });

    it('a configured repoURL that is not the GitRepository: not analysed, named with file:line, uncertain', async () => {
      writeFiles(fx.repo.path, {
        '.policy-diff.yaml': 'render:\n  repoURLs: [https://github.com/example/other]\n',
      });
      const head = commitAll(fx.repo.path, 'other repo');
      const { report } = await runDiff({ repo: fx.repo.path, base: head, head, layer: 'l4' });
      const skipped = report.diagnostics.filter((d) => d.code === 'application-source-not-analysed');
      expect(skipped.map((d) => `${d.location?.file}:${d.location?.line}`)).toContain(
        'clusters/production/apps.yaml:13',
      );
      expect(skipped.map((d) => d.message).join('\n')).toContain(
        'Kustomization flux-system/apps: ssh://git@github.com/example/fleet path ./apps/production is outside this repository',
      );
      expect(report.incomplete).toBe(false);
      expect(skipped.every((d) => d.reach?.kind === 'all')).toBe(true);
    });
  },
);

describe.skipIf(!hasKustomize)(
  'Flux as bootstrapped: no GitRepository in the repository, values patches',
  () => {
    // flux2-kustomize-helm-example: `flux bootstrap` makes GitRepository flux-system in the cluster,
    // and apps/production patches the base's HelmRelease with a fragment that has no chart.
    const layout: Record<string, string> = {
      ...Object.fromEntries(
        Object.entries(FLUX).filter(([p]) => !p.includes('flux-system/') && !p.includes('podinfo')),
      ),
      'apps/production/kustomization.yaml': 'resources:\n  - ../base\npatches:\n  - path: values.yaml\n',
      'apps/production/values.yaml':
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  values:\n    replicaCount: 2\n',
      'apps/base/release.yaml':
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  chart:\n    spec:\n      chart: podinfo\n      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n',
    };
    layout['apps/base/kustomization.yaml'] = 'resources:\n  - apps.yaml\n  - netpol.yaml\n  - release.yaml\n';
    let fx: ReturnType<typeof twoCommits>;
    beforeAll(() => {
      fx = twoCommits('flux-bootstrap', layout, FLUX_HEAD);
    });
    afterAll(() => fx.repo.remove());

    it('takes flux-system for this repository; a patch fragment is no HelmRelease; a chart from a HelmRepository is reported', async () => {
      const { report } = await runDiff({ repo: fx.repo.path, base: fx.base, head: fx.head, layer: 'l4' });
      expect(changes(report)).toEqual([
        'clusters/production opened shop/batch[Deployment] -> shop/web[Deployment]: TCP 8080',
      ]);
      const notes = report.diagnostics.filter((d) => d.code === 'application-repo-assumed');
      expect(notes[0]?.message).toContain(
        'GitRepository flux-system (made by flux bootstrap, not in the repository)',
      );
      const remote = report.diagnostics.filter((d) => d.code === 'application-source-not-analysed');
      expect([...new Set(remote.map((d) => `${d.location?.file}:${d.location?.line}`))]).toEqual([
        'apps/base/release.yaml:7',
      ]);
      expect(report.diagnostics.filter((d) => d.code === 'duplicate-object')).toEqual([]);
    });

    it('--repo-url given (the CLI): the bootstrap GitRepository is still this repository', async () => {
      const run = await runCli([
        'diff',
        '--repo',
        fx.repo.path,
        '--repo-url',
        'https://github.com/example/fleet',
        '--layer',
        'l4',
        '--format',
        'json',
        fx.base,
        fx.head,
      ]);
      const report = JSON.parse(run.stdout) as Report;
      expect(changes(report)).toEqual([
        'clusters/production opened shop/batch[Deployment] -> shop/web[Deployment]: TCP 8080',
      ]);
    });
  },
);

describe.skipIf(!hasKustomize)('Flux 2.7: Kustomizations of an ExternalArtifact (ArtifactGenerator)', () => {
  const artifacts = (cluster: string) =>
    `apiVersion: source.extensions.fluxcd.io/v1beta1\nkind: ArtifactGenerator\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  sources:\n    - alias: monorepo\n      kind: GitRepository\n      name: flux-system\n  artifacts:\n    - name: apps\n      copy:\n        - from: "@monorepo/apps/base/**"\n          to: "@artifact/base/"\n        - from: "@monorepo/apps/${cluster}/**"\n          to: "@artifact/${cluster}/"\n`;
  const apps = (cluster: string) =>
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  path: ./${cluster}\n  targetNamespace: shop\n  sourceRef:\n    kind: ExternalArtifact\n    name: apps\n`;
  const layout: Record<string, string> = {
    ...Object.fromEntries(Object.entries(FLUX).filter(([p]) => p.startsWith('apps/'))),
    'clusters/production/apps.yaml': apps('production'),
    'clusters/production/artifacts.yaml': artifacts('production'),
    'clusters/staging/apps.yaml': apps('staging'),
    'clusters/staging/artifacts.yaml': artifacts('staging'),
  };
  let fx: ReturnType<typeof twoCommits>;
  beforeAll(() => {
    fx = twoCommits('flux-artifact', layout, FLUX_HEAD);
  });
  afterAll(() => fx.repo.remove());

  it('reads the artifact as apps/ of this repository; each cluster keeps its generator', async () => {
    const { report } = await runDiff({ repo: fx.repo.path, base: fx.base, head: fx.head, layer: 'l4' });
    expect(changes(report)).toEqual([
      'clusters/production opened shop/batch[Deployment] -> shop/web[Deployment]: TCP 8080',
    ]);
    expect(report.targets?.map((t) => t.name)).toEqual(['clusters/production', 'clusters/staging']);
    expect(report.diagnostics.filter((d) => d.code === 'duplicate-object')).toEqual([]);
    expect(report.diagnostics.filter((d) => d.code === 'application-source-not-analysed')).toEqual([]);
  });
});

describe.skipIf(!hasKustomize)('Argo CD: an app of apps', () => {
  let fx: ReturnType<typeof twoCommits>;
  beforeAll(() => {
    fx = twoCommits('argo-apps', ARGO, ARGO_HEAD);
  });
  afterAll(() => fx.repo.remove());

  it('follows root -> apps -> sources, with kustomize options and destination.namespace', async () => {
    const { report } = await runDiff({ repo: fx.repo.path, base: fx.base, head: fx.head, layer: 'l4' });
    expect(changes(report)).toEqual([
      '(one cluster) opened shop/prod-batch[Deployment] -> shop/prod-web[Deployment]: TCP 8080',
    ]);
    // The remote Helm chart is not analysed: a warning at its line, and argocd's changes are uncertain.
    const remote = report.diagnostics.filter((d) => d.code === 'application-source-not-analysed');
    expect(remote.map((d) => `${d.location?.file}:${d.location?.line}`)).toEqual([
      'argocd/apps/remote.yaml:8',
      'argocd/apps/remote.yaml:8',
    ]);
    expect(report.changes[0]?.uncertain).toBeDefined();
    expectGolden(stable(renderText(report), fx.base, fx.head), 'apps/argo.txt');
    expect(report.diagnostics.filter((d) => d.code === 'duplicate-object')).toEqual([]);
  });

  it('a plain directory source carries destination.namespace for its namespace-less objects', async () => {
    const { renderRevision } = await import('../../src/gitops/render-revision.js');
    const { readRevision } = await import('../../src/git/read-revision.js');
    const { DEFAULT_CONFIG } = await import('../../src/config/types.js');
    const input = { kind: 'git' as const, repo: fx.repo.path, rev: fx.head };
    const files = await readRevision(input, {
      include: DEFAULT_CONFIG.include,
      exclude: DEFAULT_CONFIG.exclude,
    });
    const g = await renderRevision(input, files, DEFAULT_CONFIG);
    const plain = g.apps?.find((a) => a.app === 'Application argocd/plain');
    expect(plain?.group).toBe('argocd');
    expect(plain?.files.map((f) => [f.path, f.landing])).toEqual([
      ['plain/db.yaml', { namespace: 'plain', override: false }],
    ]);
    // The Application files are read by root; shop/ is rendered by its Application, not as a root.
    expect(g.roots).toEqual([]);
  });
});

describe.skipIf(!hasKustomize || !hasHelm)(`Argo CD: an app of apps through a Helm chart${noHelm}`, () => {
  const path = process.env.PATH;
  const withoutRoot = Object.fromEntries(Object.entries(ARGO_HELM).filter(([p]) => p !== 'argocd/root.yaml'));
  let fx: ReturnType<typeof twoCommits>;
  let listed: ReturnType<typeof twoCommits>;
  beforeAll(() => {
    process.env.PATH = helmSearchPath;
    fx = twoCommits('argo-helm-apps', ARGO_HELM, ARGO_HEAD);
    // argocd-example-apps has no root Application in the repository: the chart is a listed root.
    const render = '.policy-diff.yaml';
    listed = twoCommits(
      'argo-helm-root',
      {
        ...withoutRoot,
        [render]: 'render:\n  - helm: apps\n',
        // A plain file no Application reads: '(other files)', beside the chart's target.
        'extra/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra\n',
      },
      ARGO_HEAD,
    );
  });
  afterAll(() => {
    process.env.PATH = path;
    fx.repo.remove();
    listed.repo.remove();
  });

  it('follows the Applications the chart renders, with their kustomize options and namespaces', async () => {
    const { report } = await runDiff({ repo: fx.repo.path, base: fx.base, head: fx.head, layer: 'l4' });
    expect(changes(report)).toEqual([
      '(one cluster) opened shop/prod-batch[Deployment] -> shop/prod-web[Deployment]: TCP 8080',
    ]);
    // The chart's own Application renders what root already rendered: followed once, no copies.
    expect(report.diagnostics.filter((d) => d.code === 'duplicate-object')).toEqual([]);
    expect(report.incomplete).toBe(false);
  });

  it('cites each rendered Application at its template, in the target of what rendered it', async () => {
    const { renderRevision } = await import('../../src/gitops/render-revision.js');
    const { readRevision } = await import('../../src/git/read-revision.js');
    const { DEFAULT_CONFIG } = await import('../../src/config/types.js');
    const input = { kind: 'git' as const, repo: fx.repo.path, rev: fx.head };
    const files = await readRevision(input, {
      include: DEFAULT_CONFIG.include,
      exclude: DEFAULT_CONFIG.exclude,
    });
    const g = await renderRevision(input, files, DEFAULT_CONFIG, { searchPath: helmSearchPath });
    expect(g.apps?.map((a) => [a.app, a.group, a.files.map((f) => [f.path, f.landing?.namespace])])).toEqual([
      ['Application argocd/apps', 'argocd', [['apps/Chart.yaml', 'argocd']]],
      ['Application argocd/apps', 'argocd', [['argocd/root.yaml', undefined]]],
      ['Application argocd/shop', 'argocd', [['shop/kustomization.yaml', 'shop']]],
      ['Application argocd/plain', 'argocd', [['plain/db.yaml', 'plain']]],
    ]);
    expect(g.files).toEqual([]);
    expect(g.roots).toEqual([]);
  });

  it('a listed chart root whose output is Applications is the top of their target', async () => {
    const { report } = await runDiff({
      repo: listed.repo.path,
      base: listed.base,
      head: listed.head,
      layer: 'l4',
    });
    // The chart's directory names the target (.policy-diff.yaml, the config, is no plain file).
    expect(report.targets?.map((t) => [t.name, t.changed])).toEqual([
      ['(other files)', false],
      ['apps', true],
    ]);
    expect(changes(report)).toEqual([
      'apps opened shop/prod-batch[Deployment] -> shop/prod-web[Deployment]: TCP 8080',
    ]);
    expect(report.diagnostics.filter((d) => d.code === 'duplicate-object')).toEqual([]);
    expect(report.incomplete).toBe(false);
  });
});

describe.skipIf(!hasKustomize || !hasHelm)(
  `Argo CD: a source a config management plugin renders${noHelm}`,
  () => {
    const path = process.env.PATH;
    let fx: ReturnType<typeof twoCommits>;
    let quiet: string;
    beforeAll(() => {
      process.env.PATH = helmSearchPath;
      fx = twoCommits('argo-plugin', ARGO_PLUGIN, ARGO_HEAD);
      // A commit that changes no path: only a comment in shop.
      writeFiles(fx.repo.path, {
        'shop/apps.yaml': `# the shop's workloads\n${ARGO_PLUGIN['shop/apps.yaml']}`,
      });
      quiet = commitAll(fx.repo.path, 'comment');
    });
    afterAll(() => {
      process.env.PATH = path;
      fx.repo.remove();
    });

    // One per side: the head's.
    const plugin = (report: Report) =>
      report.diagnostics.filter((d) => d.code === 'application-plugin-not-analysed').slice(-1);

    it('says the plugin renders it and what is not analysed, at the Application; no missing all.yaml', async () => {
      const { report } = await runDiff({ repo: fx.repo.path, base: fx.base, head: fx.head, layer: 'l4' });
      expect(plugin(report).map((d) => [d.severity, d.location?.file, d.dropped])).toEqual([
        ['error', 'apps/templates/applications.yaml', 'every object rendered by plugins/kustomized-helm'],
      ]);
      expect(plugin(report)[0]?.message).toContain(
        "Application argocd/kustomized-helm renders plugins/kustomized-helm with the Argo CD config management plugin 'kustomized-helm'",
      );
      expect(report.diagnostics.filter((d) => d.code === 'kustomize-reference-missing')).toEqual([]);
      // shop's change lies within what the plugin's unknown output could decide: incomplete.
      expect(report.incomplete).toBe(true);
    });

    it('a pull request that changes nothing it could explain is not failed by it (a warning)', async () => {
      const { report } = await runDiff({ repo: fx.repo.path, base: fx.head, head: quiet, layer: 'l4' });
      expect(report.changes).toEqual([]);
      expect(plugin(report).map((d) => d.severity)).toEqual(['warning']);
      expect(report.incomplete).toBe(false);
    });
  },
);

describe.skipIf(!hasKustomize)('Argo CD: a directory source Argo CD evaluates as Jsonnet', () => {
  let fx: ReturnType<typeof twoCommits>;
  let quiet: string;
  beforeAll(() => {
    fx = twoCommits('argo-jsonnet', ARGO_JSONNET, ARGO_HEAD);
    writeFiles(fx.repo.path, { 'shop/apps.yaml': `# the shop's workloads\n${ARGO['shop/apps.yaml']}` });
    quiet = commitAll(fx.repo.path, 'comment');
  });
  afterAll(() => fx.repo.remove());

  // One per Application per side: the head's.
  const jsonnet = (report: Report) =>
    report.diagnostics.filter((d) => d.code === 'application-jsonnet-not-analysed').slice(-2);

  it('says Argo CD evaluates it and it is not analysed, at the Application; the change is uncertain', async () => {
    const { report } = await runDiff({ repo: fx.repo.path, base: fx.base, head: fx.head, layer: 'l4' });
    expect(
      jsonnet(report).map((d) => [d.severity, `${d.location?.file}:${d.location?.line}`, d.dropped]),
    ).toEqual([
      ['error', 'argocd/apps/guestbook.yaml:9', 'every object rendered by jsonnet-guestbook'],
      ['error', 'argocd/apps/tla.yaml:9', 'every object rendered by tla'],
    ]);
    expect(jsonnet(report)[0]?.message).toContain(
      'Application argocd/guestbook reads jsonnet-guestbook as a directory that holds Jsonnet (jsonnet-guestbook/guestbook-ui.jsonnet, jsonnet-guestbook/params.libsonnet)',
    );
    expect(jsonnet(report)[1]?.message).toContain('source.directory.jsonnet is set');
    expect(report.incomplete).toBe(true);
  });

  it('a pull request that changes nothing it could explain is not failed by it (a warning)', async () => {
    const { report } = await runDiff({ repo: fx.repo.path, base: fx.head, head: quiet, layer: 'l4' });
    expect(report.changes).toEqual([]);
    expect(jsonnet(report).map((d) => d.severity)).toEqual(['warning', 'warning']);
    expect(report.incomplete).toBe(false);
  });
});

describe('normaliseRepoURL', () => {
  it('https, ssh and scp-like forms of one repository are equal; another repository is not', () => {
    const forms = [
      'https://github.com/Example/fleet.git',
      'ssh://git@github.com/example/fleet',
      'git@github.com:example/fleet.git',
      'https://github.com/example/fleet/',
      'ssh://git@github.com:22/example/fleet',
    ];
    expect(new Set(forms.map(normaliseRepoURL))).toEqual(new Set(['github.com/example/fleet']));
    expect(normaliseRepoURL('https://github.com/example/fleet-infra')).not.toBe('github.com/example/fleet');
  });
});
