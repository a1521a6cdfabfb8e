import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { readRevision } from '../../src/git/read-revision.js';
import { renderRevision } from '../../src/gitops/render-revision.js';
import { renderText } from '../../src/render/text.js';
import { runDiff } from '../../src/run.js';
import { commitAll, initRepo, writeFiles } from '../git/helpers.js';
import { expectGolden } from '../helpers/golden.js';
import { allowTo, deployment } from './app-layouts.js';
import { tempDir } from './helpers.js';

const REPO = 'https://github.com/example/fleet.git';

/** An ApplicationSet whose template is one Application of this repository. */
const appSet = (name: string, generator: string, app: string, path: string, ns: string, extra = '') =>
  `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: ${name}
  namespace: argocd
spec:
${extra}  generators:
${generator}  template:
    metadata:
      name: '${app}'
    spec:
      project: default
      source:
        repoURL: ${REPO}
        targetRevision: HEAD
        path: '${path}'
      destination:
        server: https://kubernetes.default.svc
        namespace: '${ns}'
`;

const LIST = `    - list:
        elements:
          - name: alpha
            namespace: team-a
          - name: beta
            namespace: team-b
`;
const DIRS = `    - git:
        repoURL: ${REPO}
        revision: HEAD
        directories:
          - path: apps/*
          - path: apps/skip
            exclude: true
`;
const FILES = `    - git:
        repoURL: ${REPO}
        revision: HEAD
        files:
          - path: envs/*/config.json
          - path: envs/*/config.yaml
`;

const app = (who: string) =>
  `${['web', 'client', 'batch'].map(deployment).join('---\n')}---\n${allowTo(`web-from-${who}`, 'web', 'client')}`;

const LAYOUT: Record<string, string> = {
  'argocd/list.yaml': appSet('list', LIST, '{{name}}', 'list/{{name}}', '{{namespace}}'),
  'argocd/dirs.yaml': appSet(
    'dirs',
    DIRS,
    '{{.path.basename}}',
    '{{.path.path}}',
    'dir-{{.path.basename}}',
    '  goTemplate: true\n',
  ),
  'argocd/files.yaml': appSet('files', FILES, '{{app.name}}', '{{path}}/manifests', '{{app.namespace}}'),
  // A generator not expanded (clusters): said at its line, never silent.
  'argocd/clusters.yaml': appSet(
    'clusters',
    '    - clusters: {}\n',
    '{{name}}-web',
    'list/alpha',
    '{{name}}',
  ),
  // A goTemplate function is not evaluated: the Application is not guessed, and that is said.
  'argocd/fn.yaml': appSet(
    'fn',
    LIST,
    'fn-{{.name}}',
    'list/{{.name}}',
    '{{ .namespace | upper }}',
    '  goTemplate: true\n',
  ),
  'list/alpha/all.yaml': app('alpha'),
  'list/beta/all.yaml': app('beta'),
  'apps/shop/all.yaml': app('shop'),
  'apps/pay/all.yaml': app('pay'),
  'apps/skip/all.yaml': app('skip'),
  'envs/prod/config.json': '{"app": {"name": "prod", "namespace": "env-prod"}}\n',
  'envs/prod/manifests/all.yaml': app('prod'),
  // A file holding a list: one Application per element, as Argo CD does.
  'envs/multi/config.json':
    '[{"app": {"name": "m1", "namespace": "env-m1"}}, {"app": {"name": "m2", "namespace": "env-m2"}}]\n',
  'envs/multi/manifests/all.yaml': app('multi'),
  'envs/dev/config.yaml': 'app:\n  name: dev\n  namespace: env-dev\n',
  'envs/dev/manifests/all.yaml': app('dev'),
};

/** The head: alpha's policy lets batch, not client, call web. */
const HEAD = { 'list/alpha/all.yaml': app('alpha').replace(/app: client\n(\s+ports)/, 'app: batch\n$1') };

/** The text report with the temp repository's commits named base and head (their shas vary per run). */
function stable(text: string, base: string, head: string): string {
  const named = text.split(base).join('<base>').split(head).join('<head>');
  return named.split(base.slice(0, 12)).join('<base>').split(head.slice(0, 12)).join('<head>');
}

