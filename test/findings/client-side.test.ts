import { describe, expect, it } from 'vitest';
import { deployment, findings, NAMESPACES } from './helpers.js';

/**
 * destinationrule-tls-mismatch (issue 16 item 7; rules E5, E6, F7): a DestinationRule TLS mode the
 * server rejects. shop has injection, legacy none; api listens on 8080 behind Service api:80.
 */
const api = (ns: string) =>
  deployment(ns, 'api') +
  `
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: ${ns} }
spec:
  selector: { app: api }
  ports: [{ name: http, port: 80, targetPort: http }, { name: tcp-admin, port: 9000, targetPort: 9000 }]
`;
const dr = (ns: string, trafficPolicy: string) => `
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: api, namespace: ${ns} }
spec:
  host: api.${ns}.svc.cluster.local
  trafficPolicy: ${trafficPolicy}
`;
const pa = (ns: string, spec: string) => `
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: { name: mtls, namespace: ${ns} }
spec: ${spec}
`;
const STRICT = pa('shop', '{ mtls: { mode: STRICT } }');
const DISABLE_API = pa('shop', '{ selector: { matchLabels: { app: api } }, mtls: { mode: DISABLE } }');

const FOUND =
  "A DestinationRule's TLS mode is one the server rejects: DestinationRule shop/api -> shop/api[Deployment]";

const rows: { id: string; yaml: string; expect: string[] }[] = [
  {
    id: 'F7 DISABLE toward STRICT',
    yaml: STRICT + dr('shop', '{ tls: { mode: DISABLE } }'),
    expect: [FOUND],
  },
  {
    id: 'E5 SIMPLE toward STRICT (no Istio client certificate)',
    yaml: STRICT + dr('shop', '{ tls: { mode: SIMPLE } }'),
    expect: [FOUND],
  },
  {
    id: 'E5 ISTIO_MUTUAL toward a workload-level DISABLE server',
    yaml: DISABLE_API + dr('shop', '{ tls: { mode: ISTIO_MUTUAL } }'),
    expect: [FOUND],
  },
  {
    id: 'E6 DISABLE toward a DISABLE server is what it needs',
    yaml: DISABLE_API + dr('shop', '{ tls: { mode: DISABLE } }'),
    expect: [],
  },
  {
    id: 'E5 ISTIO_MUTUAL toward STRICT',
    yaml: STRICT + dr('shop', '{ tls: { mode: ISTIO_MUTUAL } }'),
    expect: [],
  },
  {
    id: 'E5 DISABLE toward PERMISSIVE is accepted',
    yaml: dr('shop', '{ tls: { mode: DISABLE } }'),
    expect: [],
  },
  {
    id: 'F7 a port-level DISABLE on the Service port the client dials wins over the top level',
    yaml:
      STRICT +
      dr(
        'shop',
        '{ tls: { mode: ISTIO_MUTUAL }, portLevelSettings: [{ port: { number: 80 }, tls: { mode: DISABLE } }] }',
      ),
    expect: [FOUND],
  },
  {
    id: 'F7 a port-level DISABLE on another Service port leaves this one alone',
    yaml: STRICT + dr('shop', '{ portLevelSettings: [{ port: { number: 9000 }, tls: { mode: DISABLE } }] }'),
    expect: [],
  },
];

