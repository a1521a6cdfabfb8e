import { describe, expect, it } from 'vitest';
import {
  NAMESPACES as BASE_NAMESPACES,
  config,
  deployment,
  diff,
  findings,
  rules,
  SIDECAR_EGRESS,
} from './helpers.js';

const NAMESPACES = `${BASE_NAMESPACES}
---
apiVersion: v1
kind: Namespace
metadata: { name: shop2, labels: { istio-injection: enabled } }
`;

const APPS =
  NAMESPACES +
  deployment('shop', 'web') +
  deployment('shop', 'api') +
  deployment('shop', 'batch') +
  `
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
# Clients call api through its Service: a port no Service declares is plaintext passthrough (E11).
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 8080 }] }
`;

const AP = (principal: string) => `
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  action: ALLOW
  rules:
    - from: [{ source: { principals: ["${principal}"] } }]
`;

describe('mesh-allows-network-blocks', () => {
  it('an ALLOW rule names a source that NetworkPolicy blocks', () => {
    const f = rules(findings(APPS + AP('cluster.local/ns/shop/sa/batch')), 'mesh-allows-network-blocks');
    expect(f).toHaveLength(1);
    expect(f[0]!.source).toBe('shop/batch[Deployment]');
    expect(f[0]!.destination).toBe('shop/api[Deployment]');
    expect(f[0]!.severity).toBe('warning');
    expect(f[0]!.message).toMatch(
      /AuthorizationPolicy shop\/api rules\[0\].*NetworkPolicy shop\/api-ingress \(ingress\)/,
    );
    expect(f[0]!.locations[0]!.line).toBeGreaterThan(1);
  });

  it('quiet when NetworkPolicy allows the named source', () => {
    expect(rules(findings(APPS + AP('cluster.local/ns/shop/sa/web')), 'mesh-allows-network-blocks')).toEqual(
      [],
    );
  });

  it('a namespace entry is dead only when none of its workloads gets through', () => {
    const ns = (v: string) => AP('x').replace('principals: ["x"]', `namespaces: ["${v}"]`);
    const f = rules(findings(APPS + ns('shop')), 'mesh-allows-network-blocks');
    expect(f).toEqual([]); // web gets through: the entry is alive
    const other = rules(
      findings(APPS + deployment('shop2', 'a') + deployment('shop2', 'b') + ns('shop2')),
      'mesh-allows-network-blocks',
    );
    expect(other).toHaveLength(1);
    expect(other[0]!.source).toBe('namespaces shop2');
    expect(other[0]!.message).toMatch(
      /blocks all 2 workloads .*shop2\/a\[Deployment\], shop2\/b\[Deployment\]/,
    );
  });

  it('Istio is asked again in head when a policy of the pair changed, not only its name', () => {
    // Same names in both revisions (same L7 classes): only the DENY's content changes, so an answer
    // shared across revisions must be keyed by what the ends are, not by their classes.
    const deny = (paths: string) => `
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: deny, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  action: DENY
  rules:
    - to: [{ operation: { paths: ${paths} } }]
`;
    const yaml = (paths: string) => APPS + AP('cluster.local/ns/shop/sa/batch') + deny(paths);
    const r = diff(yaml('["/admin"]'), yaml('["*"]'));
    expect(rules([...r.findings], 'mesh-allows-network-blocks').map((f) => f.status)).toEqual(['fixed']);
  });

  it('quiet for blocked pairs no rule names', () => {
    expect(rules(findings(APPS), 'mesh-allows-network-blocks')).toEqual([]);
  });
});

