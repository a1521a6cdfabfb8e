import { describe, expect, it } from 'vitest';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { egressHops } from '../../src/analysis/ingress-hops.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import type { PathChange } from '../../src/report/types.js';
import { diffYaml, type Files } from '../helpers/diff-yaml.js';

// Egress gateways (issue 17; F1, F2): a VirtualService applying to sidecars sends a ServiceEntry
// host to an egress gateway; the client then needs the gateway pods, and the gateway pods the host.

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
      serviceAccountName: web
      containers: [{name: web, image: web}]
`;
const GATEWAY_PODS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: istio-egressgateway, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: egressgateway}}
  template:
    metadata: {labels: {istio: egressgateway}}
    spec:
      serviceAccountName: istio-egressgateway-service-account
      containers: [{name: istio-proxy, image: proxyv2, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: istio-egressgateway, namespace: istio-system}
spec:
  selector: {istio: egressgateway}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;
const ENTRIES = `apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: api, namespace: shop}
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 80, name: http, protocol: HTTP}]
---
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: other, namespace: shop}
spec:
  hosts: [other.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 80, name: http, protocol: HTTP}]
`;
const GATEWAY = `apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: egress, namespace: istio-system}
spec:
  selector: {istio: egressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [api.example.com]
`;
const route = (gateways: string) => `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: api, namespace: shop}
spec:
  hosts: [api.example.com]
  gateways: ${gateways}
  http:
  - match: [{gateways: [mesh], port: 80}]
    route: [{destination: {host: istio-egressgateway.istio-system.svc.cluster.local, port: {number: 80}}}]
  - match: [{gateways: [istio-system/egress], port: 80}]
    route: [{destination: {host: api.example.com, port: {number: 80}}}]
`;
/** web may reach the egress gateway pods only (and DNS is not the point here). */
const WEB_EGRESS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: istio-system}}, podSelector: {matchLabels: {istio: egressgateway}}}]
`;
const GATEWAY_NO_EGRESS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: gw, namespace: istio-system}
spec:
  podSelector: {matchLabels: {istio: egressgateway}}
  policyTypes: [Egress]
`;

const BASE: Files = {
  'ns.yaml': NAMESPACE,
  'web.yaml': WEB,
  'gw-pods.yaml': GATEWAY_PODS,
  'se.yaml': ENTRIES,
  'gateway.yaml': GATEWAY,
  'np.yaml': WEB_EGRESS,
};
const API = 'api.example.com:80/HTTP';

function reach(files: Files): Map<string, string> {
  const rev = analyseRevision(
    { label: 'head', files: Object.entries(files).map(([path, text]) => ({ path, text })), diagnostics: [] },
    DEFAULT_CONFIG,
  );
  return new Map(
    egressHops(rev, 'effective').map((h) => [
      `${h.client.id} => ${h.destinationId}`,
      h.verdict.effective.toString(),
    ]),
  );
}
const toApi = (r: { changes: readonly PathChange[] }) => r.changes.filter((c) => c.destination.id === API);

describe('egress gateways', () => {
  it('a mesh route to the egress gateway opens the host to a client whose own egress reaches only the gateway', () => {
    const report = diffYaml(BASE, { ...BASE, 'vs.yaml': route('[istio-system/egress, mesh]') });
    // The client through the gateway, and the gateway pods, whose route now sends the host out.
    expect(toApi(report).map((c) => [c.kind, c.source.id, c.added])).toEqual([
      ['opened', 'istio-system/istio-egressgateway[Deployment]', 'TCP 80'],
      ['opened', 'shop/web[Deployment]', 'TCP 80'],
    ]);
    const web = toApi(report).find((c) => c.source.id === 'shop/web[Deployment]')!;
    expect(web.causes.map((c) => c.rule).slice(0, 4)).toEqual([
      'VirtualService shop/api http[0]',
      'Gateway istio-system/egress servers[0]',
      'VirtualService shop/api http[1]',
      'ServiceEntry shop/api',
    ]);
  });

  it('F1: a VirtualService whose gateways leave out mesh does not route sidecars: the client dials the host', () => {
    const head = reach({ ...BASE, 'vs.yaml': route('[istio-system/egress]') });
    expect(head.get(`shop/web[Deployment] => ${API}`)).toBe('No Connections');
  });

  it("the gateway pods' own egress decides the second leg", () => {
    const head = reach({
      ...BASE,
      'vs.yaml': route('[istio-system/egress, mesh]'),
      'gw-np.yaml': GATEWAY_NO_EGRESS,
    });
    expect(head.get(`shop/web[Deployment] => ${API}`)).toBe('No Connections');
  });

  it("the gateway pods' AuthorizationPolicy sees the client's identity on the first leg", () => {
    const deny = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: gw, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: egressgateway}}
  action: DENY
  rules: [{from: [{source: {principals: [cluster.local/ns/shop/sa/web]}}]}]
`;
    const files = { ...BASE, 'vs.yaml': route('[istio-system/egress, mesh]') };
    expect(reach(files).get(`shop/web[Deployment] => ${API}`)).toBe('TCP 80');
    expect(reach({ ...files, 'ap.yaml': deny }).get(`shop/web[Deployment] => ${API}`)).toBe('No Connections');
  });

  it('gateway pods send a host only where a route of theirs does', () => {
    const head = reach({ ...BASE, 'vs.yaml': route('[istio-system/egress, mesh]') });
    expect(head.get(`istio-system/istio-egressgateway[Deployment] => ${API}`)).toBe('TCP 80');
    expect(head.get('istio-system/istio-egressgateway[Deployment] => other.example.com:80/HTTP')).toBe(
      'No Connections',
    );
  });
});
