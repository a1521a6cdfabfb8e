import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { ingressHops } from '../../src/analysis/ingress-hops.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { workloadPeer } from '../../src/model/peers.js';
import { diffYaml, type Files } from '../helpers/diff-yaml.js';

// Laws of the ingress edges (issue 17, fast-check): a route never opens what NetworkPolicy blocks,
// and removing a Gateway never opens a path.

const BACKENDS = ['web', 'api'] as const;
const backend = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: ${name}, image: ${name}, ports: [{containerPort: 8080}, {containerPort: 9090}]}]
---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: 8080}, {name: admin, port: 90, targetPort: 9090}]
`;
const FIXED: Files = {
  'ns.yaml': `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
`,
  'backends.yaml': BACKENDS.map(backend).join('---\n'),
  'gw-pods.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata: {labels: {istio: ingressgateway}}
    spec:
      containers: [{name: istio-proxy, image: proxyv2}]
`,
  'gateway.yaml': `apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
`,
};

const routeArb = fc.record({
  to: fc.constantFrom(...BACKENDS),
  port: fc.constantFrom(80, 90, undefined),
  prefix: fc.constantFrom('/', '/api', '/admin'),
});
const policyArb = fc.record({
  to: fc.constantFrom(...BACKENDS),
  from: fc.constantFrom('istio-system', 'shop', 'none'),
  port: fc.constantFrom(8080, 9090, undefined),
});
const repoArb = fc.record({
  routes: fc.array(routeArb, { minLength: 1, maxLength: 3 }),
  policies: fc.array(policyArb, { maxLength: 2 }),
  ingress: fc.boolean(),
});

type Repo = typeof repoArb extends fc.Arbitrary<infer T> ? T : never;

function files(repo: Repo): Files {
  const http = repo.routes
    .map(
      (r) => `  - match: [{uri: {prefix: ${r.prefix}}}]
    route: [{destination: {host: ${r.to}${r.port ? `, port: {number: ${r.port}}` : ''}}}]
`,
    )
    .join('');
  const vs = `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: routes, namespace: shop}
spec:
  hosts: ["shop.example.com"]
  gateways: [istio-system/public]
  http:
${http}`;
  const nps = repo.policies.map(
    (p, i) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np-${i}, namespace: shop}
spec:
  podSelector: {matchLabels: {app: ${p.to}}}
  policyTypes: [Ingress]
  ingress:${
    p.from === 'none'
      ? ' []'
      : `\n  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${p.from}}}}]${p.port ? `\n    ports: [{port: ${p.port}}]` : ''}`
  }
`,
  );
  const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: istio
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`;
  return {
    ...FIXED,
    'vs.yaml': vs,
    ...(nps.length > 0 ? { 'np.yaml': nps.join('---\n') } : {}),
    ...(repo.ingress ? { 'ingress.yaml': ingress } : {}),
  };
}

describe('laws of the ingress edges', () => {
  it('a route never opens what NetworkPolicy blocks: every hop is within the L4 verdict of its pods', () => {
    fc.assert(
      fc.property(repoArb, (repo) => {
        const rev = analyseRevision(
          {
            label: 'r',
            files: Object.entries(files(repo)).map(([path, text]) => ({ path, text })),
            diagnostics: [],
          },
          DEFAULT_CONFIG,
        );
        for (const hop of ingressHops(rev, 'effective')) {
          const l4 = rev.l4
            .egress(hop.pods, workloadPeer(hop.backend))
            .allowed.intersect(rev.l4.ingress(hop.backend, workloadPeer(hop.pods)).allowed);
          expect(hop.verdict.effective.subtract(l4).isEmpty()).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('removing the Gateway never opens a path', () => {
    fc.assert(
      fc.property(repoArb, (repo) => {
        const withGateway = files(repo);
        const { 'gateway.yaml': _, ...without } = withGateway;
        const report = diffYaml(withGateway, without);
        expect(report.changes.filter((c) => c.kind === 'opened' || c.l7Change === 'widened')).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });
});
