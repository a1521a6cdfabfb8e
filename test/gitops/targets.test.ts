import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import type { Report } from '../../src/report/types.js';
import { runDiff } from '../../src/run.js';
import { commitAll, initRepo, writeFiles } from '../git/helpers.js';
import { runCli } from '../helpers/cli.js';
import { hasKustomize, tempDir } from './helpers.js';

const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: main
          image: example/${name}:1
          ports:
            - containerPort: 8080
`;

const allowTo = (name: string, from: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: ${from}
      ports:
        - port: 8080
`;

// Each cluster marks its objects, so merged into one cluster they would be different duplicates.
const PROD = 'commonAnnotations:\n  env: prod\n';

/** clusters/prod and clusters/staging, both built from one shared base. */
const LAYOUT = {
  'base/kustomization.yaml': 'resources:\n  - apps.yaml\n  - netpol.yaml\n',
  'base/apps.yaml': ['web', 'client', 'batch'].map(deployment).join('---\n'),
  'base/netpol.yaml': allowTo('web-from-client', 'client'),
  'clusters/prod/kustomization.yaml': `${PROD}resources:\n  - ../../base\n`,
  'clusters/staging/kustomization.yaml': 'commonAnnotations:\n  env: staging\nresources:\n  - ../../base\n',
};

function changes(report: Report): string[] {
  return report.changes.map((c) => `${c.target} ${c.kind} ${c.source.id} -> ${c.destination.id}: ${c.added}`);
}

