import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import { type Config, DEFAULT_CONFIG } from '../../src/config/types.js';
import type { L7Cell } from '../../src/l7/types.js';
import type { AccessMatrix } from '../../src/matrix/matrix.js';
import type { Peer } from '../../src/model/peers.js';
import type { Protocol } from '../../src/model/types.js';
import { containsRange, type IpRange, parseCidr, rangesOverlap } from '../../src/values/ip-range.js';
import { PortSet } from '../../src/values/port-set.js';
import { conformanceRoot } from '../helpers/conformance-root.js';

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
const root = conformanceRoot();

interface NcaInputs {
  readonly namespaceList?: readonly string[];
  readonly podList?: readonly string[];
  readonly networkPolicyList?: readonly string[];
  readonly resourceList?: readonly string[];
}

interface NcaCase {
  readonly query: string;
  readonly type: string;
  readonly configs: readonly string[];
  readonly inputs: Readonly<Record<string, NcaInputs>>;
  readonly expected: string;
  readonly exercises: string;
}

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

/** An L7 answer in NCA's notation: cube attributes (`methods:GET,paths:/a`, `` for any) -> ports. */
type Cubes = ReadonlyMap<string, PortSet>;

/** Drops ports a narrower cube shares with the unrestricted cube, and empty cubes. */
function normalise(cubes: ReadonlyMap<string, PortSet>): Cubes {
  const any = cubes.get('') ?? PortSet.none;
  const out = new Map<string, PortSet>();
  for (const [attrs, ports] of cubes) {
    const left = attrs === '' ? ports : ports.subtract(any);
    if (!left.isEmpty()) out.set(attrs, left);
  }
  return out;
}

function addCube(cubes: Map<string, PortSet>, attrs: string, ports: PortSet): void {
  cubes.set(attrs, (cubes.get(attrs) ?? PortSet.none).union(ports));
}

/** `All connections` or the sorted cube list `{dst_ports:80,methods:GET},{paths:/a}`; `` for nothing. */
function cubesText(cubes: Cubes): string {
  const all = cubes.get('');
  if (cubes.size === 1 && all?.isAll()) return 'All connections';
  return [...cubes]
    .map(([attrs, ports]) =>
      [ports.isAll() ? '' : `dst_ports:${ports.toString()}`, attrs].filter((s) => s !== '').join(','),
    )
    .sort()
    .map((c) => `{${c}}`)
    .join(',');
}

// ---------------------------------------------------------------------------------------------
// NCA's expected output

type Section = 'TCP' | 'non-TCP' | 'all';

interface FwRule {
  readonly src: { readonly cidr: IpRange } | { readonly ns: readonly string[]; readonly pods: string };
  readonly dst: { readonly cidr: IpRange } | { readonly ns: readonly string[]; readonly pods: string };
  /** Per protocol, the cubes (only TCP has attributes). */
  readonly conn: ReadonlyMap<Protocol, Cubes>;
}

const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

function sectionProtocols(section: Section): readonly Protocol[] {
  return section === 'TCP' ? ['TCP'] : section === 'non-TCP' ? ['UDP', 'SCTP'] : PROTOCOLS;
}

function parseExpected(text: string): Map<Section, FwRule[]> {
  const sections = new Map<Section, FwRule[]>();
  let current: Section | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const header = /^(?:For connections of type (TCP|non-TCP), )?final fw rules for query:/.exec(line);
    if (header) {
      current = (header[1] as Section | undefined) ?? 'all';
      sections.set(current, []);
      continue;
    }
    if (!current) throw new Error(`rule before a section header: ${line}`);
    sections.get(current)!.push(parseRule(line, current));
  }
  return sections;
}

const PEER = String.raw`(?:src|dst)_ns: \[([^\]]*)\] (?:src|dst)_pods: \[([^\]]*)\]|(?:src|dst): (\S+)`;
const RULE = new RegExp(`^(?:${PEER}) (?:${PEER}) conn: (.*)$`);

function parseRule(line: string, section: Section): FwRule {
  const m = RULE.exec(line);
  if (!m) throw new Error(`cannot parse NCA rule: ${line}`);
  const peer = (ns: string | undefined, pods: string | undefined, cidr: string | undefined) =>
    cidr !== undefined ? { cidr: parseCidr(cidr) } : { ns: ns!.split(','), pods: pods! };
  return {
    src: peer(m[1], m[2], m[3]),
    dst: peer(m[4], m[5], m[6]),
    conn: parseConn(m[7]!, sectionProtocols(section)),
  };
}

