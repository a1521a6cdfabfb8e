import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { runDiff } from '../../src/run.js';
import { commitAll, initRepo, writeFiles } from '../git/helpers.js';
import { hasKustomize, tempDir } from '../gitops/helpers.js';
import { deployment } from './helpers.js';

const policy = (ns: string, name: string, selector: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  podSelector: ${selector}
  policyTypes: [Ingress]
`;

/**
 * kubeflow's case: deny-all policies written for team-a, listed in a kustomization whose
 * `namespace:` moves them into a namespace without workloads.
 */
describe.skipIf(!hasKustomize)('a render that moves policies into another namespace', () => {
  const repo = tempDir('render-namespace');
  let report: Report;
  beforeAll(async () => {
    initRepo(repo.path);
    writeFiles(repo.path, {
      'kustomization.yaml': 'resources:\n  - apps\n',
      'apps/kustomization.yaml': 'resources:\n  - apps.yaml\n',
      'apps/apps.yaml': deployment('team-a', 'web') + deployment('kubeflow', 'ui'),
    });
    const base = commitAll(repo.path, 'apps');
    writeFiles(repo.path, {
      'kustomization.yaml': 'resources:\n  - apps\n  - policies\n',
      'policies/kustomization.yaml':
        'namespace: kubeflow-user\nresources:\n  - deny.yaml\n  - ui.yaml\n  - here.yaml\n',
      'policies/deny.yaml': policy('team-a', 'deny-all', '{}'),
      // From a namespace without workloads: the move does not make it dead, so only noted.
      'policies/ui.yaml': policy('team-b', 'ui-only', '{ matchLabels: { app: ui } }'),
      // Already in the namespace the render gives it: nothing to say.
      'policies/here.yaml': policy('kubeflow-user', 'here', '{ matchLabels: { app: ui } }'),
    });
    const head = commitAll(repo.path, 'policies');
    ({ report } = await runDiff({ repo: repo.path, base, head, layer: 'l4' }));
  });
  afterAll(() => repo.remove());

  const moved = () =>
    report.findings
      .filter((f) => f.rule.startsWith('render-'))
      .map((f) => `${f.severity} ${f.rule} ${f.locations.map((l) => `${l.file}:${l.line}`).join(' ')}`);

  it('warns where the move leaves a policy selecting nothing, and notes the other moves', () => {
    expect(moved()).toEqual([
      'warning render-moved-policy-selects-nothing policies/deny.yaml:5',
      'info render-moves-namespace policies/ui.yaml:5',
    ]);
    const dead = report.findings.find((f) => f.rule === 'render-moved-policy-selects-nothing');
    expect(dead?.message).toBe(
      "NetworkPolicy kubeflow-user/deny-all: its file policies/deny.yaml:5 says namespace `team-a`, but the render of . puts it in `kubeflow-user` (kustomize `namespace:`, or an Application's target namespace), and a policy acts on its own namespace only ([rule A1](rules.md#a1)). It selects no workload in `kubeflow-user` (it would in `team-a`): it has no effect. Fix: drop `metadata.namespace` from the file or the `namespace:` from the kustomization, whichever is wrong.",
    );
  });
});
