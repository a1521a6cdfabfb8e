import { describe, expect, it } from 'vitest';
import { diffYaml, type Files } from '../helpers/diff-yaml.js';

// Findings on the mesh's edges (issue 17 item 5): gateway-host-unrouted,
// serviceentry-egress-blocked, egress-bypasses-gateway.

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
      containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;
const GATEWAY_PODS = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: istio-${name}gateway, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: ${name}gateway}}
  template:
    metadata: {labels: {istio: ${name}gateway}}
    spec:
      containers: [{name: istio-proxy, image: proxyv2, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: istio-${name}gateway, namespace: istio-system}
spec:
  selector: {istio: ${name}gateway}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;
const INGRESS_GATEWAY = `apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [shop.example.com, admin.example.com]
`;
const SHOP_ROUTE = `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/public]
  http: [{route: [{destination: {host: web}}]}]
`;
const ENTRY = `apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: api, namespace: shop}
spec:
  hosts: [api.example.com]
  addresses: [203.0.113.10/32]
  location: MESH_EXTERNAL
  resolution: STATIC
  ports: [{number: 443, name: tls, protocol: TLS}]
`;
const webEgress = (to: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [${to}]
`;
const TO_GATEWAY = `{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: istio-system}}, podSelector: {matchLabels: {istio: egressgateway}}}]}`;
const TO_API = `{to: [{ipBlock: {cidr: 203.0.113.10/32}}], ports: [{port: 443}]}`;
const EGRESS_GATEWAY = `apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: egress, namespace: istio-system}
spec:
  selector: {istio: egressgateway}
  servers:
  - port: {number: 80, name: tls, protocol: TLS}
    hosts: [api.example.com]
    tls: {mode: PASSTHROUGH}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: api, namespace: shop}
spec:
  hosts: [api.example.com]
  gateways: [istio-system/egress, mesh]
  tls:
  - match: [{gateways: [mesh], port: 443, sniHosts: [api.example.com]}]
    route: [{destination: {host: istio-egressgateway.istio-system.svc.cluster.local, port: {number: 80}}}]
  - match: [{gateways: [istio-system/egress], port: 80, sniHosts: [api.example.com]}]
    route: [{destination: {host: api.example.com, port: {number: 443}}}]
`;

const newFindings = (base: Files, head: Files, rule: string) =>
  diffYaml(base, head)
    .findings.filter((f) => f.rule === rule && f.status === 'new')
    .map((f) => f.message);

const BASE: Files = { 'ns.yaml': NAMESPACE, 'web.yaml': WEB, 'ingress.yaml': GATEWAY_PODS('ingress') };
/** Without the ingress gateway's pods: with no Gateway selecting them they are one more client of every host. */
const { 'ingress.yaml': _, ...CLIENTS } = BASE;

describe('findings on the edges of the mesh', () => {
  it('gateway-host-unrouted: a Gateway host no bound VirtualService serves', () => {
    const head = { ...BASE, 'gw.yaml': INGRESS_GATEWAY, 'vs.yaml': SHOP_ROUTE };
    expect(newFindings(BASE, head, 'gateway-host-unrouted')).toEqual([
      expect.stringContaining('Gateway istio-system/public servers[0] accepts admin.example.com on port 80'),
    ]);
    // A VirtualService of another namespace than the server's `ns/host` allows does not serve it.
    const scoped = INGRESS_GATEWAY.replace('shop.example.com, ', 'other/shop.example.com, ');
    expect(newFindings(BASE, { ...head, 'gw.yaml': scoped }, 'gateway-host-unrouted')).toContainEqual(
      expect.stringContaining('accepts other/shop.example.com on port 80'),
    );
  });

  it('serviceentry-egress-blocked: every workload routing the host is blocked by its egress', () => {
    const base = { ...CLIENTS, 'se.yaml': ENTRY };
    expect(newFindings(base, { ...base, 'np.yaml': webEgress('') }, 'serviceentry-egress-blocked')).toEqual([
      expect.stringContaining(
        'ServiceEntry shop/api declares api.example.com:443/TLS, but NetworkPolicy egress (shop/web-egress)',
      ),
    ]);
    // One client that gets through is enough: no finding.
    expect(
      newFindings(base, { ...base, 'np.yaml': webEgress(TO_API) }, 'serviceentry-egress-blocked'),
    ).toEqual([]);
  });

  it('egress through a gateway: closed direct egress is no serviceentry-egress-blocked, open egress bypasses it', () => {
    const base = {
      ...CLIENTS,
      'se.yaml': ENTRY,
      'egress.yaml': GATEWAY_PODS('egress'),
      'egw.yaml': EGRESS_GATEWAY,
    };
    const closed = { ...base, 'np.yaml': webEgress(TO_GATEWAY) };
    expect(newFindings(base, closed, 'serviceentry-egress-blocked')).toEqual([]);
    expect(
      diffYaml(base, closed)
        .findings.filter((f) => f.rule === 'egress-bypasses-gateway')
        .map((f) => f.status),
    ).toEqual(['fixed']);
    const open = { ...base, 'np.yaml': webEgress(`${TO_GATEWAY}, ${TO_API}`) };
    expect(newFindings(closed, open, 'egress-bypasses-gateway')).toEqual([
      expect.stringContaining('lets 1 workload reach its addresses directly (shop/web[Deployment])'),
    ]);
  });
});
