import { describe, expect, it } from 'vitest';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { workloadPeer } from '../../src/model/peers.js';
import { parseCidr } from '../../src/values/ip-range.js';
import { diffYaml, type Files } from '../helpers/diff-yaml.js';

// F10/F12 toward addresses outside the cluster (issue 17): a sidecar under REGISTRY_ONLY blackholes
// a call to an address no ServiceEntry in its registry and Sidecar scope claims; ALLOW_ANY passes it.

const NS = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
`;
const client = (annotations = '{}') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: pay, namespace: shop}
spec:
  selector: {matchLabels: {app: pay}}
  template:
    metadata: {labels: {app: pay}, annotations: ${annotations}}
    spec:
      containers: [{name: pay, image: pay}]
`;
const EGRESS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: pay, namespace: shop}
spec:
  podSelector: {matchLabels: {app: pay}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 203.0.113.0/24}}]}]
`;
const sidecar = (mode: string) => `apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: {name: pay, namespace: shop}
spec:
  workloadSelector: {labels: {app: pay}}
  outboundTrafficPolicy:
    mode: ${mode}
`;
const entry = (spec: string, ns = 'shop') => `apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: partner, namespace: ${ns}}
spec:
  hosts: [partner.example.com]
  location: MESH_EXTERNAL
  resolution: NONE
${spec}`;

/** What shop/pay (or another client) reaches of 203.0.113.5 in the effective matrix. */
function reach(files: Files, id = 'shop/pay[Deployment]'): string {
  const rev = analyseRevision(
    { label: 'head', files: Object.entries(files).map(([path, text]) => ({ path, text })), diagnostics: [] },
    DEFAULT_CONFIG,
  );
  const [m] = buildLayerMatrices(rev, rev, 'effective');
  const src = m.workloads.find((w) => w.id === id)!;
  const probe = parseCidr('203.0.113.5/32');
  const ext = m.externals.find((e) => e.range.from <= probe.from && probe.to <= e.range.to)!;
  return m.verdict(workloadPeer(src.workload), ext).effective.toString();
}

const BASE: Files = { 'ns.yaml': NS, 'pay.yaml': client(), 'np.yaml': EGRESS };
const ONLY = { 'sc.yaml': sidecar('REGISTRY_ONLY') };

describe('REGISTRY_ONLY toward external addresses (F10)', () => {
  it.each([
    ['ALLOW_ANY (mesh default): passthrough, NetworkPolicy alone decides', {}, 'All Connections'],
    ['Sidecar ALLOW_ANY: passthrough', { 'sc.yaml': sidecar('ALLOW_ANY') }, 'All Connections'],
    [
      'REGISTRY_ONLY, no ServiceEntry: TCP blackholed (UDP/SCTP are never proxied)',
      ONLY,
      'SCTP 1-65535,UDP 1-65535',
    ],
    [
      'a ServiceEntry with the addresses registers its ports only',
      {
        ...ONLY,
        'se.yaml': entry(
          '  addresses: [203.0.113.0/28]\n  ports: [{number: 5432, name: pg, protocol: TCP}]\n',
        ),
      },
      'SCTP 1-65535,TCP 5432,UDP 1-65535',
    ],
    [
      'an entry without addresses claims every address on a TCP port (F12)',
      { ...ONLY, 'se.yaml': entry('  ports: [{number: 6379, name: redis, protocol: TCP}]\n') },
      'SCTP 1-65535,TCP 6379,UDP 1-65535',
    ],
    [
      'an entry without addresses on a TLS port matches by SNI, not by address',
      { ...ONLY, 'se.yaml': entry('  ports: [{number: 443, name: tls, protocol: TLS}]\n') },
      'SCTP 1-65535,UDP 1-65535',
    ],
    [
      'an entry exported to another namespace only is not in the registry',
      {
        ...ONLY,
        'se.yaml': entry(
          '  exportTo: [other]\n  addresses: [203.0.113.0/24]\n  ports: [{number: 5432, name: pg, protocol: TCP}]\n',
        ),
      },
      'SCTP 1-65535,UDP 1-65535',
    ],
    [
      'excludeOutboundIPRanges covering the address bypasses the sidecar (E10)',
      { ...ONLY, 'pay.yaml': client('{traffic.sidecar.istio.io/excludeOutboundIPRanges: "203.0.113.0/24"}') },
      'All Connections',
    ],
    [
      'excludeOutboundPorts: those ports bypass the sidecar (E10)',
      { ...ONLY, 'pay.yaml': client('{traffic.sidecar.istio.io/excludeOutboundPorts: "25"}') },
      'SCTP 1-65535,TCP 25,UDP 1-65535',
    ],
  ])('%s', (_, extra, expected) => {
    expect(reach({ ...BASE, ...extra })).toBe(expected);
  });

  it('a Sidecar turning REGISTRY_ONLY closes the external path, citing its outboundTrafficPolicy line', () => {
    const report = diffYaml(BASE, { ...BASE, ...ONLY });
    const change = report.changes.find(
      (c) => c.source.id === 'shop/pay[Deployment]' && c.destination.id.startsWith('203.0.113.0-'),
    );
    expect(change).toMatchObject({
      kind: 'changed',
      after: 'SCTP 1-65535,UDP 1-65535',
      removed: 'TCP 1-65535',
    });
    const cause = change!.causes.find((c) => c.rule.startsWith('Sidecar shop/pay outboundTrafficPolicy'));
    expect(cause).toMatchObject({
      revision: 'head',
      effect: 'denies',
      location: { file: 'sc.yaml', line: 6 },
    });
    expect(cause!.rule).toContain('blackholes the calls (F10)');
  });

  it('a client that excludes the range is not answered like one that does not (its class is its own)', () => {
    const other = client('{traffic.sidecar.istio.io/excludeOutboundIPRanges: "203.0.113.0/24"}').replace(
      'name: pay, namespace',
      'name: pay2, namespace',
    );
    const files = { ...BASE, ...ONLY, 'pay2.yaml': other };
    expect([reach(files), reach(files, 'shop/pay2[Deployment]')]).toEqual([
      'SCTP 1-65535,UDP 1-65535',
      'All Connections',
    ]);
  });
});