describe('destinationrule-tls-mismatch', () => {
  it.each(rows)('$id', (row) => {
    const got = findings(NAMESPACES + api('shop') + row.yaml).filter(
      (f) => f.rule === 'destinationrule-tls-mismatch',
    );
    expect(got.map((f) => f.title)).toEqual(row.expect);
  });

  it('F7 ISTIO_MUTUAL toward pods without a sidecar fails the handshake', () => {
    const got = findings(NAMESPACES + api('legacy') + dr('legacy', '{ tls: { mode: ISTIO_MUTUAL } }')).filter(
      (f) => f.rule === 'destinationrule-tls-mismatch',
    );
    expect(got.map((f) => f.message)).toEqual([
      'DestinationRule legacy/api trafficPolicy.tls sets tls.mode ISTIO_MUTUAL toward legacy/api:80, but the pod has no sidecar to complete the Istio mTLS handshake on port 8080 of legacy/api[Deployment]: every sidecar client this rule applies to is refused there (rules E5, F7)',
    ]);
    expect(got[0]!.severity).toBe('error');
  });

  it('the message names both rules and lines', () => {
    const [f] = findings(NAMESPACES + api('shop') + STRICT + dr('shop', '{ tls: { mode: DISABLE } }')).filter(
      (x) => x.rule === 'destinationrule-tls-mismatch',
    );
    expect(f!.message).toContain('but PeerAuthentication shop/mtls');
    expect(f!.message).toContain('makes it STRICT on port 8080 of shop/api[Deployment]');
  });

  /** A subset v1 (pods labelled version: v1) with its own TLS; a mesh VirtualService may route to it. */
  const SUBSET_DR = `
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: api, namespace: shop }
spec:
  host: api.shop.svc.cluster.local
  subsets: [{ name: v1, labels: { app: api }, trafficPolicy: { tls: { mode: DISABLE } } }]
`;
  const ROUTE_V1 = `
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: { name: api, namespace: shop }
spec:
  hosts: [api.shop.svc.cluster.local]
  http: [{ route: [{ destination: { host: api.shop.svc.cluster.local, subset: v1 } }] }]
`;
  const mismatches = (yaml: string) =>
    findings(NAMESPACES + api('shop') + STRICT + yaml).filter(
      (f) => f.rule === 'destinationrule-tls-mismatch',
    );

  it('F7 a subset tls DISABLE toward STRICT pods, where a mesh VirtualService routes to the subset', () => {
    const got = mismatches(SUBSET_DR + ROUTE_V1);
    expect(got.map((f) => f.message)).toEqual([
      'DestinationRule shop/api subsets[0].trafficPolicy.tls sets tls.mode DISABLE toward shop/api:80, but PeerAuthentication shop/mtls makes it STRICT on port 8080 of shop/api[Deployment]: every sidecar client this rule applies to is refused there (rules E5, F7)',
    ]);
  });

  const wildcard = `
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: all-shop, namespace: shop }
spec:
  host: "*.shop.svc.cluster.local"
  trafficPolicy: { tls: { mode: DISABLE } }
`;
  it('F5 a wildcard host names the Services it matches', () => {
    expect(mismatches(wildcard).map((f) => f.title)).toEqual([
      "A DestinationRule's TLS mode is one the server rejects: DestinationRule shop/all-shop -> shop/api[Deployment]",
    ]);
  });

  it('F5 a more specific DestinationRule for the host wins over the wildcard', () => {
    expect(mismatches(wildcard + dr('shop', '{ tls: { mode: ISTIO_MUTUAL } }'))).toEqual([]);
  });

  it.each([
    [
      'its portLevelSettings on the port, over its own tls',
      '{ tls: { mode: ISTIO_MUTUAL }, portLevelSettings: [{ port: { number: 80 }, tls: { mode: DISABLE } }] }',
      'subsets[0].trafficPolicy.portLevelSettings[0].tls',
    ],
    [
      'its portLevelSettings alone',
      '{ portLevelSettings: [{ port: { number: 80 }, tls: { mode: DISABLE } }] }',
      'subsets[0].trafficPolicy.portLevelSettings[0].tls',
    ],
    [
      "another port's portLevelSettings: its own tls",
      '{ tls: { mode: ISTIO_MUTUAL }, portLevelSettings: [{ port: { number: 81 }, tls: { mode: DISABLE } }] }',
      undefined,
    ],
  ])("F7 a subset's TLS on Service port 80: %s", (_, policy, rule) => {
    const got = mismatches(SUBSET_DR.replace('{ tls: { mode: DISABLE } }', policy) + ROUTE_V1);
    expect(got.map((f) => f.message.split(' sets ')[0])).toEqual(
      rule ? [`DestinationRule shop/api ${rule}`] : [],
    );
  });

  it('F7 a subset no VirtualService routes to sends nothing its way: no finding', () => {
    expect(mismatches(SUBSET_DR)).toEqual([]);
  });
});

/** registry-only-external-blocked (rule F10): shop/web's egress names 203.0.113.0/24 on TCP 443. */
const EGRESS = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: to-payments-api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
  egress: [{ to: [{ ipBlock: { cidr: 203.0.113.0/24 } }], ports: [{ protocol: TCP, port: 443 }] }]
`;
const MESH_REGISTRY_ONLY = `
---
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: { name: io, namespace: istio-system }
spec: { meshConfig: { outboundTrafficPolicy: { mode: REGISTRY_ONLY } } }
`;
const serviceEntry = (addresses: string, ns = 'shop', exportTo = '') => `
---
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: { name: payments, namespace: ${ns} }
spec:
  hosts: [api.payments.example]${exportTo ? `\n  exportTo: ${exportTo}` : ''}
  ${addresses}
  location: MESH_EXTERNAL
  resolution: STATIC
  ports: [{ number: 443, name: tls, protocol: TLS }]