function twoCommits() {
  const dates = [process.env.GIT_AUTHOR_DATE, process.env.GIT_COMMITTER_DATE];
  process.env.GIT_AUTHOR_DATE = process.env.GIT_COMMITTER_DATE = '2026-01-01T00:00:00Z';
  try {
    const repo = tempDir('appsets');
    initRepo(repo.path);
    writeFiles(repo.path, LAYOUT);
    const base = commitAll(repo.path, 'base');
    writeFiles(repo.path, HEAD);
    return { repo, base, head: commitAll(repo.path, 'head') };
  } finally {
    for (const [i, name] of ['GIT_AUTHOR_DATE', 'GIT_COMMITTER_DATE'].entries()) {
      if (dates[i] === undefined) delete process.env[name];
      else process.env[name] = dates[i];
    }
  }
}

describe('Argo CD ApplicationSets: list and git (directories, files) generators', () => {
  let fx: ReturnType<typeof twoCommits>;
  beforeAll(() => {
    fx = twoCommits();
  });
  afterAll(() => fx.repo.remove());

  it('each generated Application lands its objects in its destination namespace', async () => {
    const input = { kind: 'git' as const, repo: fx.repo.path, rev: fx.head };
    const files = await readRevision(input, {
      include: DEFAULT_CONFIG.include,
      exclude: DEFAULT_CONFIG.exclude,
    });
    const g = await renderRevision(input, files, DEFAULT_CONFIG);
    const landed = (g.apps ?? []).flatMap((a) =>
      a.files.flatMap((f) => (f.landing ? [`${a.app}: ${f.path} in ${f.landing.namespace}`] : [])),
    );
    expect(landed.sort()).toEqual([
      'ApplicationSet argocd/dirs -> Application pay: apps/pay/all.yaml in dir-pay',
      'ApplicationSet argocd/dirs -> Application shop: apps/shop/all.yaml in dir-shop',
      'ApplicationSet argocd/files -> Application dev: envs/dev/manifests/all.yaml in env-dev',
      'ApplicationSet argocd/files -> Application m1: envs/multi/manifests/all.yaml in env-m1',
      'ApplicationSet argocd/files -> Application m2: envs/multi/manifests/all.yaml in env-m2',
      'ApplicationSet argocd/files -> Application prod: envs/prod/manifests/all.yaml in env-prod',
      'ApplicationSet argocd/list -> Application alpha: list/alpha/all.yaml in team-a',
      'ApplicationSet argocd/list -> Application beta: list/beta/all.yaml in team-b',
    ]);
    // The excluded directory generates no Application.
    expect((g.apps ?? []).some((a) => a.app.endsWith('Application skip'))).toBe(false);
  });

  it('the diff reports exactly the changed paths', async () => {
    const { report } = await runDiff({ repo: fx.repo.path, base: fx.base, head: fx.head, layer: 'l4' });
    expect(
      report.changes.map((c) => `${c.kind} ${c.source.id} -> ${c.destination.id}: ${c.added || c.removed}`),
    ).toEqual([
      'opened team-a/batch[Deployment] -> team-a/web[Deployment]: TCP 8080',
      'closed team-a/client[Deployment] -> team-a/web[Deployment]: TCP 8080',
    ]);
    const notExpanded = report.diagnostics.filter(
      (d) => d.code === 'application-source-not-analysed' && d.location?.file === 'argocd/clusters.yaml',
    );
    expect(notExpanded.map((d) => `${d.location?.file}:${d.location?.line}`)).toEqual([
      'argocd/clusters.yaml:8',
      'argocd/clusters.yaml:8',
    ]);
    expect(notExpanded[0]?.message).toContain(
      'generator clusters is not expanded by policy-diff, not analysed',
    );
    const unfilled = report.diagnostics.filter((d) => d.location?.file === 'argocd/fn.yaml');
    expect(unfilled.map((d) => `${d.code} ${d.location?.line}`)).toEqual([
      'application-source-not-analysed 16',
      'application-source-not-analysed 16',
    ]);
    expect(unfilled[0]?.message).toContain('{{ .namespace | upper }}');
    expectGolden(stable(renderText(report), fx.base, fx.head), 'apps/appset.txt');
  });
});
