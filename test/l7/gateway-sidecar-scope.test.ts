import { describe, expect, it } from 'vitest';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { ingressHops } from '../../src/analysis/ingress-hops.js';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { isGatewayProxy } from '../../src/l7/gateway-proxy.js';
import type { Workload } from '../../src/model/types.js';
import type { Files } from '../helpers/diff-yaml.js';

// F8: Sidecar resources do not apply to gateways. A root-namespace default Sidecar that scopes
// egress to its own namespace, under REGISTRY_ONLY, must not blackhole what the gateway routes.

const ns = (name: string) => `apiVersion: v1
kind: Namespace
metadata: {name: ${name}, labels: {istio-injection: enabled}}
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
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: strict, namespace: shop}
spec: {mtls: {mode: STRICT}}
`;
const gatewayPods = (labels: string, annotations = '{}') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: edge, namespace: istio-system}
spec:
  selector: {matchLabels: ${labels}}
  template:
    metadata: {labels: ${labels}, annotations: ${annotations}}
    spec:
      containers: [{name: istio-proxy, image: auto, ports: [{containerPort: 8080}]}]
`;
const GATEWAY = (selector: string) => `apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: ${selector}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["shop.example.com"]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: ["shop.example.com"]
  gateways: ["istio-system/public"]
  http:
  - route: [{destination: {host: web, port: {number: 80}}}]
`;
const ROOT_SIDECAR = `apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: {name: default, namespace: istio-system}
spec:
  egress: [{hosts: ["./*"]}]
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
`;

function analyse(files: Files) {
  return analyseRevision(
    { label: 'head', files: Object.entries(files).map(([path, text]) => ({ path, text })), diagnostics: [] },
    DEFAULT_CONFIG,
  );
}

describe('Sidecar resources do not apply to gateway pods (F8)', () => {
  it.each([
    ['labelled istio: ingressgateway', '{istio: ingressgateway}', '{}'],
    ['selected by a label of their own (the gateway hop marks the proxy)', '{app: edge}', '{}'],
  ])(
    'a root default Sidecar under REGISTRY_ONLY leaves the gateway hop open: %s',
    (_, labels, annotations) => {
      const files = {
        'ns.yaml': `${ns('shop')}---\n${ns('istio-system')}`,
        'web.yaml': WEB,
        'gw.yaml': gatewayPods(labels, annotations),
        'gateway.yaml': GATEWAY(labels),
        'sidecar.yaml': ROOT_SIDECAR,
      };
      const hops = ingressHops(analyse(files), 'effective');
      expect(hops.map((h) => [h.backend.id, h.verdict.effective.toString()])).toEqual([
        ['shop/web[Deployment]', 'TCP 8080'],
      ]);
    },
  );

  it('nor to their calls to external addresses (a gateway captures nothing)', () => {
    const files = {
      'ns.yaml': `${ns('shop')}---\n${ns('istio-system')}`,
      'gw.yaml': gatewayPods('{istio: egressgateway}', '{inject.istio.io/templates: gateway}'),
      'sidecar.yaml': ROOT_SIDECAR,
    };
    const rev = analyse(files);
    const [m] = buildLayerMatrices(rev, rev, 'effective');
    const gw = m.workloads[0]!;
    expect(m.verdict(gw, m.externals[0]!).effective.toString()).toBe('All Connections');
  });

  it.each([
    [{ 'inject.istio.io/templates': 'gateway' }, {}, [], true],
    [{}, { 'gateway.networking.k8s.io/gateway-name': 'g' }, [], true],
    [{}, { istio: 'egressgateway' }, [], true],
    [{}, {}, [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.0', ports: [] }], true],
    // istioctl kube-inject output: a sidecar, not a gateway.
    [
      { 'sidecar.istio.io/status': '{}' },
      {},
      [{ name: 'istio-proxy', image: 'istio/proxyv2', ports: [] }],
      false,
    ],
    [{}, { app: 'web' }, [], false],
  ])('isGatewayProxy(%j, %j)', (podAnnotations, podLabels, containers, expected) => {
    const w = { podAnnotations, podLabels, containers } as unknown as Workload;
    expect(isGatewayProxy(w)).toBe(expected);
  });
});
