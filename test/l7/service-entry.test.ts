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

  it('exportTo hides the host from other namespaces', () => {
    const other = CLIENT.replaceAll('shop', 'ops');
    const files = { ...BASE, 'ops.yaml': other };
    const report = diffYaml(files, { ...files, 'se.yaml': entry('  exportTo: ["."]\n') });
    expect(toHost(report).map((c) => c.source.id)).toEqual(['shop/pay[Deployment]']);
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

  it('endpoints that add workloads to the mesh are not modelled: an error', () => {
    const internal = entry('  endpoints: [{address: 10.0.0.5}]\n');
    const report = diffYaml(BASE, { ...BASE, 'se.yaml': internal });
    expect(report.diagnostics.map((d) => [d.severity, d.code])).toContainEqual([
      'error',
      'kind-not-modelled',
    ]);
  });
});