/** `All connections` or `{protocols:TCP,dst_ports:80,methods:GET},{...}`. */
function parseConn(text: string, protocols: readonly Protocol[]): Map<Protocol, Cubes> {
  const out = new Map<Protocol, Map<string, PortSet>>(protocols.map((p) => [p, new Map()]));
  if (text === 'All connections') {
    for (const p of protocols) addCube(out.get(p)!, '', PortSet.all);
    return out;
  }
  if (!text.startsWith('{') || !text.endsWith('}')) throw new Error(`cannot parse NCA connections: ${text}`);
  for (let cube of text.slice(1, -1).split('},{')) {
    let cubeProtocols = protocols;
    const proto = /^protocols:([A-Z, ]+?)(?:,(?=[a-z])|$)/.exec(cube);
    if (proto) {
      cubeProtocols = proto[1]!.split(/, ?/).filter((p): p is Protocol => protocols.includes(p as Protocol));
      cube = cube.slice(proto[0].length);
    }
    let ports = PortSet.all;
    const dst = /^dst_ports:([\d,-]+?)(?:,(?=[a-z])|$)/.exec(cube);
    if (dst) {
      ports = PortSet.of(
        dst[1]!.split(',').map((r) => {
          const [from, to] = r.split('-').map(Number);
          return { from: from!, to: to ?? from! };
        }),
      );
      cube = cube.slice(dst[0].length);
    }
    for (const p of cubeProtocols) addCube(out.get(p)!, cube, ports);
  }
  return new Map([...out].map(([p, c]) => [p, normalise(c)]));
}

// ---------------------------------------------------------------------------------------------
// Expanding NCA's selectors against our peers

/** NCA's pod selector: `*`, `key=value`, `key!=value`, or a workload (owner) or pod name. */
function podSelectorMatches(selector: string, peer: Peer & { kind: 'workload' }): boolean {
  const labels = peer.workload.podLabels;
  if (selector === '*') return true;
  const set = /^([^ ]+) (not in|in) \((.*)\)$/.exec(selector);
  if (set) {
    const inSet = set[3]!.split(',').includes(labels[set[1]!] ?? '');
    return set[2] === 'in' ? inSet : !inSet;
  }
  if (selector.includes(', ')) return selector.split(', ').some((s) => podSelectorMatches(s, peer));
  const ne = /^([^=!]+)!=(.*)$/.exec(selector);
  if (ne) return labels[ne[1]!] !== ne[2];
  const eq = /^([^=!]+)=(.*)$/.exec(selector);
  if (eq) return labels[eq[1]!] === eq[2];
  if (/^[a-z0-9.-]+$/.test(selector))
    return (
      peer.workload.name === selector || (peer.workload.podObjects ?? []).some((p) => p.name === selector)
    );
  throw new Error(`unsupported NCA pod selector [${selector}]`);
}

function ruleSideMatches(side: FwRule['src'], peer: Peer): boolean {
  if ('cidr' in side) {
    if (peer.kind !== 'external') return false;
    if (containsRange(side.cidr, peer.range)) return true;
    if (rangesOverlap(side.cidr, peer.range))
      throw new Error(`external range ${peer.id} straddles an NCA CIDR: the matrix is not cut there`);
    return false;
  }
  return (
    peer.kind === 'workload' &&
    side.ns.includes(peer.workload.namespace) &&
    podSelectorMatches(side.pods, peer)
  );
}

/** NCA's connections for a pair: the union of every rule that matches it. */
function ncaConnections(rules: readonly FwRule[], src: Peer, dst: Peer, protocol: Protocol): Cubes {
  const out = new Map<string, PortSet>();
  for (const r of rules) {
    if (!ruleSideMatches(r.src, src) || !ruleSideMatches(r.dst, dst)) continue;
    for (const [attrs, ports] of r.conn.get(protocol) ?? []) addCube(out, attrs, ports);
  }
  return normalise(out);
}

// ---------------------------------------------------------------------------------------------
// Our answer

/**
 * What gets through on one protocol, in cubes. For ports without a declared protocol (`auto`, the
 * case for every NCA pod list, which has no Services) the HTTP chain is what NCA models; see the D17
 * test below for the TCP chain.
 */
