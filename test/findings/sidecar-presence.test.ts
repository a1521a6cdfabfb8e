import { describe, expect, it } from 'vitest';
import { deployment, findings, NAMESPACES, rules } from './helpers.js';

const ap = (ns: string, selector: string, from = '') => `
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ap-${ns}, namespace: ${ns} }
spec:
  ${selector}
  rules:
    - ${from || 'to: [{ operation: { methods: [GET] } }]'}
`;

describe('policy-on-workload-without-sidecar', () => {
  it('an AuthorizationPolicy selecting a workload without a sidecar', () => {
    const f = rules(
      findings(
        NAMESPACES + deployment('legacy', 'old') + ap('legacy', 'selector: { matchLabels: { app: old } }'),
      ),
      'policy-on-workload-without-sidecar',
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/selects 1 workload without an Istio sidecar: legacy\/old\[Deployment\]/);
  });

  it('a PeerAuthentication in a namespace without injection', () => {
    const pa = `
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: { name: strict, namespace: legacy }
spec: { mtls: { mode: STRICT } }
`;
    expect(
      rules(findings(NAMESPACES + deployment('legacy', 'old') + pa), 'policy-on-workload-without-sidecar'),
    ).toHaveLength(1);
  });

  it('quiet for injected workloads', () => {
    const f = findings(
      NAMESPACES + deployment('shop', 'api') + ap('shop', 'selector: { matchLabels: { app: api } }'),
    );
    expect(rules(f, 'policy-on-workload-without-sidecar')).toEqual([]);
  });
});

