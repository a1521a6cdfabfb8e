import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { readMeshProxyDefaults } from '../../src/findings/sidecar-resources.js';
import { codes, revision } from './helpers.js';

const OPERATOR = `
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: { name: main, namespace: istio-system }
spec:
  profile: demo
  revision: 1-22
  tag: 1.22.3
  meshConfig:
    rootNamespace: mesh-root
    trustDomain: corp.example
    trustDomainAliases: [old.example]
    outboundTrafficPolicy: { mode: REGISTRY_ONLY }
    extensionProviders:
      - { name: authz, envoyExtAuthzHttp: { service: authz.svc, port: 9000 } }
    defaultConfig: { discoveryAddress: "istiod.istio-system.svc:15010" }
  values:
    global: { proxy: { autoInject: disabled, resources: { requests: { cpu: 50m, memory: 64Mi } } } }
    sidecarInjectorWebhook: { enableNamespacesByDefault: true }
`;

const HELM_RELEASE = (cpu: string) => `
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: istiod, namespace: istio-system }
spec:
  values:
    global: { proxy: { resources: { requests: { cpu: ${cpu}, memory: 64Mi } } } }
`;

describe('one reader of the Istio install (SEMANTICS V5)', () => {
  it('reads every setting from one place', () => {
    const mesh = revision(OPERATOR).policies.mesh;
    expect(mesh).toMatchObject({
      rootNamespace: 'mesh-root',
      trustDomain: 'corp.example',
      trustDomainAliases: ['old.example'],
      outboundTrafficPolicy: 'REGISTRY_ONLY',
      profile: 'demo',
      revisions: ['1-22'],
      release: '1.22.3',
      injector: { policy: 'disabled', enableNamespacesByDefault: true },
      plaintextXds: true,
    });
    expect([...(mesh.providers ?? [])]).toEqual([['authz', 'http']]);
    expect(mesh.proxyRequests.cpu).toMatchObject({
      text: '50m',
      from: 'IstioOperator istio-system/main spec.values.global.proxy.resources',
    });
    expect(mesh.proxyRequests.cpu?.location.line).toBe(18);
  });

  it('settings the config also states are a warning where they differ (the config wins)', () => {
    const mismatches = (cfg = DEFAULT_CONFIG) =>
      revision(OPERATOR, cfg)
        .diagnostics.filter((d) => d.code === 'istio-mesh-install-config-mismatch')
        .map((d) => d.message);
    // The config says nothing: the repository's install is applied, nothing to warn about.
    expect(mismatches()).toEqual([]);
    const differing = {
      ...DEFAULT_CONFIG,
      mesh: { ...DEFAULT_CONFIG.mesh, trustDomain: 'cluster.local', enableNamespacesByDefault: false },
    };
    expect(mismatches(differing)).toEqual([
      'IstioOperator istio-system/main sets meshConfig.trustDomain to "corp.example", but the analysis uses config mesh.trustDomain "cluster.local"',
      'IstioOperator istio-system/main sets sidecarInjectorWebhook.enableNamespacesByDefault to true, but the analysis uses config mesh.enableNamespacesByDefault false',
    ]);
    const agreeing = {
      ...DEFAULT_CONFIG,
      mesh: { ...DEFAULT_CONFIG.mesh, trustDomain: 'corp.example', enableNamespacesByDefault: true },
    };
    expect(mismatches(agreeing)).toEqual([]);
  });

  it('what is applied: the repository trust domain with its aliases, its injector settings', () => {
    const mesh = revision(OPERATOR).policies.mesh;
    expect(mesh.trustDomains).toEqual(['corp.example', 'old.example']);
    expect(mesh.injector).toEqual({
      policy: 'disabled',
      policyFrom: 'IstioOperator istio-system/main',
      enableNamespacesByDefault: true,
      byDefaultFrom: 'IstioOperator istio-system/main',
    });
    expect(revision('').policies.mesh.trustDomains).toEqual(['cluster.local']);
  });

  it('the L7 engine and the findings read the same install', () => {
    const rev = revision(OPERATOR);
    expect(rev.l7.rootNamespace).toBe('mesh-root');
    const defaults = readMeshProxyDefaults(rev.policies.mesh);
    expect([defaults.cpu?.text, defaults.memory?.text, defaults.cpu?.origin]).toEqual([
      '50m',
      '64Mi',
      'mesh',
    ]);
  });

  it('two sources that disagree on the proxy requests are a warning; the first wins', () => {
    const rev = revision(OPERATOR + HELM_RELEASE('200m'));
    const conflict = rev.diagnostics.filter((d) => d.code === 'istio-mesh-install-conflict');
    expect(conflict.map((d) => d.message)).toEqual([
      'HelmRelease istio-system/istiod sets global.proxy.resources.requests to {"cpu":"200m","memory":"64Mi"}, but IstioOperator istio-system/main sets it to {"cpu":"50m","memory":"64Mi"}; using the latter',
    ]);
    expect(conflict[0]!.severity).toBe('warning');
    expect(rev.policies.mesh.proxyRequests.cpu?.text).toBe('50m');
  });

  it('sources that agree are no conflict', () => {
    expect(codes(revision(OPERATOR + HELM_RELEASE('50m')))).not.toContain('istio-mesh-install-conflict');
  });

  it('the Istio release from the istiod chart a HelmRelease installs, when no IstioOperator names it', () => {
    const release = `
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: istiod, namespace: istio-system }
spec:
  chart: { spec: { chart: istiod, version: 1.23.2 } }
  values: { revision: canary }
`;
    expect(revision(release).policies.mesh).toMatchObject({ release: '1.23.2', revisions: ['canary'] });
  });

  it('the configured root namespace wins over the repository', () => {
    const cfg = { ...DEFAULT_CONFIG, mesh: { ...DEFAULT_CONFIG.mesh, rootNamespace: 'configured' } };
    const rev = revision(OPERATOR, cfg);
    expect([rev.l7.rootNamespace, rev.policies.mesh.rootNamespace]).toEqual(['configured', 'mesh-root']);
  });
});
