import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Git for fixtures only, isolated from the developer's own git config. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

const deployment = (name: string, port: number) => `apiVersion: apps/v1
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
        - name: ${name}
          image: example/${name}:1
          ports:
            - containerPort: ${port}
`;

const BASE_FILES: Record<string, string> = {
  'cluster/namespace.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: shop
`,
  'cluster/web.yaml': deployment('web', 80),
  'cluster/api.yaml': deployment('api', 8080),
  'cluster/policies.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
`,
};

/** The policy a PR adds: web -> api on TCP 8080 becomes allowed. */
export const OPENING_POLICY = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-web-to-api
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: api
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: web
      ports:
        - protocol: TCP
          port: 8080
`;

export interface FixtureRepo {
  readonly dir: string;
  readonly base: string;
  readonly head: string;
}

/**
 * A repository like a GitOps repo on a PR branch: `main` has the namespace, two deployments and a
 * default deny; the `feature` branch adds a policy that opens web -> api. HEAD is the feature tip,
 * as actions/checkout leaves it (roughly: it checks out the merge commit or the head).
 */
export function createFixtureRepo(dir: string): FixtureRepo {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  // A shallow clone of this repo must be able to fetch the base commit by sha, as GitHub allows.
  git(dir, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  write(dir, BASE_FILES);
  const base = commitAll(dir, 'base');
  git(dir, 'checkout', '-q', '-b', 'feature');
  write(dir, { 'cluster/policies.yaml': `${BASE_FILES['cluster/policies.yaml']}${OPENING_POLICY}` });
  const head = commitAll(dir, 'open web -> api');
  // A branch whose manifests cannot all be read: the analysis is incomplete and must fail closed.
  git(dir, 'checkout', '-q', '-b', 'broken');
  write(dir, { 'cluster/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n' });
  commitAll(dir, 'broken manifest');
  git(dir, 'checkout', '-q', 'feature');
  return { dir, base, head };
}

/** The same two states as plain directories, as the self-test workflow compares fixtures/demo. */
export function writeSnapshotDirs(dir: string): void {
  write(join(dir, 'snapshots/base'), BASE_FILES);
  write(join(dir, 'snapshots/head'), {
    ...BASE_FILES,
    'cluster/policies.yaml': `${BASE_FILES['cluster/policies.yaml']}${OPENING_POLICY}`,
  });
}

/** The checkout a default `actions/checkout` (depth 1) leaves: only the head commit. */
export function shallowClone(repo: FixtureRepo, dir: string): string {
  git(dirname(dir), 'clone', '-q', '--depth=1', '--branch', 'feature', `file://${repo.dir}`, dir);
  return dir;
}
