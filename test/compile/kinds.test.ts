import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { revision } from './helpers.js';

const errors = (yaml: string) => revision(yaml).diagnostics.filter((d) => d.severity === 'error');

const PA = (apiVersion: string, ns = 'shop') => `
apiVersion: ${apiVersion}
kind: PeerAuthentication
metadata: { name: strict, namespace: ${ns} }
spec: { mtls: { mode: STRICT } }
`;

const INSTALL = (tag: string) => `
---
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: { name: istio, namespace: istio-system }
spec: { tag: ${tag} }
`;

describe('Istio versions the analysed release does not serve take no effect (SEMANTICS V1)', () => {
  it('a PeerAuthentication in v1 on Istio 1.20 (the default): error, reaching its namespace, not applied', () => {
    const rev = revision(PA('security.istio.io/v1'));
    expect(rev.policies.istio.peerAuthentications).toEqual([]);
    const found = rev.diagnostics.filter((d) => d.severity === 'error');
    expect(found).toMatchObject([
      { code: 'istio-version-not-served', reach: { kind: 'namespaces', namespaces: ['shop'] } },
    ]);
    expect(found[0]?.message).toMatch(/not served by Istio 1\.20/);
    // Not the old warning that ignored it quietly.
    expect(rev.diagnostics.map((d) => d.code)).not.toContain('istio-unsupported-version');
  });

  it('the same PeerAuthentication on a repository that installs Istio 1.22 is applied', () => {
    const rev = revision(PA('security.istio.io/v1') + INSTALL('1.22.3'));
    expect(rev.policies.istio.peerAuthentications.map((o) => o.name)).toEqual(['strict']);
    expect(rev.diagnostics.filter((d) => d.code === 'istio-version-not-served')).toEqual([]);
  });

  it('the configured release (mesh.istioRelease) decides over the repository install', () => {
    const on = (release: string) => ({
      ...DEFAULT_CONFIG,
      mesh: { ...DEFAULT_CONFIG.mesh, istioRelease: release },
    });
    // The repository says 1.20; the platform team says the cluster runs 1.22: v1 is served.
    const served = revision(PA('security.istio.io/v1') + INSTALL('1.20.8'), on('1.22'));
    expect(served.policies.istio.peerAuthentications.map((o) => o.name)).toEqual(['strict']);
    // And the other way round: the repository installs 1.22, the cluster still runs 1.20.
    const rejected = revision(PA('security.istio.io/v1') + INSTALL('1.22.3'), on('1.20'));
    expect(rejected.policies.istio.peerAuthentications).toEqual([]);
    expect(rejected.diagnostics.find((d) => d.code === 'istio-version-not-served')?.message).toMatch(
      /not served by Istio 1\.20/,
    );
  });

  it('an AuthorizationPolicy in v1alpha1 (removed in 1.6) in the root namespace reaches every pair', () => {
    const found = errors(`
apiVersion: security.istio.io/v1alpha1
kind: AuthorizationPolicy
metadata: { name: deny, namespace: istio-system }
spec: { action: DENY, rules: [{}] }
`);
    expect(found).toMatchObject([{ code: 'istio-version-not-served', reach: { kind: 'all' } }]);
  });

  it('a VirtualService in networking.istio.io/v1 on Istio 1.20 is not decoded', () => {
    const rev = revision(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec: { hosts: [reviews], http: [{ route: [{ destination: { host: reviews } }] }] }
`);
    expect(rev.policies.traffic.meshVirtualServices).toEqual([]);
    expect(rev.diagnostics.map((d) => d.code)).toContain('istio-version-not-served');
  });
});

describe('kinds that change reachability but are not modelled (issue 13 item 5)', () => {
  // WorkloadEntry: still not modelled (a Sidecar is, since issue 16).
  const sidecar = (name: string, ns: string) => `
---
apiVersion: networking.istio.io/v1beta1
kind: WorkloadEntry
metadata: { name: ${name}, namespace: ${ns} }
spec: { address: 10.0.0.1 }
`;

  it('one error per kind naming the objects; the pairs of their namespaces uncertain', () => {
    const found = errors(
      sidecar('a', 'shop') + sidecar('b', 'shop') + sidecar('c', 'pay') + sidecar('d', 'pay'),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      code: 'kind-not-modelled',
      reach: { kind: 'namespaces', namespaces: ['pay', 'shop'] },
    });
    expect(found[0]?.message).toMatch(
      /^4 WorkloadEntry \(networking\.istio\.io\) not analysed yet: WorkloadEntry shop\/a \(all\.yaml:\d+\)/,
    );
    expect(found[0]?.message).toMatch(/and 1 more/);
    expect(found[0]?.message).toMatch(/result for pairs in namespaces pay, shop is uncertain/);
  });

  it('a WorkloadEntry in the root namespace, and cluster-wide kinds, make every pair uncertain', () => {
    expect(errors(sidecar('default', 'istio-system'))).toMatchObject([{ reach: { kind: 'all' } }]);
    const cnp = `
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: { name: deny-all }
spec: { tier: Admin, priority: 10, subject: { namespaces: {} }, ingress: [] }
`;
    expect(errors(cnp)).toMatchObject([{ code: 'kind-not-modelled', reach: { kind: 'all' } }]);
  });

  it('an EnvoyFilter that only sets stats still makes its namespace uncertain, and says why', () => {
    const found = errors(`
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: stats, namespace: shop }
spec: { configPatches: [{ applyTo: HTTP_FILTER, patch: { operation: MERGE, value: {} } }] }
`);
    expect(found).toMatchObject([
      { code: 'kind-not-modelled', reach: { kind: 'namespaces', namespaces: ['shop'] } },
    ]);
    expect(found[0]?.message).toMatch(/can rewrite any proxy configuration/);
  });

  it('a Gateway API Gateway reaches the paths from outside only; an ambient waypoint its namespace', () => {
    const gateway = (cls: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: web, namespace: shop }
spec: { gatewayClassName: ${cls}, listeners: [{ name: http, port: 80, protocol: HTTP }] }
`;
    const ingress = errors(gateway('istio'));
    expect(ingress).toMatchObject([{ code: 'kind-not-modelled', reach: { kind: 'from-outside' } }]);
    expect(ingress[0]?.message).toMatch(/result for paths from outside the cluster is uncertain/);
    expect(errors(gateway('istio-waypoint'))).toMatchObject([
      { code: 'kind-not-modelled', reach: { kind: 'namespaces', namespaces: ['shop'] } },
    ]);
  });

  it('kinds that cannot change reachability are never errors', () => {
    const found = errors(`
apiVersion: v1
kind: ConfigMap
metadata: { name: c, namespace: shop }
data: { a: b }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: s, namespace: shop }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: r }
rules: []
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: sidecars.networking.istio.io }
spec: { group: networking.istio.io, names: { kind: Sidecar } }
`);
    expect(found).toEqual([]);
  });
});