describe.skipIf(!hasKustomize)('targets: clusters/prod and clusters/staging with a shared base', () => {
  const repo = tempDir('targets');
  let base = '';
  let head = '';

  beforeAll(() => {
    initRepo(repo.path);
    writeFiles(repo.path, LAYOUT);
    base = commitAll(repo.path, 'two clusters');
    writeFiles(repo.path, {
      'clusters/prod/kustomization.yaml': `${PROD}resources:\n  - ../../base\n  - batch-to-web.yaml\n`,
      'clusters/prod/batch-to-web.yaml': allowTo('web-from-batch', 'batch'),
    });
    head = commitAll(repo.path, 'prod: batch may call web');
  });
  afterAll(() => repo.remove());

  it('analyses each cluster on its own: no duplicates between them, the change in prod only', async () => {
    const { report } = await runDiff({ repo: repo.path, base, head, layer: 'l4' });
    expect(report.diagnostics.filter((d) => d.code === 'duplicate-object')).toEqual([]);
    expect(report.incomplete).toBe(false);
    expect(changes(report)).toEqual([
      'clusters/prod opened shop/batch[Deployment] -> shop/web[Deployment]: TCP 8080',
    ]);
    expect(report.targets?.map((t) => [t.name, t.changed, t.summary.opened])).toEqual([
      ['clusters/prod', true, 1],
      ['clusters/staging', false, 0],
    ]);
    expect(report.summary.opened).toBe(1);
    const text = renderText(report);
    expect(text).toContain('Targets: clusters/prod opens 1; clusters/staging no change\n');
    expect(text).toContain('    [clusters/prod] shop/batch[Deployment] -> shop/web[Deployment] : TCP 8080');
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('Targets: `clusters/prod` opens 1; `clusters/staging` no change');
    expect(markdown).toContain('`clusters/prod`: `shop/batch[Deployment]` → `shop/web[Deployment]`');
  });

  it('narrows to the targets asked for, and refuses a name the repository does not have', async () => {
    const { report } = await runDiff({
      repo: repo.path,
      base,
      head,
      layer: 'l4',
      targets: ['clusters/staging'],
    });
    expect(report.changes).toEqual([]);
    expect(report.targets?.map((t) => t.name)).toEqual(['clusters/staging']);
    await expect(runDiff({ repo: repo.path, base, head, layer: 'l4', targets: ['prod'] })).rejects.toThrow(
      "no target 'prod' in this repository; its targets: 'clusters/prod', 'clusters/staging'",
    );
  });

  it('the CLI narrows with --target, and names the targets when one is unknown', async () => {
    const one = await runCli([
      'diff',
      '--repo',
      repo.path,
      '--layer',
      'l4',
      '--target',
      'clusters/staging',
      base,
      head,
    ]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Targets: clusters/staging no change');
    const bad = await runCli(['diff', '--repo', repo.path, '--target', 'prod', base, head]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("no target 'prod' in this repository");
  });

  it('takes the targets from the config: one target over both roots merges them again', async () => {
    const dir = tempDir('targets-config');
    try {
      writeFiles(dir.path, {
        'one.yaml': 'targets:\n  - name: everything\n    paths: [clusters]\n',
        'two.yaml': 'targets:\n  - name: prod\n    paths: [clusters/prod]\n',
      });
      const one = await runDiff({
        repo: repo.path,
        base,
        head,
        layer: 'l4',
        configPath: `${dir.path}/one.yaml`,
      });
      expect(one.report.targets?.map((t) => t.name)).toEqual(['everything']);
      // Both roots in one cluster: each object twice, as one cluster would receive them.
      expect(one.report.diagnostics.some((d) => d.code === 'duplicate-object')).toBe(true);
      const two = await runDiff({
        repo: repo.path,
        base,
        head,
        layer: 'l4',
        configPath: `${dir.path}/two.yaml`,
      });
      expect(changes(two.report)).toEqual([
        'prod opened shop/batch[Deployment] -> shop/web[Deployment]: TCP 8080',
      ]);
      const notes = two.report.diagnostics.filter((d) => d.code === 'not-in-any-target');
      expect(notes.map((d) => `${d.location?.revision} ${d.message}`).sort()).toEqual(
        [base, head]
          .map((r) => `${r} in no target of 'targets' in the config, not analysed: clusters/staging`)
          .sort(),
      );
    } finally {
      dir.remove();
    }
  });
});

describe.skipIf(!hasKustomize)('targets: the config file is no manifest', () => {
  const repo = tempDir('targets-config-file');
  afterAll(() => repo.remove());

  it('.policy-diff.yaml beside discovered targets makes no "(other files)" target of its own', async () => {
    initRepo(repo.path);
    writeFiles(repo.path, { ...LAYOUT, '.policy-diff.yaml': 'allowEmptyRevision: false\n' });
    const base = commitAll(repo.path, 'two clusters and the config');
    writeFiles(repo.path, { 'clusters/staging/kustomization.yaml': `${PROD}resources:\n  - ../../base\n` });
    const head = commitAll(repo.path, 'staging marked prod');
    const { report } = await runDiff({ repo: repo.path, base, head, layer: 'l4' });
    expect(report.targets?.map((t) => t.name)).toEqual(['clusters/prod', 'clusters/staging']);
    expect(report.diagnostics.filter((d) => d.location?.file === '.policy-diff.yaml')).toEqual([]);
  });
});

describe.skipIf(!hasKustomize)('targets: two roots that share nothing are parts of one cluster', () => {
  const repo = tempDir('targets-one-cluster');
  let base = '';
  let head = '';

  beforeAll(() => {
    initRepo(repo.path);
    // An apps root and a policies root, applied side by side (no shared base): splitting them
    // would hide the policies from the workloads they select.
    writeFiles(repo.path, {
      'apps/kustomization.yaml': 'resources:\n  - apps.yaml\n',
      'apps/apps.yaml': ['web', 'client', 'batch'].map(deployment).join('---\n'),
      'policies/kustomization.yaml': 'resources:\n  - netpol.yaml\n',
      'policies/netpol.yaml': allowTo('web-from-client', 'client'),
    });
    base = commitAll(repo.path, 'apps and policies');
    writeFiles(repo.path, {
      'policies/kustomization.yaml': 'resources:\n  - netpol.yaml\n  - batch.yaml\n',
      'policies/batch.yaml': allowTo('web-from-batch', 'batch'),
    });
    head = commitAll(repo.path, 'batch may call web');
  });
  afterAll(() => repo.remove());

  it('analyses them as one cluster: the policies select the apps', async () => {
    const { report } = await runDiff({ repo: repo.path, base, head, layer: 'l4' });
    expect(report.targets).toBeUndefined();
    expect(report.changes.map((c) => `${c.kind} ${c.source.id} -> ${c.destination.id}: ${c.added}`)).toEqual([
      'opened shop/batch[Deployment] -> shop/web[Deployment]: TCP 8080',
    ]);
  });
});

describe('targets in .policy-diff.yaml', () => {
  it('reads name and paths', () => {
    const config = parseConfig(
      'targets:\n  - name: prod\n    paths: [clusters/prod/, "apps/*/prod/**"]\n',
      'c.yaml',
    );
    expect(config.targets).toEqual([{ name: 'prod', paths: ['clusters/prod', 'apps/*/prod/**'] }]);
  });

  it.each([
    [
      'targets:\n  - name: a\n    paths: [x]\n  - name: a\n    paths: [y]\n',
      "c.yaml:4: targets[1].name: target 'a' is listed twice",
    ],
    ['targets:\n  - name: a\n', 'c.yaml:2: targets[0].paths: missing paths'],
    ['targets:\n  - name: a\n    paths: [../x]\n', 'must be a relative path or glob inside the repository'],
    ['targets:\n  - name: "a b"\n    paths: [x]\n', "'a b' is not a target name"],
    [
      'targets:\n  - name: a\n    paths: [x]\n    mesh: {}\n',
      "c.yaml:4: unknown key 'mesh' in targets[0]; expected 'name' or 'paths'",
    ],
  ])('refuses %j', (text, message) => {
    expect(() => parseConfig(text, 'c.yaml')).toThrow(message);
  });
});
