import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A deterministic, seeded generator of synthetic GitOps repositories for the benchmark.
 *
 * Shapes follow what real clusters look like: a default-deny per team namespace, DNS and
 * monitoring allowances, per-app allow rules by labels (named ports), cross-namespace rules by
 * namespaceSelector, egress ipBlocks with excepts, a monitoring namespace, injected and
 * non-injected namespaces, PeerAuthentication (mesh, namespace and workload level), ALLOW and
 * DENY AuthorizationPolicies with paths and methods, proxy-resource annotations, Services.
 * The head revision differs from the base like a real pull request: a handful of policies and
 * workloads changed, added or removed.
 */
export interface SizeSpec {
  readonly name: string;
  readonly namespaces: number;
  readonly workloads: number;
  readonly networkPolicies: number;
  readonly authorizationPolicies: number;
  /**
   * How most platforms run: every workload in the mesh with its own service account and an
   * AuthorizationPolicy naming its caller's (the issue's 2,000-workload case); else a mix.
   */
  readonly accountPerWorkload?: boolean;
}

export const SIZES: readonly SizeSpec[] = [
  { name: 'S', namespaces: 10, workloads: 100, networkPolicies: 50, authorizationPolicies: 20 },
  { name: 'M', namespaces: 100, workloads: 1_000, networkPolicies: 500, authorizationPolicies: 200 },
  { name: 'L', namespaces: 500, workloads: 10_000, networkPolicies: 3_000, authorizationPolicies: 1_000 },
  { name: 'XL', namespaces: 2_000, workloads: 50_000, networkPolicies: 15_000, authorizationPolicies: 5_000 },
  {
    name: 'SA',
    namespaces: 42,
    workloads: 2_000,
    networkPolicies: 1_000,
    authorizationPolicies: 2_000,
    accountPerWorkload: true,
  },
];

export type Files = Map<string, string>;

export interface GeneratedRepo {
  readonly size: SizeSpec;
  readonly base: Files;
  readonly head: Files;
  /** What the head commit changes, for the commit message. */
  readonly changes: readonly string[];
  /** The team namespaces and their apps, for the pull-request scenarios (scenarios.ts). */
  readonly teams: readonly TeamNamespace[];
}

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TIERS = ['front', 'back', 'db'] as const;
const TEAMS = 25;
const pad = (n: number, width = 3) => String(n).padStart(width, '0');

export interface App {
  readonly ns: string;
  readonly name: string;
  /** Its service account: its own in some namespaces, the namespace's `default` in the others. */
  readonly sa: string;
  readonly tier: (typeof TIERS)[number];
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly grpc: boolean;
  readonly lowProxy: boolean;
}

export interface TeamNamespace {
  readonly name: string;
  readonly team: number;
  readonly env: string;
  readonly injected: boolean;
  /** Each workload runs as its own service account (else all as `default`). */
  readonly perWorkloadSa: boolean;
  /** Egress is open to every pod of the cluster: per-app and cross-namespace rules take effect. */
  readonly egressToCluster: boolean;
  readonly apps: App[];
}