describe('identity-from-workload-without-sidecar', () => {
  it('a rule names the namespace of workloads without a sidecar', () => {
    const f = rules(
      findings(
        NAMESPACES +
          deployment('shop', 'api') +
          deployment('legacy', 'old') +
          ap(
            'shop',
            'selector: { matchLabels: { app: api } }',
            'from: [{ source: { namespaces: [legacy] } }]',
          ),
      ),
      'identity-from-workload-without-sidecar',
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/names namespaces "legacy".*legacy\/old\[Deployment\] has no sidecar/);
  });

  it('accepted by an ignore annotation on a workload the value names (their list is shared, not copied)', () => {
    const yaml = (second: string) =>
      NAMESPACES +
      deployment('shop', 'api') +
      deployment('legacy', 'old', {
        annotations: { 'policy-diff.io/ignore': 'identity-from-workload-without-sidecar' },
      }) +
      ap('shop', 'selector: { matchLabels: { app: api } }', 'from: [{ source: { namespaces: [legacy] } }]') +
      ap('shop', 'selector: { matchLabels: { app: api } }', second).replace(
        'name: ap-shop',
        'name: ap-shop-2',
      );
    const f = rules(
      findings(yaml('from: [{ source: { namespaces: [legacy] } }]')),
      'identity-from-workload-without-sidecar',
    );
    expect(f.map((x) => x.status)).toEqual(['accepted', 'accepted']);
    expect(f[0]!.acceptedReason).toMatch(/annotation policy-diff.io\/ignore on legacy\/old\[Deployment\]/);
  });

  it('STRICT port with an L4-allowed client without a sidecar', () => {
    const pa = `
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: { name: strict, namespace: shop }
spec: { mtls: { mode: STRICT } }
`;
    const f = rules(
      findings(NAMESPACES + deployment('shop', 'api') + deployment('legacy', 'old') + pa),
      'identity-from-workload-without-sidecar',
    );
    // Nothing restricts the client or the server: one finding for every such client.
    expect(f.map((x) => `${x.source} -> ${x.destination}`)).toEqual([
      '1 workload without a sidecar -> shop/api[Deployment]',
    ]);
    expect(f[0]!.title).toMatch(/: workloads without a sidecar -> shop\/api\[Deployment\] \(STRICT mTLS\)$/);
    expect(f[0]!.message).toMatch(/legacy\/old\[Deployment\]/);
  });

  it('STRICT port without ingress policy: clients whose egress names the server are pairs, the unrestricted one group', () => {
    const yaml =
      NAMESPACES +
      deployment('shop', 'api') +
      deployment('legacy', 'open1') +
      deployment('legacy', 'open2') +
      deployment('legacy', 'named') +
      deployment('legacy', 'closed') +
      `
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: { name: strict, namespace: shop }
spec: { mtls: { mode: STRICT } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: named-egress, namespace: legacy }
spec:
  podSelector: { matchLabels: { app: named } }
  policyTypes: [Egress]
  egress: [{ to: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: shop } } }] }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: closed-egress, namespace: legacy }
spec:
  podSelector: { matchLabels: { app: closed } }
  policyTypes: [Egress]
`;
    const f = rules(findings(yaml), 'identity-from-workload-without-sidecar');
    expect(f.map((x) => `${x.source} -> ${x.destination}`).sort()).toEqual([
      '2 workloads without a sidecar -> shop/api[Deployment]',
      'legacy/named[Deployment] -> shop/api[Deployment]',
    ]);
    expect(f.find((x) => x.source?.startsWith('2 '))!.message).toMatch(
      /legacy\/open1\[Deployment\], legacy\/open2/,
    );
  });

  it('STRICT port: the clients an ingress rule names are one finding per rule, the pairs counted', () => {
    const pa = `
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: { name: strict, namespace: shop }
spec: { mtls: { mode: STRICT } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress:
    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: legacy } } }]
`;
    const yaml =
      NAMESPACES +
      deployment('shop', 'api') +
      deployment('legacy', 'old') +
      deployment('legacy', 'other') +
      pa;
    const f = rules(findings(yaml), 'identity-from-workload-without-sidecar');
    // One entry: the NetworkPolicy rule that lets them in, against the STRICT PeerAuthentication.
    expect(f).toHaveLength(1);
    expect(f[0]!.destination).toBe('shop/api[Deployment]');
    expect(f[0]!.source).toBeUndefined();
    expect(f[0]!.title).toMatch(/: NetworkPolicy shop\/api ingress\[0\] \(STRICT mTLS\)$/);
    expect(f[0]!.message).toContain(
      'lets 2 pairs (legacy/old[Deployment] -> shop/api[Deployment], legacy/other[Deployment] -> shop/api[Deployment]) through, but their clients have no sidecar',
    );
    expect(f[0]!.message).toContain('(PeerAuthentication shop/strict)');
    // One client: the pair is the title.
    const one = rules(
      findings(yaml.replace(deployment('legacy', 'other'), '')),
      'identity-from-workload-without-sidecar',
    );
    expect(one.map((x) => x.title.replace(/^.*: /, ''))).toEqual([
      'legacy/old[Deployment] -> shop/api[Deployment] (STRICT mTLS)',
    ]);
    // A second rule opening another client makes a second entry.
    const two = rules(
      findings(
        yaml.replace(
          '    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: legacy } } }]',
          '    - from: [{ podSelector: { matchLabels: { app: old } }, namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: legacy } } }]\n' +
            '    - from: [{ podSelector: { matchLabels: { app: other } }, namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: legacy } } }]',
        ),
      ),
      'identity-from-workload-without-sidecar',
    );
    expect(two.map((x) => `${x.source} -> ${x.destination}`).sort()).toEqual([
      'legacy/old[Deployment] -> shop/api[Deployment]',
      'legacy/other[Deployment] -> shop/api[Deployment]',
    ]);
    // PERMISSIVE: quiet.
    expect(
      rules(
        findings(yaml.replace('mode: STRICT', 'mode: PERMISSIVE')),
        'identity-from-workload-without-sidecar',
      ),
    ).toEqual([]);
  });

  it('quiet when the named workloads have sidecars', () => {
    const f = findings(
      NAMESPACES +
        deployment('shop', 'api') +
        deployment('shop', 'web') +
        ap(
          'shop',
          'selector: { matchLabels: { app: api } }',
          'from: [{ source: { principals: [cluster.local/ns/shop/sa/web] } }]',
        ),
    );
    expect(rules(f, 'identity-from-workload-without-sidecar')).toEqual([]);
  });
});

describe('policy-selects-nothing', () => {
  const np = (sel: string) => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: np, namespace: shop }
spec:
  podSelector: ${sel}
  policyTypes: [Ingress]
`;
  it('a NetworkPolicy, an AuthorizationPolicy and a PeerAuthentication whose selectors match nothing', () => {
    const pa = `
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: { name: pa, namespace: shop }
spec: { selector: { matchLabels: { app: typo } }, mtls: { mode: STRICT } }
`;
    const f = rules(
      findings(
        NAMESPACES +
          deployment('shop', 'api') +
          np('{ matchLabels: { app: apl } }') +
          ap('shop', 'selector: { matchLabels: { app: nope } }') +
          pa,
      ),
      'policy-selects-nothing',
    );
    expect(f.map((x) => x.title.split(': ')[1])).toEqual([
      'AuthorizationPolicy shop/ap-shop',
      'NetworkPolicy shop/np',
      'PeerAuthentication shop/pa',
    ]);
  });

  it('quiet for a matching selector and for an empty (namespace-wide) one', () => {
    expect(
      rules(
        findings(NAMESPACES + deployment('shop', 'api') + np('{ matchLabels: { app: api } }')),
        'policy-selects-nothing',
      ),
    ).toEqual([]);
    expect(rules(findings(NAMESPACES + np('{}')), 'policy-selects-nothing')).toEqual([]);
  });
});
