import { describe, expect, it } from 'vitest';
import type { PathChange } from '../../src/report/types.js';
import { diffYaml, type Files } from '../helpers/diff-yaml.js';

// ServiceEntry hosts as destinations (issue 17 item 1, SEMANTICS F12): named by host, port and
// protocol; reached when the client's NetworkPolicy egress allows the entry's addresses.

const CLIENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: pay, namespace: shop}
spec:
  selector: {matchLabels: {app: pay}}
  template:
    metadata: {labels: {app: pay}}
    spec:
      containers: [{name: pay, image: pay}]
`;
const entry = (extra = '') => `apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: stripe, namespace: shop}
spec:
  hosts: [api.stripe.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 443, name: tls, protocol: TLS}]
${extra}`;
const egress = (to: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: pay, namespace: shop}
spec:
  podSelector: {matchLabels: {app: pay}}
  policyTypes: [Egress]
  egress: [${to}]
`;
const BASE: Files = { 'pay.yaml': CLIENT };
const HOST = 'api.stripe.com:443/TLS';

const toHost = (r: { changes: readonly PathChange[] }) => r.changes.filter((c) => c.destination.id === HOST);

describe('ServiceEntry hosts as destinations', () => {
  it('a ServiceEntry added opens the host to its clients, citing it', () => {
    const report = diffYaml(BASE, { ...BASE, 'se.yaml': entry() });
    const [change, ...rest] = toHost(report);
    expect(rest).toEqual([]);
    expect(change).toMatchObject({
      kind: 'opened',
      source: { id: 'shop/pay[Deployment]' },
      destination: { id: HOST, kind: 'external' },
      added: 'TCP 443',
      uncertain: false,
    });
    expect(change!.causes.map((c) => [c.rule, c.location.file])).toContainEqual([
      'ServiceEntry shop/stripe',
      'se.yaml',
    ]);
    expect(report.diagnostics.map((d) => d.code)).not.toContain('kind-not-modelled');
  });

  it('NetworkPolicy egress that blocks every external address blocks the host', () => {
    const files = { ...BASE, 'np.yaml': egress('') };
    expect(toHost(diffYaml(files, { ...files, 'se.yaml': entry() }))).toEqual([]);
  });

  it('unknown DNS addresses: egress to some addresses only makes the answer uncertain', () => {
    const files = { ...BASE, 'np.yaml': egress('{to: [{ipBlock: {cidr: 203.0.113.0/24}}]}') };
    const [change] = toHost(diffYaml(files, { ...files, 'se.yaml': entry() }));
    expect(change).toMatchObject({ kind: 'opened', uncertain: true });
    expect(change!.uncertainBecause?.[0]).toContain('resolved at runtime');
  });

  it('listed addresses decide: egress to them is certain, egress elsewhere reaches nothing', () => {
    const listed = entry('  addresses: [203.0.113.10/32]\n');
    const allowed = { ...BASE, 'np.yaml': egress('{to: [{ipBlock: {cidr: 203.0.113.0/24}}]}') };
    expect(toHost(diffYaml(allowed, { ...allowed, 'se.yaml': listed }))).toMatchObject([
      { kind: 'opened', uncertain: false },
    ]);
    const elsewhere = { ...BASE, 'np.yaml': egress('{to: [{ipBlock: {cidr: 198.51.100.0/24}}]}') };
    expect(toHost(diffYaml(elsewhere, { ...elsewhere, 'se.yaml': listed }))).toEqual([]);
  });

  // F12 exportTo, F9 Sidecar egress.hosts, F10 outbound policy: who reaches a host exported to
  // `shop` only, from shop/pay and ops/pay. Without a sidecar there is no registry: the host is
  // dialled directly. With one, an unmatched call is forwarded (ALLOW_ANY) or blackholed.
  const injected = ['shop', 'ops']
    .map(
      (ns) =>
        `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}, labels: {istio-injection: enabled}}\n`,
    )
    .join('');
  const registryOnly = `---
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {name: mesh, namespace: istio-system}
spec: {meshConfig: {outboundTrafficPolicy: {mode: REGISTRY_ONLY}}}
`;
  const sidecar = (hosts: string, outbound = '') => `---
apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: {name: scope, namespace: shop}
spec:
  egress: [{hosts: [${hosts}]}]
${outbound ? `  outboundTrafficPolicy: {mode: ${outbound}}\n` : ''}`;
  it.each([
    ['no sidecar: dialled directly, exportTo does not apply', '', ['ops', 'shop']],
    ['ALLOW_ANY: ops is unmatched and passes through', injected, ['ops', 'shop']],
    ['REGISTRY_ONLY: ops is blackholed', injected + registryOnly, ['shop']],
    [
      'REGISTRY_ONLY, Sidecar imports another host',
      injected + registryOnly + sidecar('"./other.example.com"'),
      [],
    ],
    [
      'REGISTRY_ONLY, Sidecar imports the host',
      injected + registryOnly + sidecar('"*/api.stripe.com"'),
      ['shop'],
    ],
    [
      'REGISTRY_ONLY, Sidecar imports it on namespace shop',
      injected + registryOnly + sidecar('"shop/*"'),
      ['shop'],
    ],
    ['REGISTRY_ONLY, Sidecar imports namespace ops only', injected + registryOnly + sidecar('"ops/*"'), []],
    [
      "the Sidecar's own REGISTRY_ONLY beats the mesh's ALLOW_ANY",
      injected + sidecar('"~/*"', 'REGISTRY_ONLY'),
      ['ops'],
    ],
  ])('exportTo ["."] %s', (_, mesh, reached) => {
    const files = { ...BASE, 'ops.yaml': CLIENT.replaceAll('shop', 'ops'), 'mesh.yaml': mesh || '{}\n' };
    const report = diffYaml(files, { ...files, 'se.yaml': entry('  exportTo: ["."]\n') });
    expect(toHost(report).map((c) => c.source.id)).toEqual(reached.map((ns) => `${ns}/pay[Deployment]`));
  });

  it('a Sidecar importing one name of a wildcard host reaches it, uncertain, under REGISTRY_ONLY', () => {
    const files = { ...BASE, 'mesh.yaml': injected + sidecar('"*/api.stripe.com"', 'REGISTRY_ONLY') };
    const wildcard = entry().replace('hosts: [api.stripe.com]', 'hosts: ["*.stripe.com"]');
    const report = diffYaml(files, { ...files, 'se.yaml': wildcard });
    const changes = report.changes.filter((c) => c.destination.id === '*.stripe.com:443/TLS');
    expect(changes).toMatchObject([
      { kind: 'opened', source: { id: 'shop/pay[Deployment]' }, uncertain: true },
    ]);
    expect(changes[0]!.uncertainBecause?.[0]).toContain('import only some names');
  });

  it('a NetworkPolicy that closes egress to the host closes the path, citing the isolation', () => {
    const files = { ...BASE, 'se.yaml': entry() };
    const report = diffYaml(files, { ...files, 'np.yaml': egress('') });
    const [change] = toHost(report);
    expect(change).toMatchObject({ kind: 'closed', removed: 'TCP 443' });
    expect(change!.causes.map((c) => c.rule)).toContain('NetworkPolicy shop/pay');
  });

  it('a TCP port without addresses claims every address on it: a warning says so', () => {
    const tcp = entry().replace(
      '{number: 443, name: tls, protocol: TLS}',
      '{number: 5432, name: pg, protocol: TCP}',
    );
    const report = diffYaml(BASE, { ...BASE, 'se.yaml': tcp });
    expect(report.diagnostics.map((d) => [d.severity, d.code])).toContainEqual([
      'warning',
      'serviceentry-claims-port',
    ]);
  });

  it('STATIC endpoints are what NetworkPolicy egress sees, on their own port; no kind-not-modelled', () => {
    const pinned = entry('  endpoints: [{address: 203.0.113.10, ports: {tls: 8443}}]\n').replace(
      'resolution: DNS',
      'resolution: STATIC',
    );
    const toEndpoint = (port: number) => ({
      ...BASE,
      'np.yaml': egress(`{to: [{ipBlock: {cidr: 203.0.113.10/32}}], ports: [{port: ${port}}]}`),
    });
    const report = diffYaml(toEndpoint(8443), { ...toEndpoint(8443), 'se.yaml': pinned });
    expect(toHost(report)).toMatchObject([{ kind: 'opened', uncertain: false, added: 'TCP 443' }]);
    expect(report.diagnostics.map((d) => d.code)).not.toContain('kind-not-modelled');
    // Egress to the endpoint on the entry's port, not the endpoint's: nothing.
    expect(toHost(diffYaml(toEndpoint(443), { ...toEndpoint(443), 'se.yaml': pinned }))).toEqual([]);
  });

  it('a workloadSelector entry is its pods: reached when NetworkPolicy lets the client reach them', () => {
    const vm = `apiVersion: apps/v1
kind: Deployment
metadata: {name: legacy, namespace: shop}
spec:
  selector: {matchLabels: {app: legacy}}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      containers: [{name: legacy, image: legacy, ports: [{containerPort: 9443}]}]
`;
    const internal = entry('  workloadSelector: {labels: {app: legacy}}\n')
      .replace('location: MESH_EXTERNAL', 'location: MESH_INTERNAL')
      .replace('protocol: TLS}', 'protocol: TLS, targetPort: 9443}');
    const closed = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: legacy, namespace: shop}
spec:
  podSelector: {matchLabels: {app: legacy}}
  policyTypes: [Ingress]
`;
    const base = { ...BASE, 'vm.yaml': vm };
    const report = diffYaml(base, { ...base, 'se.yaml': internal });
    expect(toHost(report)).toMatchObject([{ kind: 'opened', uncertain: false }]);
    expect(report.diagnostics.map((d) => d.code)).not.toContain('kind-not-modelled');
    // The pods' ingress decides, not egress to outside addresses.
    const isolated = { ...base, 'np.yaml': closed };
    expect(toHost(diffYaml(isolated, { ...isolated, 'se.yaml': internal }))).toEqual([]);
    const open = { ...base, 'np.yaml': egress('{to: [{ipBlock: {cidr: 203.0.113.0/24}}]}') };
    expect(toHost(diffYaml(open, { ...open, 'se.yaml': internal }))).toEqual([]);
  });
});
