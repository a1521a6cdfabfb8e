import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import type { Config } from '../../src/config/types.js';
import { PortSet } from '../../src/values/port-set.js';
import {
  type Cubes,
  config,
  cubesText,
  isIstio,
  loadCase,
  meshConfig,
  type NcaCase,
  ncaConnections,
  normalise,
  ourConnections,
  pairs,
  parseExpected,
  REGISTRY_ONLY,
  root,
  sectionProtocols,
} from './nca-harness.js';

/**
 * np-guard/network-config-analyzer (NCA) cases, read in place from ../shared/conformance/nca.
 *
 * Each case's pod, namespace and policy files go through our real pipeline (`analyseRevision`) with
 * sidecar injection `all` (NCA assumes every pod has a sidecar and knows no PeerAuthentication).
 * NCA prints "firewall rules" (selectors, not pairs); we expand them against the workloads of our
 * model and compare every (source, destination) pair, both ways: a pair NCA does not list has no
 * connection. Istio cases are compared per protocol section: TCP as L7 cubes (our allowed requests
 * per port segment, printed in NCA's cube notation, merged by cube across ports and sorted, since
 * NCA's order is not deterministic), non-TCP as plain connections (Istio does not enforce them).
 * NetworkPolicy-only cases are compared at L4.
 *
 * Replicas: NCA reasons per pod, we per workload (pods of one owner are one peer, analysed with the
 * labels of the first pod, as netpol-analyzer does). Selectors are expanded against the labels our
 * model uses, so the comparison is of that representative pod.
 */
const cases = JSON.parse(readFileSync(join(root, 'nca', 'cases.json'), 'utf8')) as NcaCase[];

/** Where we knowingly answer differently from NCA, because NCA lacks the semantics; we assert ours. */
interface KnownDifference {
  /** The case's `expected` file name. */
  readonly expected: string;
  /** Which section (`TCP`, `non-TCP`, or `all` for NetworkPolicy-only cases). */
  readonly section: string;
  /** Pairs it concerns (`src => dst` keys as printed by this test); `*` matches any part. */
  readonly pairs: (key: string) => boolean;
  /** What differs and why, with SEMANTICS rule ids. */
  readonly why: string;
  /** Our answer for those pairs, computed from NCA's: asserted instead of NCA's. */
  readonly ours: (nca: Cubes) => Cubes;
}

/**
 * Istio never captures the sidecar's own ports 15020, 15021 and 15090 (SEMANTICS D19): no mTLS and no
 * authorization there, so any source reaches them on any destination with a sidecar. NCA applies
 * AuthorizationPolicy to every port. In the bookinfo pod list every pod declares 15090
 * (`http-envoy-prom`); 15020 and 15021 are excluded whether declared or not.
 */
const BYPASSED = PortSet.of([
  { from: 15020, to: 15021 },
  { from: 15090, to: 15090 },
]);

const withBypassedPorts = (nca: Cubes): Cubes => {
  const out = new Map(nca);
  out.set('', (out.get('') ?? PortSet.none).union(BYPASSED));
  return normalise(out);
};

const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  ...[
    'istio-bookinfo-connectivity_test_methods_paths_1_query_output.txt',
    'istio-bookinfo-connectivity_test_operation_deny_1_query_output.txt',
    'istio-bookinfo-connectivity_test_methods_basic_1_query_output.txt',
    'istio-test1-scheme_query1_output.txt',
    'istio-allow-nothing-1_query_output.txt',
  ].map(
    (expected): KnownDifference => ({
      expected,
      section: 'TCP',
      // Destinations with a sidecar: kube-system is never injected (C1), so Istio is not involved there.
      pairs: (key) => !/ => kube-system\//.test(key) && !key.endsWith('[External]'),
      why: 'D19: ports 15020, 15021 and 15090 bypass the sidecar (no authorization); NCA authorizes every port',
      ours: withBypassedPorts,
    }),
  ),
];

