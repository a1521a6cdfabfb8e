import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { TempRepo } from '../helpers/git-repo.js';

const NAMESPACE = `apiVersion: v1
kind: Namespace
metadata:
  name: prod
  labels: { team: web }
`;
const APPS = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: prod }
spec:
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          ports: [{ name: http, containerPort: 8080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: prod }
spec:
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: api
          ports: [{ name: http, containerPort: 9000 }]
`;
const DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: prod }
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;
const ALLOW_WEB_TO_API = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-web, namespace: prod }
spec:
  podSelector:
    matchLabels: { app: api }
  ingress:
    - from:
        - podSelector:
            matchLabels: { app: web }
      ports:
        - port: http
`;

const run = (argv: string[]) => runCli(argv);

describe('policy-diff CLI on a real git repository', () => {
  const repo = new TempRepo();
  let base = '';
  let head = '';
  let broken = '';

  beforeAll(() => {
    base = repo.write({ 'ns.yaml': NAMESPACE, 'apps.yaml': APPS, 'policies/deny.yaml': DENY }).commit('base');
    head = repo.write({ 'policies/allow-web.yaml': ALLOW_WEB_TO_API }).commit('open web -> api');
    broken = repo
      .write({
        'policies/broken.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x\n',
      })
      .symlink('policies/outside.yaml', '/etc/passwd')
      .commit('broken file and symlink');
  });
  afterAll(() => repo.cleanup());

  it('reports the opened path with the rule and file:line that opened it', async () => {
    const r = await run(['diff', base, head, '--repo', repo.dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 opened, 0 closed, 0 changed');
    expect(r.stdout).toContain('prod/web[Deployment] -> prod/api[Deployment] : TCP 9000');
    expect(r.stdout).toContain(
      // The rule heads the changes it explains.
      'allowed by NetworkPolicy prod/allow-web ingress[0] (policies/allow-web.yaml:8): 1 path\n    prod/web[Deployment] -> prod/api[Deployment] : TCP 9000\n',
    );
    expect(r.stdout).toContain(
      'was blocked in base: ingress isolated by NetworkPolicy prod/default-deny (policies/deny.yaml:1)',
    );
  });

  it('accepts revision names as well as shas', async () => {
    const r = await run(['diff', 'HEAD~2', 'HEAD~1', '--repo', repo.dir, '--format', 'connlist-diff']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'Connectivity diff:\ndiff-type: added, source: prod/web[Deployment], destination: prod/api[Deployment], ref1: No Connections, ref2: TCP 9000\n',
    );
  });

  it('marks the analysis incomplete (exit 3) on malformed YAML, names revision:file:line, and never follows symlinks', async () => {
    const r = await run(['diff', head, broken, '--repo', repo.dir]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('ANALYSIS INCOMPLETE');
    expect(r.stdout).toMatch(new RegExp(`${broken}:policies/broken\\.yaml:\\d+:\\d+: error: `));
    expect(r.stdout).not.toContain('root:');
  });

  it('reports the symlink out of the repository as an error in JSON diagnostics', async () => {
    const r = await run(['diff', head, broken, '--repo', repo.dir, '--format', 'json']);
    const report = JSON.parse(r.stdout) as {
      incomplete: boolean;
      diagnostics: { code: string; location?: { file: string } }[];
    };
    expect(report.incomplete).toBe(true);
    expect(report.diagnostics.map((d) => [d.code, d.location?.file])).toContainEqual([
      'symlink-outside-repository',
      'policies/outside.yaml',
    ]);
  });

  it('prints the matrix as a netpol-analyzer connectivity list', async () => {
    const r = await run(['matrix', head, '--repo', repo.dir, '--format', 'connlist']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        // default-deny isolates both pods' ingress: nothing reaches web, only web reaches api.
        'prod/api[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
        'prod/web[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
        'prod/web[Deployment] => prod/api[Deployment] : TCP 9000',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [['diff', 'only-one'], /exactly two arguments/],
    [
      ['diff', 'a', 'b', '--format', 'yaml'],
      /--format must be one of text, markdown, json, sarif, connlist-diff/,
    ],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['diff', 'nope', 'HEAD'], /base: 'nope' is neither a directory nor a revision/],
  ])('usage error %j exits 2 with a clear message', async (argv, message) => {
    const r = await run([...argv, '--repo', repo.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('prints help for each command', async () => {
    for (const argv of [['--help'], ['diff', '--help'], ['matrix', '--help']]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage:');
    }
  });
});
