import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileNetworkPolicies } from '../../src/l4/engine.js';
import { externalPeer, type Peer, workloadPeer } from '../../src/model/peers.js';
import type { Workload } from '../../src/model/types.js';
import { cutAddressSpace } from '../../src/values/ip-range.js';
import { model, namespace, summarize, workload } from './fixtures.js';

const KEYS = ['app', 'tier'];
const VALUES = ['1', '2'];

const labelsArb = fc
  .subarray(KEYS)
  .chain((keys) => fc.tuple(...keys.map((k) => fc.constantFrom(...VALUES).map((v) => [k, v] as const))))
  .map((pairs) => Object.fromEntries(pairs));

const selectorArb = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: labelsArb }),
  fc.record({
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({
          key: fc.constantFrom(...KEYS, 'team'),
          operator: fc.constantFrom('In', 'NotIn'),
          values: fc.subarray(VALUES, { minLength: 1 }),
        }),
        fc.record({
          key: fc.constantFrom(...KEYS, 'team'),
          operator: fc.constantFrom('Exists', 'DoesNotExist'),
        }),
      ),
      { maxLength: 2 },
    ),
  }),
);

const peerArb = fc.oneof(
  fc.record({ podSelector: selectorArb }),
  fc.record({ namespaceSelector: selectorArb }),
  fc.record({ podSelector: selectorArb, namespaceSelector: selectorArb }),
  fc.record({
    ipBlock: fc.constantFrom({ cidr: '0.0.0.0/0' }, { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }),
  }),
);

const portArb = fc.oneof(
  fc.record({ port: fc.constantFrom(80, 81) }),
  fc.record({ port: fc.constantFrom('http', 'dns'), protocol: fc.constantFrom('TCP', 'UDP') }),
  fc.record({ protocol: fc.constantFrom('UDP', 'SCTP') }),
  fc.record({ port: fc.constant(80), endPort: fc.constant(90) }),
);

const ruleArb = (peerField: string) =>
  fc.record(
    { [peerField]: fc.array(peerArb, { maxLength: 2 }), ports: fc.array(portArb, { maxLength: 2 }) },
    { requiredKeys: [] },
  );

const policyArb = fc.record(
  {
    namespace: fc.constantFrom('a', 'b'),
    podSelector: selectorArb,
    policyTypes: fc.subarray(['Ingress', 'Egress']),
    ingress: fc.array(ruleArb('from'), { maxLength: 2 }),
    egress: fc.array(ruleArb('to'), { maxLength: 2 }),
    // Invalid policies must keep the law too (uncertainBy).
    invalid: fc.boolean(),
  },
  { requiredKeys: ['namespace', 'podSelector', 'invalid'] },
);

const workloadArb = fc.record({
  namespace: fc.constantFrom('a', 'b'),
  labels: labelsArb,
  ports: fc.subarray(['http:80', 'http:81', 'dns:53/UDP', 'dns:80', 'other:1']),
  hostNetwork: fc.nat(6).map((n) => n === 0),
  // Bare pods grouped into one workload may disagree on labels.
  otherLabels: fc.array(labelsArb, { maxLength: 2 }),
});

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

function toYaml(policies: ValueOf<typeof policyArb>[]): string {
  return policies
    .map(({ namespace: ns, invalid, ...spec }, i) => {
      const body = invalid ? { ...spec, policyTypes: ['Sideways'] } : spec;
      return JSON.stringify({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: `p${i}`, namespace: ns },
        spec: body,
      });
    })
    .join('\n---\n');
}

describe('signature law', () => {
  it('workloads with equal signatures get identical answers as source and destination', () => {
    fc.assert(
      fc.property(
        fc.array(workloadArb, { minLength: 1, maxLength: 5 }),
        fc.array(policyArb, { maxLength: 4 }),
        fc.constantFrom('1', '2'),
        fc.boolean(),
        (specs, policies, teamB, ipBlockMatchesPods) => {
          // Every workload gets a twin that differs only in what no selector or rule reads, and a
          // sibling whose pods all agree on labels (it must not share a signature when some
          // selector tells the workload's pods apart).
          const workloads = specs.flatMap((s, i) => [
            workload({ id: `${s.namespace}/w${i}`, ...s }),
            workload({
              id: `${s.namespace}/twin${i}`,
              labels: { ...s.labels, noise: String(i) },
              ports: [...s.ports, 'unused:7'],
              hostNetwork: s.hostNetwork,
              otherLabels: [...s.otherLabels].reverse(),
            }),
            workload({ id: `${s.namespace}/sibling${i}`, ...s, otherLabels: [] }),
          ]);
          const m = model({
            namespaces: [namespace('a', { team: '1' }), namespace('b', { team: teamB })],
            workloads,
            policies: toYaml(policies),
          });
          const engine = compileNetworkPolicies(m, { ipBlockMatchesPods });
          const peers: Peer[] = [
            ...workloads.map(workloadPeer),
            ...cutAddressSpace(engine.ipBoundaries).map(externalPeer),
          ];
          const answers = (w: Workload) =>
            JSON.stringify([
              peers.map((p) => summarize(engine.egress(w, p))),
              peers.map((p) => summarize(engine.ingress(w, p))),
              workloads.map((x) => summarize(engine.egress(x, workloadPeer(w)))),
              workloads.map((x) => summarize(engine.ingress(x, workloadPeer(w)))),
            ]);
          const bySignature = new Map<string, string>();
          for (const w of workloads) {
            const key = engine.signature(w);
            const expected = bySignature.get(key);
            const actual = answers(w);
            if (expected === undefined) bySignature.set(key, actual);
            else expect(actual).toBe(expected);
          }
          // The twins guarantee the law was exercised.
          expect(bySignature.size).toBeLessThan(workloads.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('labels no selector mentions and unreferenced ports do not split signatures', () => {
    const m = model({
      workloads: [
        workload({ id: 'a/x', labels: { app: '1', noise: 'x' }, ports: ['http:80', 'metrics:9'] }),
        workload({ id: 'a/y', labels: { app: '1' }, ports: ['http:80'] }),
        workload({ id: 'a/z', labels: { app: '1' }, ports: ['http:81'] }),
        workload({ id: 'b/h', labels: { app: '1' }, hostNetwork: true }),
        workload({ id: 'a/h', labels: { app: '2' }, hostNetwork: true }),
      ],
      policies: JSON.stringify({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'p', namespace: 'a' },
        spec: { podSelector: { matchLabels: { app: '1' } }, ingress: [{ ports: [{ port: 'http' }] }] },
      }),
    });
    const engine = compileNetworkPolicies(m, { ipBlockMatchesPods: false });
    const [h2, x, y, z, h1] = m.workloads.map((w) => engine.signature(w));
    expect(x).toBe(y);
    expect(z).not.toBe(x);
    expect(h1).toBe(h2);
  });
});