export function generateRepo(size: SizeSpec, seed = 1): GeneratedRepo {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const files: Files = new Map();

  // Namespaces: istio-system and monitoring, the rest are team namespaces.
  const teamCount = Math.max(1, size.namespaces - 2);
  const teams: TeamNamespace[] = [];
  for (let i = 0; i < teamCount; i++) {
    teams.push({
      name: `team-${pad(i)}`,
      team: i % TEAMS,
      env: pick(['prod', 'staging', 'dev']),
      injected: random() < 0.7 || size.accountPerWorkload === true,
      perWorkloadSa: i % 4 !== 3 || size.accountPerWorkload === true,
      egressToCluster: i % 3 === 0,
      apps: [],
    });
  }
  files.set('namespaces/istio-system.yaml', namespaceYaml('istio-system', {}));
  files.set('namespaces/monitoring.yaml', namespaceYaml('monitoring', { purpose: 'monitoring' }));
  for (const t of teams) {
    files.set(
      `namespaces/${t.name}.yaml`,
      namespaceYaml(t.name, {
        team: `t${pad(t.team, 2)}`,
        env: t.env,
        ...(t.injected ? { 'istio-injection': 'enabled' } : {}),
      }),
    );
  }

  // Workloads: two in monitoring, the rest spread over the team namespaces.
  files.set('apps/monitoring/prometheus.yaml', monitoringYaml('prometheus', 9090));
  files.set('apps/monitoring/grafana.yaml', monitoringYaml('grafana', 3000));
  for (let i = 0; i < size.workloads - 2; i++) {
    const t = teams[i % teams.length]!;
    const index = t.apps.length;
    const name = `svc-${pad(index)}`;
    const app: App = {
      ns: t.name,
      name,
      sa: t.perWorkloadSa ? name : 'default',
      tier: TIERS[index % TIERS.length]!,
      kind: random() < 0.1 ? 'StatefulSet' : 'Deployment',
      grpc: random() < 0.4,
      lowProxy: random() < 0.05,
    };
    t.apps.push(app);
    files.set(appPath(app), appYaml(app, t.injected));
  }

  // NetworkPolicies: default-deny and DNS/monitoring per namespace, then per-app, cross-namespace
  // and ipBlock rules round-robin until the size's count is reached.
  let np = 0;
  const npFile = (ns: string, name: string, text: string) => {
    files.set(`policies/${ns}/${name}.yaml`, text);
    np++;
  };
  for (const t of teams) {
    if (np >= size.networkPolicies) break;
    npFile(t.name, 'default-deny', defaultDeny(t.name));
  }
  for (const t of teams) {
    if (np >= size.networkPolicies) break;
    npFile(t.name, 'allow-dns-monitoring', dnsAndMonitoring(t.name));
  }
  for (const t of teams) {
    if (np >= size.networkPolicies) break;
    if (t.egressToCluster) npFile(t.name, 'allow-egress-cluster', egressToCluster(t.name));
  }
  const perNs = new Map<string, number>();
  for (let round = 0; np < size.networkPolicies; round++) {
    for (const t of teams) {
      if (np >= size.networkPolicies) break;
      const k = perNs.get(t.name) ?? 0;
      perNs.set(t.name, k + 1);
      const shape = (round + t.team) % 4;
      if (shape === 3) {
        const peer = teams[(teams.indexOf(t) + 1 + Math.floor(random() * 7)) % teams.length]!;
        npFile(t.name, `allow-cross-${k}`, crossNamespace(t.name, peer.team, k));
      } else if (shape === 2 && round % 2 === 0) {
        npFile(t.name, `egress-external-${k}`, ipBlockEgress(t.name, k, pick(TIERS)));
      } else if (t.apps.length >= 2) {
        const dst = t.apps[(k * 2) % t.apps.length]!;
        const src = t.apps[(k * 2 + 1) % t.apps.length]!;
        npFile(t.name, `allow-${dst.name}-from-${src.name}-${k}`, perApp(t.name, dst, src, k));
      } else {
        npFile(t.name, `allow-cross-${k}`, crossNamespace(t.name, (t.team + 1) % TEAMS, k));
      }
    }
  }

  // Istio: a mesh-wide PERMISSIVE PeerAuthentication, STRICT in some injected namespaces, a
  // workload-level one with portLevelMtls; ALLOW and DENY AuthorizationPolicies.
  files.set(
    'istio/istio-system/peer-authentication.yaml',
    peerAuthn('default', 'istio-system', 'PERMISSIVE'),
  );
  const injected = teams.filter((t) => t.injected && t.apps.length > 0);
  injected.forEach((t, i) => {
    if (i % 3 === 0)
      files.set(`istio/${t.name}/peer-authentication.yaml`, peerAuthn('default', t.name, 'STRICT'));
    if (i % 10 === 1) files.set(`istio/${t.name}/peer-authentication-db.yaml`, workloadPeerAuthn(t.name));
  });
  let ap = 0;
  // One per workload: each lets its neighbour's account in.
  for (const t of size.accountPerWorkload ? injected : []) {
    t.apps.forEach((dst, k) => {
      if (ap >= size.authorizationPolicies) return;
      const src = t.apps[(k + 1) % t.apps.length]!;
      files.set(`istio/${t.name}/allow-${dst.name}.yaml`, allowApp(t.name, dst, src, 0));
      ap++;
    });
  }
  for (let round = 0; ap < size.authorizationPolicies && injected.length > 0; round++) {
    for (const t of injected) {
      if (ap >= size.authorizationPolicies) break;
      if (round % 3 === 1) {
        files.set(`istio/${t.name}/deny-admin-${round}.yaml`, denyAdmin(t.name, round));
      } else {
        const dst = t.apps[(round * 3) % t.apps.length]!;
        const src = t.apps[(round * 3 + 1) % t.apps.length]!;
        files.set(`istio/${t.name}/allow-${dst.name}-${round}.yaml`, allowApp(t.name, dst, src, round));
      }
      ap++;
    }
  }

  const head = new Map(files);
  const changes = pullRequest(head, teams, random);
  return { size, base: files, head, changes, teams };
}

