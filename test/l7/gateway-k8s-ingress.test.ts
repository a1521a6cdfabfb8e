import { describe, expect, it } from 'vitest';
import { pathSet } from '../../src/compile/gateway-ingresses.js';
import type { PathChange } from '../../src/report/types.js';
import { diffYaml, type Files } from '../helpers/diff-yaml.js';

// Kubernetes Ingress (issue 17): Istio's class routes like a VirtualService on Istio's ingress
// gateway pods; another class is a source of its own, from its controller's pods.

const NAMESPACE = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
`;
const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}]}]
`;
const WEB_SVC = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;
const ISTIO_PODS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata: {labels: {istio: ingressgateway}}
    spec:
      serviceAccountName: istio-ingressgateway-service-account
      containers: [{name: istio-proxy, image: proxyv2}]
`;
const NGINX_PODS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}}
  template:
    metadata: {labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}}
    spec:
      containers: [{name: controller, image: nginx}]
`;
const ingress = (cls: string, paths: string, port = 'number: 80') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ${cls}
  rules:
  - host: shop.example.com
    http:
      paths:
${paths
  .split(',')
  .map(
    (p) => `      - path: ${p.split(' ')[0]}
        pathType: ${p.split(' ')[1]}
        backend: {service: {name: web, port: {${port}}}}
`,
  )
  .join('')}`;

const BASE: Files = {
  'ns.yaml': NAMESPACE,
  'web.yaml': WEB,
  'svc.yaml': WEB_SVC,
  'istio.yaml': ISTIO_PODS,
  'nginx.yaml': NGINX_PODS,
};

function fromOutside(report: { changes: readonly PathChange[] }): PathChange[] {
  return report.changes.filter((c) => c.source.kind === 'ingress');
}

describe('Kubernetes Ingress', () => {
  it("an Ingress of Istio's class opens a path from outside through the ingress gateway pods", () => {
    const report = diffYaml(BASE, { ...BASE, 'ing.yaml': ingress('ingressClassName: istio', '/api Prefix') });
    const changes = fromOutside(report);
    expect(changes.map((c) => [c.kind, c.source.id, c.destination.id, c.added, c.fromOutside])).toEqual([
      ['opened', 'outside via shop/web[Ingress]', 'shop/web[Deployment]', 'TCP 8080', 'gateway'],
    ]);
    expect(changes[0]!.causes.map((c) => c.rule)).toContain('Ingress shop/web rules[0].http.paths[0]');
    expect(changes[0]!.uncertain).toBe(false);
    expect(report.diagnostics.filter((d) => d.code.startsWith('ingress'))).toEqual([]);
  });

  it('the annotation kubernetes.io/ingress.class: istio and an IngressClass of the Istio controller serve it too', () => {
    const annotated = ingress('', '/ Prefix').replace(
      'namespace: shop}',
      'namespace: shop, annotations: {kubernetes.io/ingress.class: istio}}',
    );
    const cls = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: mesh}
spec: {controller: istio.io/ingress-controller}
`;
    for (const head of [
      { ...BASE, 'ing.yaml': annotated },
      { ...BASE, 'ing.yaml': ingress('ingressClassName: mesh', '/ Prefix'), 'cls.yaml': cls },
    ])
      expect(fromOutside(diffYaml(BASE, head)).map((c) => c.source.id)).toEqual([
        'outside via shop/web[Ingress]',
      ]);
  });

  it('a backend port by name is the Service port of that name', () => {
    const report = diffYaml(BASE, {
      ...BASE,
      'ing.yaml': ingress('ingressClassName: istio', '/ Prefix', 'name: http'),
    });
    expect(fromOutside(report).map((c) => c.added)).toEqual(['TCP 8080']);
    const unknown = diffYaml(BASE, {
      ...BASE,
      'ing.yaml': ingress('ingressClassName: istio', '/ Prefix', 'name: grpc'),
    });
    expect(fromOutside(unknown)).toEqual([]);
  });

  it('an added path widens the L7 scope, with the Ingress path as cause', () => {
    const report = diffYaml(
      { ...BASE, 'ing.yaml': ingress('ingressClassName: istio', '/api Prefix') },
      { ...BASE, 'ing.yaml': ingress('ingressClassName: istio', '/api Prefix,/admin Exact') },
    );
    const [change, ...rest] = fromOutside(report);
    expect(rest).toEqual([]);
    expect(change).toMatchObject({ kind: 'changed', l7Change: 'widened' });
    expect(change!.l7After).toContain('/admin');
    expect(change!.causes.filter((c) => c.revision === 'head').map((c) => c.rule)).toEqual([
      'Ingress shop/web rules[0].http.paths[1]',
    ]);
  });

  it('an nginx Ingress is a source of its own, from the controller pods; NetworkPolicy decides the hop', () => {
    const head = { ...BASE, 'ing.yaml': ingress('ingressClassName: nginx', '/ Prefix') };
    const [change] = fromOutside(diffYaml(BASE, head));
    expect(change).toMatchObject({
      kind: 'opened',
      source: { id: 'outside via nginx[IngressClass]' },
      destination: { id: 'shop/web[Deployment]' },
      uncertain: false,
    });
    const deny = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {}
  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: istio-system}}}]}]