`;
const sidecarOutbound = (mode: string) => `
---
apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: { name: default, namespace: shop }
spec: { outboundTrafficPolicy: { mode: ${mode} } }
`;

describe('registry-only-external-blocked', () => {
  const found = (yaml: string) =>
    findings(NAMESPACES + deployment('shop', 'web') + EGRESS + yaml)
      .filter((f) => f.rule === 'registry-only-external-blocked')
      .map((f) => f.message);
  const rows: { id: string; yaml: string; expect: number }[] = [
    {
      id: 'F10 mesh REGISTRY_ONLY blackholes unregistered external egress',
      yaml: MESH_REGISTRY_ONLY,
      expect: 1,
    },
    { id: 'F10 a Sidecar REGISTRY_ONLY does too', yaml: sidecarOutbound('REGISTRY_ONLY'), expect: 1 },
    { id: 'F10 ALLOW_ANY passes it through', yaml: '', expect: 0 },
    {
      id: 'F10 a ServiceEntry with those addresses registers them',
      yaml: MESH_REGISTRY_ONLY + serviceEntry('addresses: [203.0.113.0/24]'),
      expect: 0,
    },
    {
      id: 'F10 a ServiceEntry with other addresses does not',
      yaml: MESH_REGISTRY_ONLY + serviceEntry('addresses: [198.51.100.0/24]'),
      expect: 1,
    },
    {
      id: 'F12 a ServiceEntry exported only to its own namespace registers them for that namespace',
      yaml: MESH_REGISTRY_ONLY + serviceEntry('addresses: [203.0.113.0/24]', 'shop', '["."]'),
      expect: 0,
    },
    {
      id: 'F12 a ServiceEntry of another namespace exported only there does not register them here',
      yaml: MESH_REGISTRY_ONLY + serviceEntry('addresses: [203.0.113.0/24]', 'legacy', '["."]'),
      expect: 1,
    },
    {
      id: 'F12 an address-less ServiceEntry not exported here claims nothing here',
      yaml: MESH_REGISTRY_ONLY + serviceEntry('', 'legacy', '["."]'),
      expect: 1,
    },
    {
      id: 'F10 a Sidecar ALLOW_ANY overrides the mesh REGISTRY_ONLY',
      yaml: MESH_REGISTRY_ONLY + sidecarOutbound('ALLOW_ANY'),
      expect: 0,
    },
  ];
  it.each(rows)('$id', (row) => {
    expect(found(row.yaml)).toHaveLength(row.expect);
  });

  it('names the rule, the addresses and the outbound policy', () => {
    expect(found(MESH_REGISTRY_ONLY)).toEqual([
      'NetworkPolicy shop/to-payments-api egress[0] lets shop/web[Deployment] reach 203.0.113.0-203.0.113.255 (TCP 443) outside the cluster, but the mesh outboundTrafficPolicy is REGISTRY_ONLY and no ServiceEntry exported to its namespace registers those addresses: its sidecar blackholes the calls, so the rule is dead (rule F10)',
    ]);
  });
});

/** sidecar-scope-blocks-egress (rules F9, F10): shop/web's egress names shop/api on 8080. */
const WEB_TO_API = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-to-api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
  egress: [{ to: [{ podSelector: { matchLabels: { app: api } } }], ports: [{ protocol: TCP, port: 8080 }] }]
`;
const scope = (hosts: string, mode = '') => `
---
apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: { name: default, namespace: shop }
spec:
  egress: [{ hosts: [${hosts}] }]${mode ? `\n  outboundTrafficPolicy: { mode: ${mode} }` : ''}
`;

describe('sidecar-scope-blocks-egress', () => {
  const found = (yaml: string) =>
    findings(NAMESPACES + deployment('shop', 'web') + api('shop') + WEB_TO_API + yaml)
      .filter((f) => f.rule === 'sidecar-scope-blocks-egress')
      .map((f) => f.title);
  const DEAD = [
    "NetworkPolicy egress to a workload the client's Sidecar scope does not import: shop/web[Deployment] -> shop/api[Deployment]",
  ];
  const rows: { id: string; yaml: string; expect: string[] }[] = [
    {
      id: 'F10 REGISTRY_ONLY blackholes what the Sidecar does not import',
      yaml: scope('"istio-system/*"', 'REGISTRY_ONLY'),
      expect: DEAD,
    },
    {
      id: 'F10 ALLOW_ANY passthrough toward STRICT is rejected',
      yaml: scope('"istio-system/*"') + STRICT,
      expect: DEAD,
    },
    {
      id: 'F10 ALLOW_ANY passthrough toward PERMISSIVE gets through',
      yaml: scope('"istio-system/*"'),
      expect: [],
    },
    {
      id: 'F9 a Sidecar that imports ./* keeps the egress alive',
      yaml: scope('"./*"', 'REGISTRY_ONLY'),
      expect: [],
    },
    { id: 'F9 no Sidecar, no scope', yaml: STRICT, expect: [] },
  ];
  it.each(rows)('$id', (row) => {
    expect(found(row.yaml)).toEqual(row.expect);
  });
});