/** Edits `head` like a real PR: a few policies and workloads changed, added, removed. */
function pullRequest(head: Files, teams: readonly TeamNamespace[], random: () => number): string[] {
  const changes: string[] = [];
  const withApps = teams.filter((t) => t.apps.length >= 3);
  const at = (i: number) => withApps[Math.floor((i * withApps.length) / 7 + random() * 3) % withApps.length]!;
  // 1. A per-app allow rule gains a port.
  for (const [path, text] of head) {
    if (path.startsWith(`policies/${at(0).name}/allow-svc`)) {
      head.set(path, text.replace('- port: http', '- port: http\n        - port: 9090'));
      changes.push(`${path}: port 9090 added`);
      break;
    }
  }
  // 2. One namespace's egress is no longer isolated: both policies selecting every pod drop Egress
  // (dropping it from one alone changes nothing while the other still isolates).
  const t1 = at(1).name;
  const deny = `policies/${t1}/default-deny.yaml`;
  const dns = `policies/${t1}/allow-dns-monitoring.yaml`;
  if (head.has(deny) && head.has(dns)) {
    head.set(deny, head.get(deny)!.replace('    - Egress\n', ''));
    head.set(
      dns,
      head
        .get(dns)!
        .replace('    - Egress\n', '')
        .replace(/ {2}egress:\n[\s\S]*?(?= {2}ingress:)/, ''),
    );
    changes.push(`${deny}, ${dns}: egress no longer isolated`);
  }
  // 3. A new cross-namespace rule.
  const t2 = at(2);
  head.set(
    `policies/${t2.name}/allow-from-monitoring-all.yaml`,
    crossNamespace(t2.name, (t2.team + 3) % TEAMS, 99),
  );
  changes.push(`policies/${t2.name}/allow-from-monitoring-all.yaml added`);
  // 4. A policy removed.
  for (const path of head.keys()) {
    if (path.startsWith(`policies/${at(3).name}/allow-svc`)) {
      head.delete(path);
      changes.push(`${path} removed`);
      break;
    }
  }
  // 5. A workload added, one removed, one relabelled.
  const t4 = at(4);
  const added: App = {
    ns: t4.name,
    name: 'svc-new',
    sa: 'svc-new',
    tier: 'back',
    kind: 'Deployment',
    grpc: false,
    lowProxy: true,
  };
  head.set(appPath(added), appYaml(added, t4.injected));
  changes.push(`${appPath(added)} added`);
  const gone = at(5).apps[1]!;
  head.delete(appPath(gone));
  changes.push(`${appPath(gone)} removed`);
  const moved = at(6).apps[2]!;
  head.set(appPath(moved), appYaml({ ...moved, tier: 'front' }, at(6).injected));
  changes.push(`${appPath(moved)}: tier ${moved.tier} -> front`);
  // 6. An AuthorizationPolicy gains a path.
  for (const [path, text] of head) {
    if (path.startsWith('istio/') && path.includes('/allow-svc')) {
      head.set(path, text.replace('paths: ["/api/*"]', 'paths: ["/api/*", "/internal/*"]'));
      changes.push(`${path}: path /internal/* allowed`);
      break;
    }
  }
  return changes;
}

