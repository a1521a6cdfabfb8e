import {
  type App,
  allowApp,
  appPath,
  appYaml,
  crossNamespace,
  defaultDeny,
  dnsAndMonitoring,
  egressToCluster,
  type Files,
  type GeneratedRepo,
  namespaceYaml,
  peerAuthn,
  perApp,
} from './generate.js';

/**
 * The pull requests the benchmark times, each a (base, head) pair derived from one generated
 * repository: `small` is a typical PR (a handful of policies and workloads), the others are the
 * cluster-wide changes reviewers most need checked (issue 15).
 */
export interface Scenario {
  readonly name: string;
  readonly base: Files;
  readonly head: Files;
  /** What the PR does, for the commit message and the table. */
  readonly what: string;
}

export const SCENARIO_NAMES = [
  'small',
  'new-app',
  'deny-rollout',
  'remove-all-np',
  'meshwide-allow',
  'meshwide-deny-path',
  'strict',
  'ns-label',
  'pod-label',
  'sa-rename',
] as const;

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export function scenario(repo: GeneratedRepo, name: ScenarioName): Scenario {
  const { base } = repo;
  const edit = (what: string, change: (head: Files) => void): Scenario => {
    const head = new Map(base);
    change(head);
    return { name, base, head, what };
  };
  const policies = [...base.keys()].filter((p) => p.startsWith('policies/'));
  switch (name) {
    case 'small':
      return { name, base, head: repo.head, what: repo.changes.join('; ') };
    case 'new-app':
      return edit('a new team namespace with 12 apps, its NetworkPolicies and an AuthorizationPolicy', (h) =>
        newTeam(h),
      );
    case 'deny-rollout': {
      // The base has no namespace-wide isolation; the PR rolls out default-deny with DNS and monitoring.
      const without = new Map(base);
      for (const p of policies) {
        if (p.endsWith('/default-deny.yaml') || p.endsWith('/allow-dns-monitoring.yaml')) without.delete(p);
      }
      return { name, base: without, head: base, what: 'default-deny (+ DNS, monitoring) in every namespace' };
    }
    case 'remove-all-np':
      return edit(`all ${policies.length} NetworkPolicies removed`, (h) => {
        for (const p of policies) h.delete(p);
      });
    case 'meshwide-allow':
      return edit('a mesh-wide ALLOW AuthorizationPolicy with a from.namespaces list', (h) =>
        h.set('istio/istio-system/allow-platform.yaml', meshAllow()),
      );
    case 'meshwide-deny-path':
      return edit('a mesh-wide DENY on /debug/*', (h) =>
        h.set('istio/istio-system/deny-debug.yaml', meshDenyPath()),
      );
    case 'strict':
      return edit('mesh-wide PeerAuthentication PERMISSIVE -> STRICT', (h) =>
        h.set('istio/istio-system/peer-authentication.yaml', peerAuthn('default', 'istio-system', 'STRICT')),
      );
    case 'ns-label': {
      // A namespace whose pods reach the cluster, so the cross-namespace rules naming its team matter.
      const t = repo.teams.find((x, i) => i > 0 && x.egressToCluster) ?? repo.teams[0]!;
      const other = `t${String((t.team + 1) % 25).padStart(2, '0')}`;
      return edit(`namespace ${t.name}: team label -> ${other}`, (h) =>
        h.set(
          `namespaces/${t.name}.yaml`,
          namespaceYaml(t.name, {
            team: other,
            env: t.env,
            ...(t.injected ? { 'istio-injection': 'enabled' } : {}),
          }),
        ),
      );
    }
    case 'pod-label':
      return edit('a label no selector reads added to every pod template', (h) => {
        for (const t of repo.teams)
          for (const a of t.apps)
            h.set(appPath(a), appYaml(a, t.injected, '\n        cost-center: platform'));
      });
    case 'sa-rename': {
      const t =
        repo.teams.find((x) => x.perWorkloadSa && x.injected && x.egressToCluster && x.apps.length >= 3) ??
        repo.teams.find((x) => x.perWorkloadSa && x.injected && x.apps.length >= 3)!;
      return edit(`namespace ${t.name}: every workload's service account renamed`, (h) => {
        for (const a of t.apps) h.set(appPath(a), appYaml({ ...a, sa: `${a.sa}-sa` }, t.injected));
      });
    }
  }
}

/** A new injected team namespace, wired like the generated ones. */
function newTeam(head: Files): void {
  const ns = 'team-new';
  head.set(
    `namespaces/${ns}.yaml`,
    namespaceYaml(ns, { team: 't07', env: 'prod', 'istio-injection': 'enabled' }),
  );
  const apps: App[] = Array.from({ length: 12 }, (_, i) => {
    const name = `svc-${String(i).padStart(3, '0')}`;
    return {
      ns,
      name,
      sa: name,
      tier: (['front', 'back', 'db'] as const)[i % 3]!,
      kind: 'Deployment',
      grpc: i % 2 === 0,
      lowProxy: false,
    };
  });
  for (const a of apps) head.set(appPath(a), appYaml(a, true));
  head.set(`policies/${ns}/default-deny.yaml`, defaultDeny(ns));
  head.set(`policies/${ns}/allow-dns-monitoring.yaml`, dnsAndMonitoring(ns));
  head.set(`policies/${ns}/allow-egress-cluster.yaml`, egressToCluster(ns));
  head.set(`policies/${ns}/allow-cross-0.yaml`, crossNamespace(ns, 3, 0));
  for (let k = 0; k < 6; k++) {
    const dst = apps[(k * 2) % apps.length]!;
    const src = apps[(k * 2 + 1) % apps.length]!;
    head.set(`policies/${ns}/allow-${dst.name}-from-${src.name}-${k}.yaml`, perApp(ns, dst, src, k));
  }
  head.set(`istio/${ns}/allow-${apps[0]!.name}-0.yaml`, allowApp(ns, apps[0]!, apps[1]!, 0));
}

function meshAllow(): string {
  return `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-platform
  namespace: istio-system
spec:
  action: ALLOW
  rules:
    - from:
        - source:
            namespaces: ["monitoring", "istio-system", "team-000", "team-001", "team-002"]
      to:
        - operation:
            methods: ["GET"]
`;
}

function meshDenyPath(): string {
  return `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-debug
  namespace: istio-system
spec:
  action: DENY
  rules:
    - to:
        - operation:
            paths: ["/debug/*"]
`;
}
