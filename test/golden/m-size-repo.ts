import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A deterministic M-size GitOps change, written as two directories (base, head) under a new temp
 * dir: 40 namespaces x 25 Deployments (each with a Service), default-deny ingress and a
 * same-namespace allow everywhere, each namespace's app-00 open to the next namespace, and the
 * last 10 namespaces in the mesh. The head:
 *  - opens 10 rule groups: team-00/app-03 from 0.0.0.0/0, team-01/app-04 to all of team-02 on
 *    all ports (cross-namespace allow-all), an AuthorizationPolicy in team-30 widened from GET to
 *    every method, and team-03..09/app-05 each to the namespace three on;
 *  - closes 6: team-10..15/app-01's database port to the namespace two on;
 *  - adds noise that must fold: UDP 53 only (team-20/app-06 from team-21) and the sidecar's
 *    metrics port 15090 only (team-22/app-07 from team-23).
 * Nothing in it depends on time or randomness, so the report is byte-stable.
 */
export const M_NAMESPACES = 40;
export const M_WORKLOADS = 25;

const ns = (i: number) => `team-${String(i).padStart(2, '0')}`;
const app = (i: number) => `app-${String(i).padStart(2, '0')}`;
const meshed = (i: number) => i >= 30;

function namespaces(): string {
  return Array.from({ length: M_NAMESPACES }, (_, i) =>
    [
      'apiVersion: v1',
      'kind: Namespace',
      'metadata:',
      `  name: ${ns(i)}`,
      ...(meshed(i) ? ['  labels: { istio-injection: enabled }'] : []),
    ].join('\n'),
  ).join('\n---\n');
}

function workloads(n: number): string {
  const docs: string[] = [];
  for (let w = 0; w < M_WORKLOADS; w++) {
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app(w)}
  namespace: ${ns(n)}
spec:
  selector:
    matchLabels: { app: ${app(w)} }
  template:
    metadata:
      labels: { app: ${app(w)} }
    spec:
      serviceAccountName: ${app(w)}
      containers:
        - name: main
          image: registry.example.com/${ns(n)}/${app(w)}:1.0.0
          ports:
            - containerPort: 8080`);
    docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${app(w)}
  namespace: ${ns(n)}
spec:
  selector: { app: ${app(w)} }
  ports:
    - name: http
      port: 8080`);
  }
  return docs.join('\n---\n');
}

/** An ingress NetworkPolicy for one app; `from` and `ports` are YAML flow fragments. */
function allow(n: number, name: string, target: string, from: string, ports?: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns(n)}
spec:
  podSelector:
    matchLabels: { app: ${target} }
  policyTypes: [Ingress]
  ingress:
    - from:
        - ${from}${ports ? `\n      ports:\n        - ${ports}` : ''}`;
}

const fromNs = (n: number) => `namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ${ns(n)} } }`;

function basePolicies(n: number): string[] {
  const docs = [
    `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: ${ns(n)}
spec:
  podSelector: {}
  policyTypes: [Ingress]`,
    `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-same-namespace
  namespace: ${ns(n)}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector: {}
      ports:
        - { protocol: TCP, port: 8080 }`,
    allow(n, 'allow-next', app(0), fromNs((n + 1) % M_NAMESPACES), '{ protocol: TCP, port: 8080 }'),
  ];
  return docs;
}

function authorization(n: number, methods: string): string {
  return `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: api-readers
  namespace: ${ns(n)}
spec:
  selector:
    matchLabels: { app: ${app(0)} }
  action: ALLOW
  rules:
    - from:
        - source:
            namespaces: [${ns(n)}, ${ns(n + 1)}]
      to:
        - operation:
${methods}`;
}

function side(head: boolean): Map<string, string> {
  const files = new Map<string, string>();
  files.set('namespaces.yaml', namespaces());
  for (let n = 0; n < M_NAMESPACES; n++) {
    files.set(`apps/${ns(n)}/workloads.yaml`, workloads(n));
    const policies = basePolicies(n);
    const db = (protocolPort: string) => allow(n, 'allow-db', app(1), fromNs(n + 2), protocolPort);
    if (n >= 10 && n <= 15 && !head) policies.push(db('{ protocol: TCP, port: 5432 }'));
    if (head) {
      if (n === 0)
        policies.push(
          allow(n, 'public-https', app(3), 'ipBlock: { cidr: 0.0.0.0/0 }', '{ protocol: TCP, port: 8443 }'),
        );
      if (n === 1) policies.push(allow(n, 'allow-team-02', app(4), fromNs(2)));
      if (n >= 3 && n <= 9)
        policies.push(allow(n, 'allow-metrics-api', app(5), fromNs(n + 3), '{ protocol: TCP, port: 9090 }'));
      if (n === 20) policies.push(allow(n, 'allow-dns', app(6), fromNs(21), '{ protocol: UDP, port: 53 }'));
      if (n === 22)
        policies.push(allow(n, 'allow-scrape', app(7), fromNs(23), '{ protocol: TCP, port: 15090 }'));
    }
    if (n === 30)
      policies.push(
        authorization(
          n,
          head
            ? '              paths: ["/api/*"]'
            : '              methods: [GET]\n              paths: ["/api/*"]',
        ),
      );
    files.set(`policies/${ns(n)}.yaml`, policies.join('\n---\n'));
  }
  return files;
}

/** Writes base/ and head/ under a new temp dir and returns that dir (the repo root). */
export function writeMSizeRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'pd-m-size-'));
  for (const [label, head] of [
    ['base', false],
    ['head', true],
  ] as const)
    for (const [path, text] of side(head)) {
      const file = join(root, label, path);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, `${text}\n`);
    }
  return root;
}