export function appPath(app: App): string {
  return `apps/${app.ns}/${app.name}.yaml`;
}

export function namespaceYaml(name: string, labels: Record<string, string>): string {
  const lines = Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`);
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
${lines.length ? `  labels:\n${lines.join('\n')}\n` : ''}`;
}

function monitoringYaml(name: string, port: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: monitoring
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
        component: monitoring
    spec:
      serviceAccountName: ${name}
      containers:
        - name: ${name}
          image: registry.example.com/${name}:1.0
          ports:
            - name: web
              containerPort: ${port}
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: monitoring
spec:
  selector:
    app: ${name}
  ports:
    - name: http-web
      port: ${port}
      targetPort: web
`;
}

export function appYaml(app: App, injected: boolean, extraLabels = ''): string {
  const cpu = app.lowProxy ? '10m' : '100m';
  const grpcPort = app.grpc ? '\n            - name: grpc\n              containerPort: 9090' : '';
  const grpcSvc = app.grpc ? '\n    - name: grpc\n      port: 9090\n      targetPort: grpc' : '';
  return `apiVersion: apps/v1
kind: ${app.kind}
metadata:
  name: ${app.name}
  namespace: ${app.ns}
  labels:
    app: ${app.name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${app.name}
  template:
    metadata:
      labels:
        app: ${app.name}
        tier: ${app.tier}
        version: v1${extraLabels}
      annotations:
        sidecar.istio.io/proxyCPU: "${cpu}"
        sidecar.istio.io/proxyMemory: "128Mi"${injected ? '' : '\n        sidecar.istio.io/inject: "false"'}
    spec:
      serviceAccountName: ${app.sa}
      containers:
        - name: app
          image: registry.example.com/${app.ns}/${app.name}:1.0
          ports:
            - name: http
              containerPort: 8080${grpcPort}
            - name: metrics
              containerPort: 9102
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
---
apiVersion: v1
kind: Service
metadata:
  name: ${app.name}
  namespace: ${app.ns}
spec:
  selector:
    app: ${app.name}
  ports:
    - name: http
      port: 80
      targetPort: http${grpcSvc}
`;
}

export function defaultDeny(ns: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes:
    - Ingress
    - Egress
`;
}

export function dnsAndMonitoring(ns: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns-monitoring
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes:
    - Ingress
    - Egress
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - protocol: UDP
          port: 53
        - protocol: TCP
          port: 53
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              purpose: monitoring
          podSelector:
            matchLabels:
              app: prometheus
      ports:
        - port: metrics
`;
}

export function perApp(ns: string, dst: App, src: App, k: number): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-${dst.name}-from-${src.name}-${k}
  namespace: ${ns}
spec:
  podSelector:
    matchLabels:
      app: ${dst.name}
  policyTypes:
    - Ingress
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: ${src.name}
      ports:
        - port: http
`;
}

export function crossNamespace(ns: string, team: number, k: number): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-cross-${k}-team-t${pad(team, 2)}
  namespace: ${ns}
spec:
  podSelector:
    matchExpressions:
      - key: tier
        operator: In
        values: [front, back]
  policyTypes:
    - Ingress
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              team: t${pad(team, 2)}
          podSelector:
            matchLabels:
              tier: front
      ports:
        - port: http
        - port: 9090
          protocol: TCP
`;
}

export function egressToCluster(ns: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-egress-cluster
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes:
    - Egress
  egress:
    - to:
        - namespaceSelector: {}
`;
}

