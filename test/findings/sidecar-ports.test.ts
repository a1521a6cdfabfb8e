import { describe, expect, it } from 'vitest';
import { config, deployment, findings, NAMESPACES, rules, SIDECAR_EGRESS } from './helpers.js';

const DENY_ALL = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`;

describe('sidecar-control-plane-blocked and sidecar-dns-blocked (SEMANTICS G2)', () => {
  it('deny-all egress that forgets istiod and DNS: both fire, against synthetic peers', () => {
    const f = findings(NAMESPACES + deployment('shop', 'api') + DENY_ALL);
    const cp = rules(f, 'sidecar-control-plane-blocked');
    expect(cp).toHaveLength(1);
    expect(cp[0]!.severity).toBe('error');
    expect(cp[0]!.source).toBe('shop/api[Deployment]');
    expect(cp[0]!.destination).toBe('istio-system/istiod[Pod]');
    expect(cp[0]!.message).toMatch(/TCP 15012.*not in the repository.*NetworkPolicy shop\/default-deny/);
    expect(cp[0]!.locations.map((l) => l.line)).toContain(cp[0]!.locations[0]!.line);
    const dns = rules(f, 'sidecar-dns-blocked');
    expect(dns).toHaveLength(1);
    expect(dns[0]!.message).toMatch(/TCP 53,UDP 53|UDP 53/);
  });

  it('quiet when egress allows istiod 15012 and DNS', () => {
    const f = findings(NAMESPACES + deployment('shop', 'api') + DENY_ALL + SIDECAR_EGRESS('shop'));
    expect(rules(f, 'sidecar-control-plane-blocked')).toEqual([]);
    expect(rules(f, 'sidecar-dns-blocked')).toEqual([]);
  });

  it('DNS on UDP only: TCP 53 still missing', () => {
    const udpOnly = SIDECAR_EGRESS('shop').replace(', { port: 53, protocol: TCP }', '');
    const dns = rules(
      findings(NAMESPACES + deployment('shop', 'api') + DENY_ALL + udpOnly),
      'sidecar-dns-blocked',
    );
    expect(dns).toHaveLength(1);
    expect(dns[0]!.message).toMatch(/no TCP 53 /);
  });

  it('workloads without a sidecar are not checked; no egress policy is no finding', () => {
    expect(
      rules(findings(NAMESPACES + deployment('legacy', 'old')), 'sidecar-control-plane-blocked'),
    ).toEqual([]);
    expect(rules(findings(NAMESPACES + deployment('shop', 'api')), 'sidecar-control-plane-blocked')).toEqual(
      [],
    );
  });

  it('a real istiod in the repo is used, with its labels', () => {
    const istiod = deployment('istio-system', 'istiod', { labels: { app: 'istiod' }, port: 15012 });
    const f = findings(NAMESPACES + deployment('shop', 'api') + DENY_ALL + istiod);
    expect(rules(f, 'sidecar-control-plane-blocked')[0]!.destination).toBe('istio-system/istiod[Deployment]');
  });
});

describe('sidecar-port-blocked', () => {
  const prom = deployment('monitoring', 'prometheus', { port: 9090 });
  it('restricted ingress blocks 15090 from Prometheus', () => {
    const f = findings(NAMESPACES + deployment('shop', 'api') + DENY_ALL + SIDECAR_EGRESS('shop') + prom);
    const p = rules(f, 'sidecar-port-blocked');
    expect(p).toHaveLength(1);
    expect(p[0]!.message).toMatch(/TCP 15090 from Prometheus monitoring\/prometheus/);
  });

  it('an AdminNetworkPolicy Deny blocks 15090 with no NetworkPolicy: the finding names the rule', () => {
    const denyMonitoring = `
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: { name: no-monitoring }
spec:
  priority: 5
  subject: { namespaces: { matchLabels: { kubernetes.io/metadata.name: shop } } }
  ingress:
    - name: deny-monitoring
      action: Deny
      from: [{ namespaces: { matchLabels: { kubernetes.io/metadata.name: monitoring } } }]
`;
    const f = findings(NAMESPACES + deployment('shop', 'api') + denyMonitoring + prom);
    const p = rules(f, 'sidecar-port-blocked');
    expect(p).toHaveLength(1);
    expect(p[0]!.message).toMatch(
      /^Ingress of shop\/api\[Deployment\] is denied by AdminNetworkPolicy no-monitoring ingress\[0\] and no rule allows TCP 15090/,
    );
    expect(p[0]!.locations.map((l) => l.line).length).toBe(2);
  });

  it('synthetic Prometheus in a configured monitoring namespace; quiet when allowed', () => {
    const cfg = config({ mesh: { ...config().mesh, monitoringNamespaces: ['obs'] } });
    expect(
      rules(findings(NAMESPACES + deployment('shop', 'api') + DENY_ALL, cfg), 'sidecar-port-blocked'),
    ).toHaveLength(1);
    const allow = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-scrape, namespace: shop }
spec:
  podSelector: {}
  ingress:
    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: obs } } }]
      ports: [{ port: 15090 }]
`;
    expect(
      rules(findings(NAMESPACES + deployment('shop', 'api') + DENY_ALL + allow, cfg), 'sidecar-port-blocked'),
    ).toEqual([]);
  });

  it('15020 (merged metrics) too, for pods that ask to be scraped and do not opt out of merging', () => {
    const scraped = (extra: Record<string, string> = {}) =>
      deployment('shop', 'api', { annotations: { 'prometheus.io/scrape': 'true', ...extra } });
    const ports = (yaml: string) =>
      rules(
        findings(NAMESPACES + yaml + DENY_ALL + SIDECAR_EGRESS('shop') + prom),
        'sidecar-port-blocked',
      ).map((f) => /TCP (\d+)/.exec(f.message)![1]);
    expect(ports(scraped())).toEqual(['15020', '15090']);
    expect(ports(scraped({ 'prometheus.istio.io/merge-metrics': 'false' }))).toEqual(['15090']);
    expect(ports(deployment('shop', 'api'))).toEqual(['15090']);
  });

  it('no Prometheus anywhere: nothing to check', () => {
    expect(
      rules(findings(NAMESPACES + deployment('shop', 'api') + DENY_ALL), 'sidecar-port-blocked'),
    ).toEqual([]);
  });
});