`;
    expect(fromOutside(diffYaml({ ...BASE, 'np.yaml': deny }, { ...head, 'np.yaml': deny }))).toEqual([]);
  });

  it('the annotation kubernetes.io/ingress.class: nginx is the nginx controller too', () => {
    const annotated = ingress('', '/ Prefix').replace(
      'namespace: shop}',
      'namespace: shop, annotations: {kubernetes.io/ingress.class: nginx}}',
    );
    const [change] = fromOutside(diffYaml(BASE, { ...BASE, 'ing.yaml': annotated }));
    expect(change).toMatchObject({ source: { id: 'outside via nginx[IngressClass]' }, uncertain: false });
  });

  it('controller pods not in the repository are assumed: the path is uncertain and a warning says so', () => {
    const { 'nginx.yaml': _, ...noPods } = BASE;
    const report = diffYaml(noPods, {
      ...noPods,
      'ing.yaml': ingress('ingressClassName: traefik', '/ Prefix'),
    });
    expect(fromOutside(report)).toMatchObject([
      { source: { id: 'outside via traefik[IngressClass]' }, uncertain: true },
    ]);
    expect(report.diagnostics.map((d) => d.code)).toContain('gateway-pods-assumed');
  });

  it('an Ingress without a class is named (never silent) and makes paths from outside uncertain', () => {
    const report = diffYaml(BASE, { ...BASE, 'ing.yaml': ingress('', '/ Prefix') });
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'ingress-class-unknown', reach: { kind: 'from-outside' } }),
    );
  });

  it('an invalid Ingress (pathType missing) takes no effect and is an error', () => {
    const report = diffYaml(BASE, {
      ...BASE,
      'ing.yaml': ingress('ingressClassName: istio', '/ Prefix').replace(
        'pathType: Prefix',
        'pathTyp: Prefix',
      ),
    });
    expect(fromOutside(report)).toEqual([]);
    expect(report.diagnostics.filter((d) => d.code === 'invalid-ingress').length).toBeGreaterThan(0);
  });

  it('an Ingress of a version no release 1.25-1.31 serves is rejected, not silently ignored', () => {
    const old = ingress('ingressClassName: istio', '/ Prefix').replace(
      'networking.k8s.io/v1',
      'networking.k8s.io/v1beta1',
    );
    const report = diffYaml(BASE, { ...BASE, 'ing.yaml': old });
    expect(fromOutside(report)).toEqual([]);
    expect(report.diagnostics.map((d) => [d.severity, d.message])).toContainEqual([
      'error',
      expect.stringContaining('Ingress is not served in networking.k8s.io/v1beta1'),
    ]);
  });

  it.each([
    ['/a', 'Prefix', true, ['/a', '/a/', '/a/b'], ['/ab', '/']],
    ['/a/', 'Prefix', true, ['/a', '/a/b'], ['/ab']],
    ['/', 'Prefix', true, ['/', '/x'], []],
    ['/a', 'Exact', true, ['/a'], ['/a/', '/ab']],
    ['/a.*', 'ImplementationSpecific', true, ['/a', '/ab', '/a/b'], ['/b']],
    ['/a/*', 'ImplementationSpecific', true, ['/a', '/ab', '/a/b'], ['/b']],
    ['/a', 'ImplementationSpecific', true, ['/a'], ['/a/b']],
    ['/a', 'ImplementationSpecific', false, ['/a', '/ab', '/a/b'], ['/b']],
  ])('path %s %s (istio %s) matches %j, not %j', (path, type, istio, yes, no) => {
    const { paths } = pathSet(path, type, istio);
    for (const p of yes) expect(paths.has(p), p).toBe(true);
    for (const p of no) expect(paths.has(p), p).toBe(false);
  });
});