/** `src => dst [protocol]: cubes` for every pair with something allowed, NCA's and ours side by side. */
function compareCase(c: NcaCase, cfg: Config = config) {
  const revision = loadCase(c, true, cfg);
  const errors = revision.diagnostics.filter((d) => d.severity === 'error');
  expect(errors).toEqual([]);
  const istio = isIstio(c);
  const [matrix] = buildLayerMatrices(revision, revision, istio ? 'effective' : 'l4');
  const file = c.expected.split('/').pop()!;
  const sections = parseExpected(readFileSync(join(root, c.expected), 'utf8'));
  expect([...sections.keys()].sort()).toEqual(istio ? ['TCP', 'non-TCP'] : ['all']);
  const want: string[] = [];
  const got: string[] = [];
  const applied = new Set<string>();
  for (const [section, rules] of sections) {
    for (const [src, dst] of pairs(matrix)) {
      const key = `${src.id} => ${dst.id}`;
      for (const protocol of sectionProtocols(section)) {
        let nca = ncaConnections(rules, src, dst, protocol);
        const known = KNOWN_DIFFERENCES.find(
          (k) => k.expected === file && k.section === section && k.pairs(key),
        );
        if (known && protocol === 'TCP') {
          nca = known.ours(nca);
          applied.add(known.why);
        }
        const ours = ourConnections(matrix, src, dst, protocol, istio ? 'effective' : 'l4');
        if (nca.size) want.push(`${key} [${protocol}]: ${cubesText(nca)}`);
        if (ours.size) got.push(`${key} [${protocol}]: ${cubesText(ours)}`);
      }
    }
  }
  expect(got.length).toBeGreaterThan(0);
  expect(got).toEqual(want);
  // Every known difference declared for this case is exercised (none is stale).
  const declared = new Set(KNOWN_DIFFERENCES.filter((k) => k.expected === file).map((k) => k.why));
  expect(applied).toEqual(declared);
  return { matrix, got };
}

describe('NCA conformance', () => {
  for (const c of cases) {
    it(`${c.query}: ${c.exercises}`, () => {
      compareCase(c);
    });
  }
});

