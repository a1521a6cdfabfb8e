import { describe, expect, it } from 'vitest';
import { deployment, findings, NAMESPACES, rules, SIDECAR_EGRESS } from './helpers.js';

const APPS =
  NAMESPACES +
  SIDECAR_EGRESS('shop') +
  `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: egress-in-namespace, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{ to: [{ podSelector: {} }] }]
` +
  deployment('shop', 'web') +
  deployment('shop', 'reviews-v1', { labels: { app: 'reviews', version: 'v1' } }) +
  deployment('shop', 'reviews-v2', { labels: { app: 'reviews', version: 'v2' } }) +
  `
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
  subsets:
    - name: v1
      labels: { version: v1 }
    - name: v2
      labels: { version: v2 }
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: { host: reviews, subset: v1 }
          weight: 90
        - destination: { host: reviews, subset: v2 }
          weight: 10
`;

/** Ingress to reviews: only pods labelled version=v1 are covered (the canary is forgotten). */
const V1_ONLY = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: reviews-in, namespace: shop }
spec:
  podSelector: { matchLabels: { app: reviews } }
  ingress:
    - from: [{ podSelector: { matchLabels: { app: web } } }]
      ports: [{ port: 8080 }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: reviews-v2-locked, namespace: shop }
spec:
  podSelector: { matchLabels: { version: v2 } }
  policyTypes: [Ingress]
`;

describe('route-to-blocked-destination (SEMANTICS F)', () => {
  it('canary subset the NetworkPolicy does not cover', () => {
    // The allow rule selects version=v1 only; v2 is isolated by another policy with no rule.
    const v1 = V1_ONLY.replace(
      'podSelector: { matchLabels: { app: reviews } }',
      'podSelector: { matchLabels: { version: v1 } }',
    );
    const f = rules(findings(APPS + v1), 'route-to-blocked-destination');
    const web = f.filter((x) => x.source === 'shop/web[Deployment]');
    expect(web).toHaveLength(1);
    expect(web[0]!.destination).toBe('shop/reviews-v2[Deployment]');
    expect(web[0]!.severity).toBe('error');
    expect(web[0]!.message).toMatch(/10% .*subset "v2".*reviews-v2-locked/);
    expect(web[0]!.locations.length).toBeGreaterThanOrEqual(2);
  });

  it('quiet when the policy covers every version', () => {
    const f = rules(
      findings(
        APPS +
          V1_ONLY.split(
            '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: reviews-v2-locked',
          )[0]!,
      ),
      'route-to-blocked-destination',
    );
    expect(f).toEqual([]);
  });

  it('quiet without a VirtualService', () => {
    const noVs = APPS.split('---\napiVersion: networking.istio.io/v1beta1\nkind: VirtualService')[0]!;
    expect(rules(findings(noVs + V1_ONLY), 'route-to-blocked-destination')).toEqual([]);
  });
});

describe('route-to-undefined-subset and duplicate-virtualservice', () => {
  it('a subset no DestinationRule defines', () => {
    const f = rules(findings(APPS.replace('subset: v2 }', 'subset: v3 }')), 'route-to-undefined-subset');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/subset "v3".*503/);
  });

  it('two VirtualServices for one host', () => {
    const second = `
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: { name: reviews-2, namespace: shop }
spec:
  hosts: [reviews.shop.svc.cluster.local]
  http: [{ route: [{ destination: { host: reviews } }] }]
`;
    expect(rules(findings(APPS + second), 'duplicate-virtualservice')).toHaveLength(1);
    expect(rules(findings(APPS), 'duplicate-virtualservice')).toEqual([]);
  });
});