function ourConnections(
  matrix: AccessMatrix<L7Cell>,
  src: Peer,
  dst: Peer,
  protocol: Protocol,
  layer: 'l4' | 'effective',
): Cubes {
  const v = matrix.verdict(src, dst);
  const out = new Map<string, PortSet>();
  if (layer === 'l4' || !v.l7) {
    const ports = (layer === 'l4' ? v.l4.allowed : v.effective).ports(protocol);
    if (!ports.isEmpty()) addCube(out, '', ports);
    return normalise(out);
  }
  for (const s of v.l7.segments) {
    if (s.protocol !== protocol) continue;
    const outcome = s.outcomes.find((o) => o.chain === 'http') ?? s.outcomes[0];
    if (!outcome || outcome.verdict === 'none') continue;
    for (const attrs of outcome.requests.cubeStrings()) addCube(out, attrs, s.ports);
  }
  return normalise(out);
}

// ---------------------------------------------------------------------------------------------
// The cases

/**
 * Injection `all` (NCA gives every pod a sidecar), and hostNetwork pods treated as pods, as NCA and
 * netpol-analyzer do (SEMANTICS A17; our default treats them as node traffic). NCA's pod lists
 * declare no Service, and NCA assumes every call is mTLS: `undeclaredPorts: service` says the
 * Services are elsewhere (by default such ports are reached by pod IP as plaintext, E11).
 */
const config = {
  ...DEFAULT_CONFIG,
  cni: { ...DEFAULT_CONFIG.cni, hostNetworkPods: 'pod' as const },
  mesh: { ...DEFAULT_CONFIG.mesh, injection: 'all' as const, undeclaredPorts: 'service' as const },
};

/**
 * Input NCA accepts and the Kubernetes API would not: the skydive pod lists write `"ports": {}` (an
 * object where a list is required). We report that as an error and drop the pod (fail closed, see the
 * test below); to compare connectivity the object is read as the empty list NCA takes it for, in
 * memory only.
 */
const INPUT_FIXES: readonly { readonly file: RegExp; readonly from: RegExp; readonly to: string }[] = [
  { file: /podlist\/pods_list_orig\.json$/, from: /"ports": \{\}/g, to: '"ports": []' },
];

function loadCase(c: NcaCase, fixInput = true, cfg: Config = config, extra: string[] = []) {
  const inputs = c.inputs[c.configs[0]!]!;
  const paths = [
    ...(inputs.namespaceList ?? []),
    ...(inputs.podList ?? []),
    ...(inputs.networkPolicyList ?? []),
    ...(inputs.resourceList ?? []),
  ];
  const files = paths.map((path) => {
    let text = readFileSync(join(root, path), 'utf8');
    for (const fix of fixInput ? INPUT_FIXES : [])
      if (fix.file.test(path)) text = text.replace(fix.from, fix.to);
    return { path, text };
  });
  const added = extra.map((text, i) => ({ path: `in-memory-${i}.yaml`, text }));
  return analyseRevision({ label: c.query, files: [...files, ...added], diagnostics: [] }, cfg);
}

const isIstio = (c: NcaCase) =>
  Object.values(c.inputs).some((i) =>
    [...(i.networkPolicyList ?? []), ...(i.resourceList ?? [])].some((p) => /\/istio-/.test(p)),
  );

/** Every pair of peers the matrix knows (IPv4 externals only: NCA's address space is IPv4). */
function pairs(matrix: AccessMatrix<L7Cell>): [Peer, Peer][] {
  const peers: Peer[] = [...matrix.workloads, ...matrix.externals.filter((e) => e.range.family === 4)];
  const out: [Peer, Peer][] = [];
  for (const src of peers)
    for (const dst of peers)
      if (src.id !== dst.id && !(src.kind === 'external' && dst.kind === 'external')) out.push([src, dst]);
  return out;
}

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

/** NCA's root namespace is `istio-config` (hard-coded): a Sidecar there is the mesh default. */
const meshConfig: Config = { ...config, mesh: { ...config.mesh, rootNamespace: 'istio-config' } };

const REGISTRY_ONLY = `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: { name: nca-registry-only, namespace: istio-system }
spec: { meshConfig: { outboundTrafficPolicy: { mode: REGISTRY_ONLY } } }
`;

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
