import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../../src/compile/compile-policies.js';
import { readMeshProxyDefaults } from '../../src/findings/sidecar-resources.js';
import { config, deploy, modelFromYaml, namespace, workload } from './fixtures.js';
import { ap, at, mesh, show } from './helpers.js';

/**
 * The repository's Istio install applied (issue 16 item 4, SEMANTICS V5): its trust domain and
 * aliases decide identities and principals (D9), its profile the proxy request defaults (H1), its
 * injector settings the injection (C2e, C4). The config wins where it says.
 */
const operator = (spec: string) =>
  `---\napiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: io, namespace: istio-system}\nspec:\n${spec
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
const CORP = operator('meshConfig: {trustDomain: corp.example, trustDomainAliases: [old.example]}');
const allowOnly = (principal: string) =>
  ap(
    'only-client',
    'app',
    `selector: {matchLabels: {app: server}}\nrules: [{from: [{source: {principals: ["${principal}"]}}]}]`,
  );

describe('D9: the install trust domain decides principals', () => {
  const rows: { id: string; yaml: string; cfg?: Parameters<typeof config>[0]; expect: string }[] = [
    {
      id: 'D9 a principal in the repository trust domain matches its workloads',
      yaml: CORP + allowOnly('corp.example/ns/app/sa/client'),
      expect: 'all',
    },
    {
      id: 'D9 a principal in an alias of the repository trust domain is equivalent',
      yaml: CORP + allowOnly('old.example/ns/app/sa/client'),
      expect: 'all',
    },
    {
      id: 'D9 cluster.local is rewritten to the local trust domain',
      yaml: CORP + allowOnly('cluster.local/ns/app/sa/client'),
      expect: 'all',
    },
    {
      id: 'D9 another trust domain matches nothing',
      yaml: CORP + allowOnly('other.example/ns/app/sa/client'),
      expect: 'none',
    },
    {
      id: 'D9 without an install in the repository, a corp.example principal matches nothing',
      yaml: allowOnly('corp.example/ns/app/sa/client'),
      expect: 'none',
    },
    {
      id: 'D9 the configured trust domain wins over the repository',
      yaml: CORP + allowOnly('corp.example/ns/app/sa/client'),
      cfg: { trustDomain: 'prod.example' },
      expect: 'none',
    },
  ];
  it.each(rows)('$id', (row) => {
    expect(show(at(mesh(row.yaml, config(row.cfg)).cell('client'), 80))).toBe(row.expect);
  });

  it('identities carry the repository trust domain', () => {
    const run = mesh(CORP);
    expect(run.engine.sidecar(workload(run.model, 'client')).identity).toBe('corp.example/ns/app/sa/client');
  });

  it('a configured trust domain that differs from the repository is a warning', () => {
    const model = modelFromYaml(CORP);
    const diagnostics = compilePolicies(model, config({ trustDomain: 'prod.example' })).diagnostics;
    expect(
      diagnostics.filter((d) => d.code === 'istio-mesh-install-config-mismatch').map((d) => d.message),
    ).toEqual([
      'IstioOperator istio-system/io sets meshConfig.trustDomain to "corp.example", but the analysis uses config mesh.trustDomain "prod.example"',
    ]);
    expect(compilePolicies(model, config()).diagnostics.map((d) => d.code)).not.toContain(
      'istio-mesh-install-config-mismatch',
    );
  });
});

describe('C2e, C4: the install injector settings decide injection', () => {
  const unlabelled = namespace('free');
  const rows: {
    id: string;
    yaml: string;
    cfg?: Parameters<typeof config>[0];
    injected: boolean;
    rule: string;
  }[] = [
    {
      id: 'C4 autoInject disabled: an enabled namespace without a pod opt-in gets no sidecar',
      yaml:
        operator('values: {global: {proxy: {autoInject: disabled}}}') +
        namespace('ns', { 'istio-injection': 'enabled' }) +
        deploy('w', 'ns'),
      injected: false,
      rule: 'C4',
    },
    {
      id: 'C4 autoInject disabled: a pod label "true" still asks for it',
      yaml:
        operator('values: {global: {proxy: {autoInject: disabled}}}') +
        namespace('ns', { 'istio-injection': 'enabled' }) +
        deploy('w', 'ns', { labels: { 'sidecar.istio.io/inject': 'true' } }),
      injected: true,
      rule: 'C3',
    },
    {
      id: 'C4 autoInject enabled: an enabled namespace injects',
      yaml:
        operator('values: {global: {proxy: {autoInject: enabled}}}') +
        namespace('ns', { 'istio-injection': 'enabled' }) +
        deploy('w', 'ns'),
      injected: true,
      rule: 'C4',
    },
    {
      id: 'C4 a policy neither enabled nor disabled injects nothing',
      yaml:
        operator('values: {global: {proxy: {autoInject: "off"}}}') +
        namespace('ns', { 'istio-injection': 'enabled' }) +
        deploy('w', 'ns', { labels: { 'sidecar.istio.io/inject': 'true' } }),
      injected: false,
      rule: 'C4',
    },
    {
      id: 'C2e enableNamespacesByDefault from the repository injects an unlabelled namespace',
      yaml:
        operator('values: {sidecarInjectorWebhook: {enableNamespacesByDefault: true}}') +
        unlabelled +
        deploy('w', 'free'),
      injected: true,
      rule: 'C4',
    },
    {
      id: 'C2e the configured enableNamespacesByDefault wins over the repository',
      yaml:
        operator('values: {sidecarInjectorWebhook: {enableNamespacesByDefault: true}}') +
        unlabelled +
        deploy('w', 'free'),
      cfg: { enableNamespacesByDefault: false },
      injected: false,
      rule: 'C2b',
    },
  ];
  it.each(rows)('$id', (row) => {
    const run = mesh(row.yaml, config(row.cfg));
    const info = run.engine.sidecar(workload(run.model, 'w'));
    expect({ injected: info.injected, rule: info.rule }).toEqual({ injected: row.injected, rule: row.rule });
  });

  it('the reason names where the policy comes from', () => {
    const run = mesh(
      operator('values: {global: {proxy: {autoInject: disabled}}}') +
        namespace('ns', { 'istio-injection': 'enabled' }) +
        deploy('w', 'ns'),
    );
    expect(run.engine.sidecar(workload(run.model, 'w')).reason).toBe(
      'namespace ns has istio-injection=enabled (C2a), but injector policy disabled (global.proxy.autoInject, IstioOperator istio-system/io) and the pod does not ask for a sidecar (sidecar.istio.io/inject)',
    );
  });
});

describe('H1: the install profile gives the proxy request defaults', () => {
  const defaults = (yaml: string) => {
    const d = readMeshProxyDefaults(compilePolicies(modelFromYaml(yaml), config()).mesh);
    return [d.cpu?.text, d.memory?.text, d.cpu?.from];
  };
  const rows: { id: string; yaml: string; expect: (string | undefined)[] }[] = [
    {
      id: 'H1 profile demo lowers requests to 10m/40Mi',
      yaml: operator('profile: demo'),
      expect: ['10m', '40Mi', 'IstioOperator istio-system/io spec.profile demo'],
    },
    {
      id: 'H1 profile minimal keeps the default 100m/128Mi',
      yaml: operator('profile: minimal'),
      expect: ['100m', '128Mi', 'IstioOperator istio-system/io spec.profile minimal'],
    },
    {
      id: 'H1 values overlay the profile per field',
      yaml: operator('profile: demo\nvalues: {global: {proxy: {resources: {requests: {cpu: 50m}}}}}'),
      expect: ['50m', '40Mi', 'IstioOperator istio-system/io spec.values.global.proxy.resources'],
    },
    {
      id: 'H1 the istiod chart value profile (1.21 and later)',
      yaml: '---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: istiod, namespace: istio-system}\nspec: {values: {profile: demo}}\n',
      expect: ['10m', '40Mi', 'HelmRelease istio-system/istiod spec.values.profile demo'],
    },
    {
      id: 'H1 an unknown profile says nothing',
      yaml: operator('profile: custom'),
      expect: [undefined, undefined, undefined],
    },
  ];
  it.each(rows)('$id', (row) => {
    expect(defaults(row.yaml)).toEqual(row.expect);
  });
});
