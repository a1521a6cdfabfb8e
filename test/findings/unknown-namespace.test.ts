import { describe, expect, it } from 'vitest';
import { deployment, findings, NAMESPACES } from './helpers.js';

/**
 * A namespace with no Namespace object in the input (another target's, or created outside the
 * repository) has unknown labels, so whether its pods get a sidecar is unknown (rule C2): no
 * finding that rests on "no sidecar" fires there. The same YAML with the Namespace object in the
 * input (legacy: no injection label) keeps every finding. kubeflow's sub-targets gave 12
 * destinationrule-tls-mismatch errors and 30 sidecar warnings this way.
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
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: api, namespace: ${ns} }
spec:
  host: api.${ns}.svc.cluster.local
  trafficPolicy: { tls: { mode: ISTIO_MUTUAL } }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: api, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: api } }
  rules: [{ from: [{ source: { namespaces: [shop] } }] }]
`;
/** STRICT in shop (injected), with a client in `ns` that has no sidecar, or may have one. */
const strictFrom = (ns: string) =>
  deployment('shop', 'cart') +
  deployment(ns, 'batch') +
  `
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: { name: strict, namespace: shop }
spec: { mtls: { mode: STRICT } }
`;

const rules = (yaml: string) => [...new Set(findings(yaml).map((f) => f.rule))].sort();
const SIDECAR_RULES = [
  'destinationrule-tls-mismatch',
  'identity-from-workload-without-sidecar',
  'policy-on-workload-without-sidecar',
];

describe('no sidecar finding on a guess: namespaces not in the input', () => {
  it('the Namespace object is in the input (legacy, no injection label): the findings fire', () => {
    const got = rules(NAMESPACES + api('legacy') + strictFrom('legacy'));
    expect(got.filter((r) => SIDECAR_RULES.includes(r))).toEqual(SIDECAR_RULES);
    const dr = findings(NAMESPACES + api('legacy')).find((f) => f.rule === 'destinationrule-tls-mismatch');
    expect(dr!.severity).toBe('error');
  });

  it('the namespace is only referenced (elsewhere): none of them fires', () => {
    const got = rules(NAMESPACES + api('elsewhere') + strictFrom('elsewhere'));
    expect(got.filter((r) => SIDECAR_RULES.includes(r))).toEqual([]);
  });

  it('a pod opting out (inject "false") is known to have no sidecar, wherever it is', () => {
    const optOut = deployment('elsewhere', 'api', { labels: { 'sidecar.istio.io/inject': 'false' } });
    const yaml = NAMESPACES + api('elsewhere').replace(deployment('elsewhere', 'api'), optOut);
    expect(rules(yaml)).toContain('policy-on-workload-without-sidecar');
  });
});

/**
 * The findings that rest on a sidecar being there. Each fixture lives in namespace shop (labelled
 * istio-injection: enabled in NAMESPACES) with every pod labelled sidecar.istio.io/inject: "true";
 * with shop's Namespace object dropped, the sidecar is a guess (the namespace could say
 * istio-injection=disabled), and none of them fires.
 */
const podInject = (yaml: string) =>
  yaml.replaceAll('labels: {"app":', 'labels: {"sidecar.istio.io/inject":"true","app":');
const SHOP_NS = /apiVersion: v1\nkind: Namespace\nmetadata: \{ name: shop, [^\n]*\n---\n/;
const known = (yaml: string) => podInject(NAMESPACES + yaml);
const guessed = (yaml: string) => {
  const without = NAMESPACES.replace(SHOP_NS, '');
  expect(without).not.toContain('name: shop,');
  return podInject(without + yaml);
};

const DENY_ALL = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`;
const SIDECAR_EGRESS = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-mesh, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{ namespaceSelector: {} }]
`;
const ROUTED = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: reviews-v2-locked, namespace: shop }
spec:
  podSelector: { matchLabels: { version: v2 } }
  policyTypes: [Ingress]
---
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: shop }
spec:
  selector: { app: reviews }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: reviews, namespace: shop }
spec:
  host: reviews
  subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [reviews]
  http:
    - route:
        - { destination: { host: reviews, subset: v1 }, weight: 90 }
        - { destination: { host: reviews, subset: v2 }, weight: 10 }
