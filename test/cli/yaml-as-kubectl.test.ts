import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

/**
 * Through the CLI: the manifests are analysed as kubectl sends them (YAML 1.1 scalars of
 * sigs.k8s.io/yaml), so a head revision that only changes how a value is written reports what the
 * cluster would do with it.
 */
const APPS = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: db}]}
`;

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{protocol: TCP, port: 5432}]
`;

describe('policy-diff reads YAML as kubectl sends it', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'policy-diff-yaml-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const dir = (name: string, files: Record<string, string>) => {
    const path = join(tmp, name);
    mkdirSync(path, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(path, file), text);
    return path;
  };
  const base = dir('base', { 'apps.yaml': APPS, 'policy.yaml': POLICY });

  async function diff(head: string) {
    let stdout = '';
    let stderr = '';
    const code = await main(['diff', base, head], {
      stdout: (s) => {
        stdout += s;
      },
      stderr: (s) => {
        stderr += s;
      },
      cwd: tmp,
    });
    return { code, stdout, stderr };
  }

  it('port: 05432 is TCP 2842 (YAML 1.1 octal), as kubectl sends it', async () => {
    const head = dir('octal', {
      'apps.yaml': APPS,
      'policy.yaml': POLICY.replace('port: 5432', 'port: 05432'),
    });
    const r = await diff(head);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain(
      'shop/web[Deployment] -> shop/db[Deployment] : TCP 5432 -> TCP 2842 (+TCP 2842) (-TCP 5432)',
    );
  });

  it('matchLabels: {app: !!binary d2Vi} is app=web: nothing changes', async () => {
    const head = dir('binary', {
      'apps.yaml': APPS,
      'policy.yaml': POLICY.replace('{matchLabels: {app: web}}', '{matchLabels: {app: !!binary d2Vi}}'),
    });
    const r = await diff(head);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('No change in who can reach whom.');
  });

  // The API server rejects an object whose label value is not a string: it takes no effect, and
  // the run is incomplete (exit 3) rather than a certain answer about a policy that is not there.
  it.each([
    [
      'NetworkPolicy podSelector',
      { 'policy.yaml': POLICY.replace('{matchLabels: {app: web}}', '{matchLabels: {app: on}}') },
      ['invalid-networkpolicy', 'non-string-label'],
    ],
    [
      'NetworkPolicy namespaceSelector',
      {
        'policy.yaml': POLICY.replace(
          '{podSelector: {matchLabels: {app: web}}}',
          '{namespaceSelector: {matchLabels: {team: yes}}}',
        ),
      },
      ['invalid-networkpolicy', 'non-string-label'],
    ],
    [
      'AuthorizationPolicy selector',
      {
        'authz.yaml':
          'apiVersion: security.istio.io/v1beta1\nkind: AuthorizationPolicy\nmetadata: {name: deny, namespace: shop}\nspec:\n  selector: {matchLabels: {app: true}}\n  action: DENY\n  rules: [{}]\n',
      },
      ['istio-invalid-authz', 'non-string-label'],
    ],
    [
      'PeerAuthentication selector',
      {
        'peer.yaml':
          'apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata: {name: strict, namespace: shop}\nspec:\n  selector: {matchLabels: {app: 1}}\n  mtls: {mode: STRICT}\n',
      },
      ['istio-invalid-peerauthentication', 'non-string-label'],
    ],
    [
      'Deployment pod template labels',
      { 'apps.yaml': APPS.replace('labels: {app: web}}', 'labels: {app: web, tier: on}}') },
      ['non-string-label'],
    ],
  ])('%s with an unquoted non-string label value is an error (exit 3)', async (name, files, errorCodes) => {
    const head = dir(name.replaceAll(' ', '-'), { 'apps.yaml': APPS, 'policy.yaml': POLICY, ...files });
    const r = await diff(head);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('ANALYSIS INCOMPLETE');
    const problems = r.stdout.slice(r.stdout.indexOf('Input problems'));
    for (const code of errorCodes) expect(problems).toMatch(new RegExp(`error: .*\\[${code}\\]`));
  });
});
