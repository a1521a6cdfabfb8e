import { describe, expect, it } from 'vitest';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { diffRevisions } from '../../src/analysis/diff-revisions.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { InputUncertainty, reachesPair } from '../../src/diff/uncertainty.js';
import { externalPeer, workloadPeer } from '../../src/model/peers.js';
import type { Workload } from '../../src/model/types.js';
import { ALL_IPV4 } from '../../src/values/ip-range.js';

const side = (label: string, yaml: string) =>
  analyseRevision({ label, files: [{ path: 'all.yaml', text: yaml }], diagnostics: [] }, DEFAULT_CONFIG);

const diff = (base: string, head: string) =>
  diffRevisions(side('base', base), side('head', head), { layer: 'effective', config: DEFAULT_CONFIG });

const pod = (ns: string, app: string) => `
---
apiVersion: v1
kind: Pod
metadata: { name: ${app}, namespace: ${ns}, labels: { app: ${app} } }
spec: { containers: [{ name: c, image: x, ports: [{ containerPort: 8080 }] }] }
`;

// Namespace a, where the WorkloadEntry is, runs the mesh's tooling; the pull requests change b and c.
const PODS = pod('a', 'tool') + pod('b', 'web') + pod('b', 'api') + pod('c', 'web');

const DENY_ALL = (ns: string) => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: ${ns} }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;

/** Isolates ns's ingress, still admitting namespace a: closes b and c's paths, none of a's. */
const ALLOW_ONLY_FROM_A = (ns: string) => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: from-a, namespace: ${ns} }
spec:
  podSelector: {}
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: a } } }] }]
`;

// A WorkloadEntry: a kind still not modelled (Sidecars are, since issue 16).
const SIDECAR = (address: string, ns = 'a') => `
---
apiVersion: networking.istio.io/v1beta1
kind: WorkloadEntry
metadata: { name: default, namespace: ${ns} }
spec: { address: ${address} }
`;

const unmodelled = (r: ReturnType<typeof diff>) =>
  r.diagnostics.filter((d) => d.code === 'kind-not-modelled');

describe('a kind not modelled yet, the same in base and head', () => {
  it('is a warning when no listed change lies within its reach: the run is complete', () => {
    const r = diff(PODS + SIDECAR('10.0.0.1'), PODS + SIDECAR('10.0.0.1') + ALLOW_ONLY_FROM_A('b'));
    expect(r.summary.closed).toBeGreaterThan(0);
    expect(r.changes.every((c) => c.source.namespace !== 'a' && c.destination.namespace !== 'a')).toBe(true);
    expect(unmodelled(r).map((d) => d.severity)).toEqual(['warning', 'warning']);
    expect(r.incomplete).toBe(false);
    expect(r.changes.every((c) => !c.uncertain)).toBe(true);
  });

  it('stays an error when a listed change lies within its reach, and that change is uncertain', () => {
    const r = diff(PODS + SIDECAR('10.0.0.1', 'b'), PODS + SIDECAR('10.0.0.1', 'b') + DENY_ALL('b'));
    expect(unmodelled(r).map((d) => d.severity)).toEqual(['error', 'error']);
    expect(r.incomplete).toBe(true);
    expect(r.changes.length).toBeGreaterThan(0);
    expect(r.changes.every((c) => c.uncertain)).toBe(true);
  });

  it('stays an error when the pull request changes those objects', () => {
    const r = diff(PODS + SIDECAR('10.0.0.1'), PODS + SIDECAR('10.0.0.2') + ALLOW_ONLY_FROM_A('b'));
    expect(unmodelled(r).map((d) => d.severity)).toEqual(['error', 'error']);
    expect(r.incomplete).toBe(true);
  });

  it('a revision diffed with itself is complete and empty', () => {
    const r = diff(PODS + SIDECAR('10.0.0.1'), PODS + SIDECAR('10.0.0.1'));
    expect(r.changes).toEqual([]);
    expect(r.incomplete).toBe(false);
    expect(unmodelled(r).length).toBe(2);
  });
});

describe("reach 'from-outside': only pairs whose source is outside the cluster", () => {
  it('an address range as source is reached; pod to pod, and pod to outside, are not', () => {
    const w = (name: string) =>
      workloadPeer({ id: `shop/${name}[Deployment]`, namespace: 'shop', name } as Workload);
    const outside = externalPeer(ALL_IPV4);
    const reach = { kind: 'from-outside' } as const;
    expect(reachesPair(reach, outside, w('a'))).toBe(true);
    expect(reachesPair(reach, w('a'), w('b'))).toBe(false);
    expect(reachesPair(reach, w('a'), outside)).toBe(false);
    const u = new InputUncertainty([
      {
        severity: 'error',
        code: 'kind-not-modelled',
        message: 'x',
        location: { revision: 'head', file: 'gw.yaml', line: 1, column: 1 },
        reach,
      },
    ]);
    expect(u.reasons(outside, w('a'))).toEqual(['head:gw.yaml:1 kind-not-modelled']);
    expect(u.reasons(w('a'), w('b'))).toEqual([]);
  });
});