function ipBlockEgress(ns: string, k: number, tier: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: egress-external-${k}
  namespace: ${ns}
spec:
  podSelector:
    matchLabels:
      tier: ${tier}
  policyTypes:
    - Egress
  egress:
    - to:
        - ipBlock:
            cidr: 10.${k % 8}.0.0/16
            except:
              - 10.${k % 8}.${(k * 7) % 256}.0/24
        - ipBlock:
            cidr: 0.0.0.0/0
            except:
              - 10.0.0.0/8
              - 172.16.0.0/12
              - 192.168.0.0/16
      ports:
        - port: 443
          protocol: TCP
`;
}

export function peerAuthn(name: string, ns: string, mode: string): string {
  return `apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  mtls:
    mode: ${mode}
`;
}

function workloadPeerAuthn(ns: string): string {
  return `apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata:
  name: db-strict
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      tier: db
  mtls:
    mode: STRICT
  portLevelMtls:
    9102:
      mode: PERMISSIVE
`;
}

function denyAdmin(ns: string, round: number): string {
  return `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-admin-${round}
  namespace: ${ns}
spec:
  action: DENY
  rules:
    - from:
        - source:
            notNamespaces: ["${ns}"]
      to:
        - operation:
            paths: ["/admin", "/admin/*"]
`;
}

export function allowApp(ns: string, dst: App, src: App, round: number): string {
  return `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-${dst.name}-${round}
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${dst.name}
  action: ALLOW
  rules:
    - from:
        - source:
            principals: ["cluster.local/ns/${ns}/sa/${src.sa}"]
      to:
        - operation:
            methods: ["GET", "POST"]
            paths: ["/api/*"]
    - from:
        - source:
            namespaces: ["monitoring"]
      to:
        - operation:
            ports: ["9102"]
            methods: ["GET"]${
              round % 2 === 0
                ? `
    - from:
        - source:
            namespaces: ["team-*"]
      to:
        - operation:
            methods: ["GET"]
            paths: ["/healthz", "/public/*"]`
                : ''
            }
`;
}

/** Writes `repo` as a git repository with two commits (base, head) in a fresh temp directory. */
export function writeGitRepo(repo: GeneratedRepo): {
  dir: string;
  base: string;
  head: string;
  cleanup(): void;
} {
  const git = new CommitWriter(repo.size.name);
  const base = git.commit(repo.base, `base (${repo.size.name})`);
  const head = git.commit(repo.head, `head: ${repo.changes.join('; ')}`);
  return { dir: git.dir, base, head, cleanup: () => git.cleanup() };
}

/**
 * A temp git repository that commits file trees one after the other (the pull-request scenarios of
 * one size share it); only the files that differ from the previous commit are written, and a tree
 * (by identity) already committed returns its commit.
 */
export class CommitWriter {
  readonly dir: string;
  private current: Files = new Map();
  private readonly committed = new Map<Files, string>();

  constructor(sizeName: string) {
    this.dir = mkdtempSync(join(tmpdir(), `policy-diff-bench-${sizeName}-`));
    this.git('init', '-q', '-b', 'main');
  }

  commit(files: Files, message: string): string {
    const known = this.committed.get(files);
    if (known) return known;
    for (const path of this.current.keys()) if (!files.has(path)) rmSync(join(this.dir, path));
    for (const [path, text] of files) {
      if (this.current.get(path) === text) continue;
      const full = join(this.dir, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
    }
    this.current = files;
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    const sha = this.git('rev-parse', 'HEAD');
    this.committed.set(files, sha);
    return sha;
  }

  /**
   * Packs every object, as a clone or fetch leaves a repository: read from loose objects (one file
   * each, zlib per object) the read stage measured the bench's own layout, about twice a clone's.
   */
  pack(): void {
    this.git('repack', '-a', '-d', '-q');
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private git(...args: string[]): string {
    return execFileSync(
      'git',
      ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', ...args],
      { cwd: this.dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    ).trim();
  }
}