`;
const MESH = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-ingress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress:
    - from: [{ podSelector: { matchLabels: { app: web } } }]
      ports: [{ port: 8080 }]
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 8080 }] }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  action: ALLOW
  rules:
    - from: [{ source: { principals: ["cluster.local/ns/shop/sa/batch"] } }]
`;

const ON_A_SIDECAR: [string, string, string[]][] = [
  [
    'NetworkPolicy egress forgets istiod and DNS',
    deployment('shop', 'api') + DENY_ALL,
    ['sidecar-control-plane-blocked', 'sidecar-dns-blocked'],
  ],
  [
    'ingress blocks 15090 (and merged metrics on 15020) from Prometheus',
    deployment('shop', 'api', { annotations: { 'prometheus.io/scrape': 'true' } }) +
      DENY_ALL +
      SIDECAR_EGRESS +
      deployment('monitoring', 'prometheus', { port: 9090 }),
    ['sidecar-port-blocked'],
  ],
  [
    'istio-proxy requests from the annotations',
    deployment('shop', 'api', { annotations: { 'sidecar.istio.io/proxyCPU': '50m' } }) + SIDECAR_EGRESS,
    ['sidecar-cpu-request-low', 'sidecar-request-missing'],
  ],
  [
    'a route sends 10% to a subset the policies block',
    deployment('shop', 'web') +
      deployment('shop', 'reviews-v1', { labels: { app: 'reviews', version: 'v1' } }) +
      deployment('shop', 'reviews-v2', { labels: { app: 'reviews', version: 'v2' } }) +
      SIDECAR_EGRESS +
      ROUTED,
    ['route-to-blocked-destination'],
  ],
  [
    'an ALLOW rule names a source NetworkPolicy blocks, and NetworkPolicy opens a pair Istio denies',
    deployment('shop', 'web') + deployment('shop', 'api') + deployment('shop', 'batch') + MESH,
    ['mesh-allows-network-blocks', 'network-allows-mesh-denies'],
  ],
];

describe('findings that rest on a sidecar: not on a guessed one (rule C2)', () => {
  it.each(ON_A_SIDECAR)(
    '%s: fires when shop is in the input, not when it is only referenced',
    (_, yaml, want) => {
      expect(rules(known(yaml)).filter((r) => want.includes(r))).toEqual(want);
      expect(rules(guessed(yaml)).filter((r) => want.includes(r))).toEqual([]);
    },
  );

  it('a namespace entry is not dead while a workload it may name (guessed plaintext) gets through', () => {
    // team-a is known and blocked; team-b is not in the input: its pod may well have a sidecar, and
    // NetworkPolicy lets it reach api, so the entry "team-*" may be alive.
    const teams = (withB: boolean) =>
      NAMESPACES +
      `
---
apiVersion: v1
kind: Namespace
metadata: { name: team-a, labels: { istio-injection: enabled } }
` +
      deployment('team-a', 'a') +
      (withB ? deployment('team-b', 'b') : '') +
      deployment('shop', 'api') +
      MESH.replace('principals: ["cluster.local/ns/shop/sa/batch"]', 'namespaces: ["team-*"]').replace(
        '- from: [{ podSelector: { matchLabels: { app: web } } }]',
        '- from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: team-b } } }]',
      );
    expect(rules(teams(false))).toContain('mesh-allows-network-blocks');
    expect(rules(teams(true))).not.toContain('mesh-allows-network-blocks');
  });
});

describe('serviceentry-egress-blocked: a guessed sidecar may be a user the entry serves (rule C2)', () => {
  const ENTRY = `
---
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: { name: api, namespace: shop }
spec:
  hosts: [api.example.com]
  addresses: [203.0.113.10/32]
  location: MESH_EXTERNAL
  resolution: STATIC
  ports: [{ number: 443, name: tls, protocol: TLS }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-egress, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Egress]
`;
  const blocked = (yaml: string) => rules(NAMESPACES + deployment('shop', 'web') + ENTRY + yaml);

  it('a known plaintext client with open egress does not route the host: the entry still serves no one', () => {
    expect(blocked(deployment('legacy', 'batch'))).toContain('serviceentry-egress-blocked');
  });

  it('a client whose namespace is not in the input, with open egress: no finding', () => {
    expect(blocked(deployment('elsewhere', 'batch'))).not.toContain('serviceentry-egress-blocked');
  });
});
