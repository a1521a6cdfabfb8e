import { describe, expect, it } from 'vitest';
import { diffRevisions } from '../../src/analysis/diff-revisions.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { revision } from './helpers.js';

const RULE = `
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: reviews, namespace: shop }
spec:
  host: reviews
  subsets:
    - name: v1
      labels: { version: v1 }
`;

const SERVICE = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews-v1, namespace: shop }
spec:
  template:
    metadata: { labels: { app: reviews, version: v1 } }
    spec: { containers: [{ name: app, ports: [{ name: http, containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: shop }
spec:
  selector: { app: reviews }
  ports: [{ name: http, port: 80, targetPort: http }]
---
`;

const ROUTE = (route: string) => `
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [reviews]
  http:
    - ${route}:
        - destination: { host: reviews, subset: v1 }
          weight: 90
        - destination: { host: reviews, subset: v2 }
          weight: 10
`;

describe('VirtualService and DestinationRule decoded once, strictly', () => {
  it('decodes routes and subsets as the findings read them', () => {
    const { traffic } = revision(RULE + ROUTE('route')).policies;
    expect(traffic.diagnostics).toEqual([]);
    const [vs] = traffic.meshVirtualServices;
    expect(vs!.hosts).toEqual(['reviews.shop.svc.cluster.local']);
    expect(vs!.destinations.map((d) => [d.host, d.subset, d.weight, d.location.line])).toEqual([
      ['reviews.shop.svc.cluster.local', 'v1', 90, 19],
      ['reviews.shop.svc.cluster.local', 'v2', 10, 21],
    ]);
    expect([...(traffic.subsets.get('reviews.shop.svc.cluster.local')?.keys() ?? [])]).toEqual(['v1']);
  });

  it('a typo in a VirtualService makes it invalid: located error, the field meant, no effect, run incomplete', () => {
    const rev = revision(RULE + ROUTE('rout'));
    expect(rev.policies.traffic.meshVirtualServices).toEqual([]);
    const errors = rev.diagnostics.filter((d) => d.code === 'invalid-virtualservice');
    expect(errors.map((d) => [d.severity, d.message, d.location?.line, d.dropped])).toEqual([
      [
        'error',
        'VirtualService shop/reviews: spec.http[0].rout: unknown field "rout" (did you mean "route"?); the API server would reject this object, so it takes no effect and its routes are not checked',
        18,
        'VirtualService shop/reviews',
      ],
    ]);
    const report = diffRevisions(revision(''), rev, { layer: 'effective', config: DEFAULT_CONFIG });
    expect(report.incomplete).toBe(true);
  });

  it('a typo in a DestinationRule is an error, and its subsets are not reported as undefined', () => {
    const rev = revision(RULE.replace('labels: { version: v1 }', 'lables: { version: v1 }') + ROUTE('route'));
    expect(rev.diagnostics.filter((d) => d.code === 'invalid-destinationrule').map((d) => d.message)).toEqual(
      [
        'DestinationRule shop/reviews: spec.subsets[0].lables: unknown field "lables" (did you mean "labels"?); the API server would reject this object, so it takes no effect and its routes are not checked',
      ],
    );
    expect(rev.policies.traffic.unknownSubsets).toEqual(new Set(['reviews.shop.svc.cluster.local']));
    const undefinedSubsets = (yaml: string) =>
      diffRevisions(revision(''), revision(yaml), {
        layer: 'effective',
        config: DEFAULT_CONFIG,
      }).findings.filter((f) => f.rule === 'route-to-undefined-subset');
    // With a valid rule, v2 is undefined; with an invalid one, which subsets exist is unknown.
    expect(
      undefinedSubsets(SERVICE + RULE + ROUTE('route')).map((f) => /subset "v\d"/.exec(f.message)?.[0]),
    ).toEqual(['subset "v2"']);
    expect(undefinedSubsets(SERVICE + RULE.replace('labels:', 'lables:') + ROUTE('route'))).toEqual([]);
  });
});