describe('NCA: where we know more than NCA', () => {
  const byQuery = (q: string) => {
    const c = cases.find((x) => x.query === q || x.expected.endsWith(q));
    if (!c) throw new Error(`NCA case ${q} is missing`);
    return c;
  };

  it('D17: on the TCP chain of an undeclared port, ALLOW rules with HTTP-only attributes are dropped', () => {
    const revision = loadCase(byQuery('connectivity-istio-test-methods-basic-1'));
    const [matrix] = buildLayerMatrices(revision, revision, 'effective');
    const peer = (name: string) => {
      const p = matrix.workloads.find((w) => w.workload.name.startsWith(name));
      if (!p) throw new Error(`no workload ${name}`);
      return p;
    };
    const cell = matrix.verdict(peer('productpage'), peer('details')).l7!;
    const port80 = cell.segments.find((s) => s.protocol === 'TCP' && s.ports.has(80))!;
    expect(port80.portClass).toBe('auto');
    // NCA's answer is the HTTP chain: GET on port 80.
    expect(port80.outcomes.find((o) => o.chain === 'http')!.requests.cubeStrings()).toEqual(['methods:GET']);
    // Non-HTTP clients meet the TCP chain, where `methods` drops the only rule: allow-nothing remains.
    const tcp = port80.outcomes.find((o) => o.chain === 'tcp')!;
    expect(tcp.verdict).toBe('none');
  });

  it('C1: kube-system pods never get a sidecar, so Istio does not guard them even with injection all', () => {
    const revision = loadCase(byQuery('istio-policy1'));
    const kubeDns = revision.model.workloads.find((w) => w.namespace === 'kube-system')!;
    expect(revision.l7.sidecar(kubeDns).injected).toBe(false);
  });

  it('input: a container whose ports are an object is an input error; the pod is dropped, not guessed', () => {
    const revision = loadCase(byQuery('istio-policy1'), false);
    const errors = revision.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors.map((d) => d.code))).toEqual(new Set(['invalid-container']));
    expect(revision.model.workloads.filter((w) => w.namespace === 'default')).toEqual([]);
  });

  it('sees every protocol in the NetworkPolicy-only cases', () => {
    const { got } = compareCase(byQuery('port_aggregation-scheme_output.txt'));
    expect(got.some((l) => l.includes('[UDP]'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// cases-mesh.json: the Sidecar cases (the gateway, ServiceEntry and VirtualService ones are
// compared elsewhere)

const meshCases = JSON.parse(readFileSync(join(root, 'nca', 'cases-mesh.json'), 'utf8')) as (NcaCase & {
  readonly features: readonly string[];
})[];
const SIDECAR_CASES = meshCases.filter((c) => c.features.length === 1 && c.features[0] === 'Sidecar');

describe('NCA conformance: Sidecar (cases-mesh.json)', () => {
  it('has the Sidecar cases', () => {
    expect(SIDECAR_CASES.map((c) => c.query).sort()).toEqual([
      'connectivity-map-bookinfo-adding-default-sidecar-after-specific',
      'connectivity-map-default-sidecar-1',
      'connectivity-map-global-sidecar',
      'frontend_sidecar_connectivity_map',
      'frontend_w_no_egress_connectivity_map',
    ]);
  });

  for (const c of SIDECAR_CASES) {
    /**
     * Known difference (SEMANTICS F10): NCA reads a Sidecar's egress.hosts as a firewall. Istio's
     * default outbound policy is ALLOW_ANY, under which a call out of scope leaves as plaintext
     * passthrough, which these cases' PERMISSIVE servers accept: every pair keeps all connections.
     */
    it(`${c.query} (F10: scoping is not blocking under ALLOW_ANY): ${c.exercises}`, () => {
      const revision = loadCase(c, true, meshConfig);
      expect(revision.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const [matrix] = buildLayerMatrices(revision, revision, 'effective');
      for (const src of matrix.workloads)
        for (const dst of matrix.workloads) {
          if (src === dst) continue;
          expect(
            ourConnections(matrix, src, dst, 'TCP', 'effective').get('')?.isAll(),
            `${src.id} => ${dst.id}`,
          ).toBe(true);
        }
    });

    /**
     * Under REGISTRY_ONLY an out-of-scope call is blackholed, which is NCA's reading: on the ports
     * the Services declare, a pair is open exactly when NCA lists it (NCA does not look at ports).
     */
    it(`${c.query} under REGISTRY_ONLY: the Sidecar scope agrees with NCA on every Service port`, () => {
      const revision = loadCase(c, true, meshConfig, [REGISTRY_ONLY]);
      expect(revision.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const [matrix] = buildLayerMatrices(revision, revision, 'effective');
      const rules = parseExpected(readFileSync(join(root, c.expected), 'utf8')).get('TCP')!;
      const want: string[] = [];
      const got: string[] = [];
      for (const src of matrix.workloads)
        for (const dst of matrix.workloads) {
          if (src === dst) continue;
          const servicePorts = revision.model.services
            .filter((svc) => svc.namespace === dst.workload.namespace)
            .filter((svc) =>
              Object.entries(svc.selector ?? { '': '' }).every(([k, v]) => dst.workload.podLabels[k] === v),
            )
            .flatMap((svc) =>
              svc.ports.map((p) =>
                typeof p.targetPort === 'number'
                  ? p.targetPort
                  : dst.workload.ports.find((cp) => cp.name === p.targetPort)?.containerPort,
              ),
            )
            .filter((p): p is number => p !== undefined);
          for (const port of new Set(servicePorts)) {
            const key = `${src.id} => ${dst.id} TCP ${port}`;
            if (ncaConnections(rules, src, dst, 'TCP').get('')?.has(port)) want.push(key);
            if (ourConnections(matrix, src, dst, 'TCP', 'effective').get('')?.has(port)) got.push(key);
          }
        }
      expect(want.length).toBeGreaterThan(0);
      expect(got).toEqual(want);
    });
  }
});