describe('mesh-allows-network-blocks, one finding per rule entry', () => {
  const DENY_SHOP = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;
  // A namespace-wide ALLOW naming shop2: shop's default-deny blocks it at every destination.
  const NS_ALLOW = `
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: from-shop2, namespace: shop }
spec:
  action: ALLOW
  rules:
    - from: [{ source: { namespaces: ["shop2"] } }]
`;
  // Services for web and batch too, so shop2's clients send mTLS there (E11) and Istio lets them in.
  const service = (app: string) => `
---
apiVersion: v1
kind: Service
metadata: { name: ${app}, namespace: shop }
spec: { selector: { app: ${app} }, ports: [{ name: http, port: 8080 }] }
`;
  const SHOP2 = deployment('shop2', 'a') + deployment('shop2', 'b') + service('web') + service('batch');

  it('a namespace entry dead at every destination is one finding with the destinations counted', () => {
    const f = rules(findings(APPS + SHOP2 + DENY_SHOP + NS_ALLOW), 'mesh-allows-network-blocks');
    expect(f).toHaveLength(1);
    expect(f[0]!.title).toContain('AuthorizationPolicy shop/from-shop2 rules[0] namespaces=shop2');
    expect(f[0]!.message).toMatch(
      /to reach 3 destinations \(shop\/api\[Deployment\], shop\/batch\[Deployment\], shop\/web/,
    );
    expect(f[0]!.message).toMatch(/blocks all 2 workloads with a sidecar there/);
    expect(f[0]!.source).toBe('namespaces shop2');
    expect(f[0]!.destination).toBeUndefined();
    // The entry's line, then the isolating policies' (each once).
    expect(f[0]!.locations.length).toBe(3);
  });

  it('a principal entry dead for several pairs is one finding with the pairs counted', () => {
    const yaml = APPS + deployment('shop', 'batch2', { sa: 'batch' }) + AP('cluster.local/ns/shop/sa/batch');
    const f = rules(findings(yaml), 'mesh-allows-network-blocks');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/allows principals "cluster.local\/ns\/shop\/sa\/batch" for 2 pairs/);
    expect(f[0]!.destination).toBe('shop/api[Deployment]');
    expect(f[0]!.source).toBeUndefined();
  });

  it('base and head match by entry: one more dead destination keeps the finding existing', () => {
    // In base only api is isolated (api-ingress); head isolates the whole namespace.
    const r = diff(APPS + SHOP2 + NS_ALLOW, APPS + SHOP2 + DENY_SHOP + NS_ALLOW);
    const f = rules([...r.findings], 'mesh-allows-network-blocks');
    expect(f.map((x) => x.status)).toEqual(['existing']);
    expect(f[0]!.message).toContain('3 destinations');
  });

  it('a pair accepted on its own is left out and counted; all accepted, the finding is accepted', () => {
    const yaml = APPS + deployment('shop', 'batch2', { sa: 'batch' }) + AP('cluster.local/ns/shop/sa/batch');
    const accept = (sources: string[]) =>
      config({
        findings: {
          ...config().findings,
          accept: sources.map((source) => ({ rule: 'mesh-allows-network-blocks', source, reason: 'r' })),
        },
      });
    const one = rules(findings(yaml, accept(['shop/batch2[Deployment]'])), 'mesh-allows-network-blocks');
    expect(one.map((x) => [x.status, x.source])).toEqual([['new', 'shop/batch[Deployment]']]);
    expect(one[0]!.message).toContain('dead for this pair. (1 more accepted)');
    const both = accept(['shop/batch[Deployment]', 'shop/batch2[Deployment]']);
    expect(rules(findings(yaml, both), 'mesh-allows-network-blocks').map((x) => x.status)).toEqual([
      'accepted',
    ]);
  });
});

describe('network-allows-mesh-denies', () => {
  it('pairs opened by the same NetworkPolicy rule are one finding', () => {
    const two = APPS.replace(
      'from: [{ podSelector: { matchLabels: { app: web } } }]',
      'from: [{ podSelector: { matchLabels: { app: web } } }, { podSelector: { matchLabels: { app: web2 } } }]',
    );
    const f = rules(
      findings(two + deployment('shop', 'web2') + AP('cluster.local/ns/shop/sa/batch')),
      'network-allows-mesh-denies',
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/ingress\[0\] opens 2 pairs \(shop\/web2?\[Deployment\] -> shop\/api/);
    expect(f[0]!.destination).toBe('shop/api[Deployment]');
  });

  it('NetworkPolicy opens web -> api but the AuthorizationPolicy allows only batch', () => {
    const f = rules(findings(APPS + AP('cluster.local/ns/shop/sa/batch')), 'network-allows-mesh-denies');
    expect(f.map((x) => `${x.source} -> ${x.destination}`)).toEqual([
      'shop/web[Deployment] -> shop/api[Deployment]',
    ]);
    expect(f[0]!.severity).toBe('info');
    expect(f[0]!.message).toMatch(/NetworkPolicy shop\/api-ingress ingress\[0\] opens/);
  });

  it('quiet when Istio lets the opened pair through', () => {
    expect(rules(findings(APPS + AP('cluster.local/ns/shop/sa/web')), 'network-allows-mesh-denies')).toEqual(
      [],
    );
    expect(rules(findings(APPS + SIDECAR_EGRESS('shop')), 'network-allows-mesh-denies')).toEqual([]);
  });
});
