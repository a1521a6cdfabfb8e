import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { TempRepo } from '../helpers/git-repo.js';

/** Through the CLI on a real git repository: encodings, symlinks and a damaged clone. */
const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n';
const APPS = ['web', 'api']
  .map(
    (app) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${app}, namespace: prod}
spec:
  template:
    metadata: {labels: {app: ${app}}}
    spec: {containers: [{name: c, ports: [{containerPort: 9000}]}]}
`,
  )
  .join('---\n');
const DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: prod}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;
const ALLOW = `# é in a comment
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-web, namespace: prod}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 9000}]}]
`;

const run = (argv: string[]) => runCli(argv);

describe('policy-diff CLI: files as kubectl reads them', () => {
  const repo = new TempRepo();
  let base = '';
  let utf16 = '';
  let linked = '';
  let escaped = '';

  beforeAll(() => {
    base = repo.write({ 'ns.yaml': NAMESPACE, 'apps.yaml': APPS, 'policies/deny.yaml': DENY }).commit('base');
    // kubectl applies a UTF-16 file with a BOM: the path it opens is real.
    const bom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ALLOW, 'utf16le')]);
    // TempRepo.write takes strings: write the bytes themselves.
    writeFileSync(join(repo.dir, 'policies/allow.yaml'), bom);
    utf16 = repo.commit('allow web -> api, in UTF-16');
    // The same policy moved to shared/ and linked back: read twice, identical, nothing changes.
    linked = repo
      .remove('policies/allow.yaml')
      .write({ 'shared/allow.yaml': ALLOW })
      .symlink('policies/allow.yaml', '../shared/allow.yaml')
      .commit('link');
    escaped = repo.symlink('policies/extra.yaml', '../../../etc/hostname').commit('escape');
  });
  afterAll(() => repo.cleanup());

  it('a UTF-16 policy file with a BOM is analysed (kubectl applies it)', async () => {
    const r = await run(['diff', base, utf16, '--repo', repo.dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 opened, 0 closed, 0 changed');
    expect(r.stdout).toContain('allowed by NetworkPolicy prod/allow-web');
  });

  it('a policy replaced by an in-repo symlink is followed: no change, no duplicate warning', async () => {
    const r = await run(['diff', utf16, linked, '--repo', repo.dir, '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { incomplete: boolean; diagnostics: { code: string }[] };
    expect(report.incomplete).toBe(false);
    expect(report.diagnostics.map((d) => d.code)).not.toContain('duplicate-object');
    expect(r.stdout).not.toContain('symlink');
  });

  it('a symlink out of the repository is never read: incomplete (exit 3), named at revision:path', async () => {
    const r = await run(['diff', linked, escaped, '--repo', repo.dir]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('ANALYSIS INCOMPLETE');
    expect(r.stdout).toContain(
      `${escaped}:policies/extra.yaml:1:1: error: symlink to ../../../etc/hostname leaves the repository; not read`,
    );
  });

  it('a blob missing from the clone: an error for that file, exit 3, no stack trace', async () => {
    const damaged = new TempRepo();
    try {
      const first = damaged.write({ 'ns.yaml': NAMESPACE, 'apps.yaml': APPS }).commit('base');
      const second = damaged.write({ 'policies/deny.yaml': DENY, 'docs/big.txt': 'x\n' }).commit('deny');
      for (const path of ['policies/deny.yaml', 'docs/big.txt']) {
        const sha = damaged.git('rev-parse', `${second}:${path}`);
        rmSync(join(damaged.dir, '.git', 'objects', sha.slice(0, 2), sha.slice(2)));
      }
      const r = await run(['diff', first, second, '--repo', damaged.dir]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain(`${second}:policies/deny.yaml:1:1: error: the file is listed in the tree`);
      expect(r.stdout).not.toContain('docs/big.txt');
    } finally {
      damaged.cleanup();
    }
  });
});
