import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { egressHops, ingressHops } from '../../src/analysis/ingress-hops.js';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import type { Peer } from '../../src/model/peers.js';
import type { Protocol } from '../../src/model/types.js';
import { PortSet } from '../../src/values/port-set.js';
import {
  addCube,
  type Cubes,
  cubesText,
  type FwRule,
  loadCase,
  meshConfig,
  type NcaCase,
  ncaConnections,
  ncaHostConnections,
  ncaHosts,
  normalise,
  ourConnections,
  PROTOCOLS,
  pairs,
  parseExpected,
  parseRule,
  root,
  sectionProtocols,
  verdictCubes,
} from './nca-harness.js';

/**
 * cases-mesh.json's edges of the mesh (issue 17): ServiceEntry hosts, VirtualService, ingress and
 * egress gateways, Kubernetes Ingress. Same comparison as nca.test.ts (NCA's firewall rules expanded
 * to pairs, both ways), plus the pairs (workload, ServiceEntry host): NCA names a host destination
 * by the host alone and ignores the entry's `ports` (it says so in a warning), so its answer for a
 * host is compared on the ports the ServiceEntry declares, where ours is `host:port/PROTOCOL`.
 *
 * Gateway pods: NCA gives them exactly the routed requests (README of the conformance data). Our
 * matrix treats them as the ordinary pods they are, and the routed requests are our gateway hops
 * (`outside via ns/name[Gateway]`, src/l7/gateway-hops.ts): so NCA's rows from gateway pods are
 * compared with our hops, not with the matrix. Everything else NCA and we answer differently is a
 * declared difference below, each exercised (none stale), with the SEMANTICS rule behind it or
 * marked as not yet modelled.
 *
 * Pods NCA adds itself ("LiveSim": an egress gateway in istio-system, kube-system/kube-dns-livesim
 * when a NetworkPolicy names k8s-app: kube-dns) are not in our model: NCA's rules about them expand
 * to no pair here, so they are neither confirmed nor contradicted.
 */
const meshCases = JSON.parse(readFileSync(join(root, 'nca', 'cases-mesh.json'), 'utf8')) as (NcaCase & {
  readonly features: readonly string[];
})[];
const EDGE_FEATURES = new Set([
  'ServiceEntry',
  'VirtualService',
  'gateway-ingress',
  'gateway-egress',
  'k8s-Ingress',
]);
const EDGE_CASES = meshCases.filter((c) => c.features.some((f) => EDGE_FEATURES.has(f)));

interface MeshDifference {
  /** The case's `expected` file name. */
  readonly expected: string;
  /** `src => dst` keys (dst a workload id, an external range or a ServiceEntry host). */
  readonly pairs: (key: string) => boolean;
  /** `by design`: NCA lacks the semantics (the rule says which); `not yet`: we do not model it yet. */
  readonly kind: 'by design' | 'not yet';
  readonly why: string;
  /** Our answer for those pairs: everything the pair's ports carry (`full`), or NCA's. */
  readonly ours: 'full' | 'nca';
}

const F10_SIDECAR_WALL =
  'F10: under ALLOW_ANY a destination outside the Sidecar scope is passed through, not blocked; NCA reads egress.hosts as a wall';
const GATEWAY_DESTINATION =
  'F2/F12: NCA lets mesh pods reach an egress gateway pod only with the requests a mesh VirtualService routes to it; we take the gateway pods as an ordinary destination (NetworkPolicy and AuthorizationPolicy decide)';
const MESH_ROUTE_IN_GATEWAY_ONLY_VS =
  "F1: the VirtualService's gateways list only the egress Gateway (no mesh), so sidecars never receive it and its match.gateways [mesh] route does nothing: clients dial the host directly. NCA applies that route and lets clients reach the host only through the gateway";

const MESH_DIFFERENCES: readonly MeshDifference[] = [
  {
    expected: 'connectivity_sidecar_host_name_does_not_contain_se_hosts.txt',
    pairs: (k) => k.startsWith('default/ratings-v1[Deployment] => '),
    kind: 'by design',
    why: F10_SIDECAR_WALL,
    ours: 'full',
  },
  {
    expected: 'sidecars-and-gateways-test-connectivity-map.txt',
    pairs: (k) => /^default\/[a-z]+\[Deployment\] => (default\/|asm-ingress\/|connected_with_mesh)/.test(k),
    kind: 'by design',
    why: F10_SIDECAR_WALL,
    ours: 'full',
  },
  {
    expected: 'sidecars-and-gateways-test-connectivity-map.txt',
    pairs: (k) => k.endsWith(' => httpbin.example.com'),
    kind: 'by design',
    why: MESH_ROUTE_IN_GATEWAY_ONLY_VS,
    ours: 'full',
  },
  {
    expected: 'connectivity_map_onlineboutique_multi_layer_from_live_cluster.txt',
    pairs: (k) =>
      k.endsWith(' => istio-system/istio-egressgateway[Deployment]') &&
      !k.startsWith('istio-system/istio-ingressgateway'),
    kind: 'by design',
    why: GATEWAY_DESTINATION,
    ours: 'full',
  },
  {
    expected: 'connectivity_map_onlineboutique_multi_layer_from_live_cluster.txt',
    pairs: (k) => /^onlineboutique\/.* => (default|kube-system|local-path-storage|projectcontour)\//.test(k),
    kind: 'by design',
    why: F10_SIDECAR_WALL,
    ours: 'full',
  },
  {
    expected: 'connectivity_map_onlineboutique_multi_layer_from_live_cluster.txt',
    // The gateway pods send only what their routes send, as NCA says.
    pairs: (k) =>
      k.endsWith(' => httpbin.example.com') && !/^istio-system\/istio-(ingress|egress)gateway/.test(k),
    kind: 'by design',
    why: MESH_ROUTE_IN_GATEWAY_ONLY_VS,
    ours: 'full',
  },
];

/**
 * A hop's cubes. Another controller than Istio's sends only the routed requests whatever the layer,
 * so at L4 they are the routes' requests on the ports NetworkPolicy allows.
 */
function hopCubes(
  h: ReturnType<typeof ingressHops>[number],
  protocol: Protocol,
  layer: 'l4' | 'effective',
): Cubes {
  if (layer !== 'l4' || !h.gateway.ingress || h.gateway.ingress.istio || protocol !== 'TCP')
    return verdictCubes(h.verdict, protocol, layer);
  const out = new Map<string, PortSet>();
  const allowed = h.verdict.l4.allowed.ports('TCP');
  for (const r of h.routed)
    if (allowed.has(r.port))
      for (const attrs of r.requests.cubeStrings()) addCube(out, attrs, PortSet.range(r.port));
  return normalise(out);
}

/** NCA's lists keep their input order (`paths:/b, /a`); ours are sorted: compare sorted. */
function canonical(text: string): string {
  return text
    .replace(/(\/[^,{}()]*)\(\/\*\)\?/g, '$1, $1/*')
    .replace(/(?<=[{,])([a-z_]+):([^:{}]*?)(?=,[a-z_]+:|\})/g, (_, k: string, v: string) =>
      k === 'dst_ports' ? `${k}:${v}` : `${k}:${v.split(', ').sort().join(', ')}`,
    );
}

/** Our TCP ports from `src` to `host` (every `host:port/...` destination of the revision's hops). */
function ourHostPorts(hops: ReturnType<typeof egressHops>, src: Peer, host: string): Cubes {
  const out = new Map<string, PortSet>();
  for (const h of hops) {
    if (src.kind !== 'workload' || h.client.id !== src.workload.id) continue;
    if (!h.destinationId.startsWith(`${host}:`)) continue;
    addCube(out, '', h.verdict.effective.ports('TCP'));
  }
  return normalise(out);
}

/** NCA's `hosts:<the host itself>` on a host destination says nothing more than the destination. */
function withoutOwnHost(cubes: Cubes, host: string): Cubes {
  const out = new Map<string, PortSet>();
  for (const [attrs, ports] of cubes)
    addCube(
      out,
      attrs
        .split(',')
        .filter((a) => a !== `hosts:${host}`)
        .join(','),
      ports,
    );
  return normalise(out);
}

function compareMeshCase(c: NcaCase) {
  const revision = loadCase(c, true, meshConfig);
  const file = c.expected.split('/').pop()!;
  const sections = parseExpected(readFileSync(join(root, c.expected), 'utf8'));
  const istio = sections.has('TCP');
  const layer = istio ? 'effective' : 'l4';
  const [matrix] = buildLayerMatrices(revision, revision, layer);
  const hops = egressHops(revision, layer);
  const gatewayHops = ingressHops(revision, layer);
  const { pods: podsOf, gateways: allGateways } = revision.policies.gateways;
  const gatewayPods = new Set([...podsOf.values()].flat().map((w) => w.id));
  const controllerPods = new Set(
    allGateways
      .filter((g) => g.ingress && !g.ingress.istio)
      .flatMap((g) => (podsOf.get(g.key) ?? []).map((w) => w.id)),
  );
  const entryPorts = new Map<string, PortSet>();
  for (const e of revision.policies.serviceEntries)
    for (const h of e.hosts)
      entryPorts.set(
        h,
        (entryPorts.get(h) ?? PortSet.none).union(
          PortSet.of(e.ports.map((p) => ({ from: p.number, to: p.number }))),
        ),
      );
  const want: string[] = [];
  const got: string[] = [];
  const applied = new Set<string>();
  const compare = (key: string, protocol: Protocol, ncaCubes: Cubes, ours: Cubes, full: Cubes) => {
    let nca = ncaCubes;
    const known = MESH_DIFFERENCES.find((d) => d.expected === file && d.pairs(key));
    if (known) {
      applied.add(known.why);
      if (known.ours === 'full') nca = full;
    }
    if (nca.size) want.push(canonical(`${key} [${protocol}]: ${cubesText(nca)}`));
    if (ours.size) got.push(canonical(`${key} [${protocol}]: ${cubesText(ours)}`));
  };
  const all = new Map([['', PortSet.all]]);
  for (const [section, rules] of sections) {
    for (const [src, dst] of pairs(matrix)) {
      const key = `${src.id} => ${dst.id}`;
      for (const protocol of sectionProtocols(section)) {
        const nca = ncaConnections(rules, src, dst, protocol);
        let ours = ourConnections(matrix, src, dst, protocol, layer);
        // An Ingress controller other than Istio's sends nothing but the routed requests, on any protocol.
        const routedOnly = protocol === 'TCP' || controllerPods.has(src.id);
        if (src.kind === 'workload' && gatewayPods.has(src.id) && routedOnly) {
          // The routed requests: our hops from these pods (the matrix row is the pod's own reach).
          const routed = new Map<string, PortSet>();
          for (const h of gatewayHops)
            if (h.pods.id === src.id && dst.kind === 'workload' && h.backend.id === dst.id)
              for (const [a, p] of hopCubes(h, protocol, layer)) addCube(routed, a, p);
          ours = normalise(routed);
        }
        compare(key, protocol, nca, ours, all);
      }
    }
    if (!sectionProtocols(section).includes('TCP')) continue;
    const hosts = [...new Set([...ncaHosts(rules), ...entryPorts.keys()])].sort();
    for (const src of matrix.workloads)
      for (const host of hosts) {
        const ports = entryPorts.get(host) ?? PortSet.none;
        const declared = (cubes: Cubes) =>
          normalise(new Map([...cubes].map(([a, p]) => [a, p.intersect(ports)])));
        const nca = declared(withoutOwnHost(ncaHostConnections(rules, src, host, 'TCP'), host));
        compare(`${src.id} => ${host}`, 'TCP', nca, ourHostPorts(hops, src, host), declared(all));
      }
  }
  const declared = new Set(MESH_DIFFERENCES.filter((d) => d.expected === file).map((d) => d.why));
  return { revision, want, got, applied, declared };
}

/**
 * A semantic diff's sections (`Lost|Removed ...` = only the first configuration allows, `New|Added
 * ...` = only the second), each rule expanded against the topology its header names.
 */
function parseSemanticDiff(text: string): { removed: FwRule[]; added: FwRule[] } {
  const out = { removed: [] as FwRule[], added: [] as FwRule[] };
  let current: FwRule[] | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || / are not semantically equivalent\.$/.test(line)) continue;
    const header =
      /^(Lost|Removed|New|Added) connections between .* \(based on topology from config: [^)]+\) :$/.exec(
        line,
      );
    if (header) {
      current = header[1] === 'Lost' || header[1] === 'Removed' ? out.removed : out.added;
      continue;
    }
    if (!current) throw new Error(`rule before a section header: ${line}`);
    current.push(parseRule(line, 'all'));
  }
  return out;
}

/** NetworkPolicy only: every pair's connections per protocol, hosts included, as port sets. */
function l4Answers(
  matrix: ReturnType<typeof buildLayerMatrices>[0],
  hops: ReturnType<typeof egressHops>,
  hosts: readonly string[],
): Map<string, PortSet> {
  const out = new Map<string, PortSet>();
  for (const [src, dst] of pairs(matrix))
    for (const protocol of PROTOCOLS)
      out.set(`${src.id} => ${dst.id} [${protocol}]`, matrix.verdict(src, dst).l4.allowed.ports(protocol));
  for (const src of matrix.workloads)
    for (const host of hosts)
      out.set(`${src.id} => ${host} [TCP]`, ourHostPorts(hops, src, host).get('') ?? PortSet.none);
  return out;
}

describe('NCA conformance: the edges of the mesh (cases-mesh.json)', () => {
  for (const c of EDGE_CASES.filter((x) => x.type === 'semanticDiff')) {
    it(`${c.query}: ${c.exercises}`, () => {
      const [first, second] = c.configs.map((name) => loadCase(c, true, meshConfig, [], name));
      for (const r of [first!, second!])
        expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const [m1, m2] = buildLayerMatrices(first!, second!, 'l4');
      const hostsOf = (r: typeof first) => [...new Set(r!.policies.serviceEntries.flatMap((e) => e.hosts))];
      const portsOf = (r: typeof first) => {
        const ports = new Map<string, PortSet>();
        for (const e of r!.policies.serviceEntries)
          for (const h of e.hosts)
            ports.set(
              h,
              (ports.get(h) ?? PortSet.none).union(
                PortSet.of(e.ports.map((p) => ({ from: p.number, to: p.number }))),
              ),
            );
        return ports;
      };
      const a1 = l4Answers(m1, egressHops(first!, 'l4'), hostsOf(first));
      const a2 = l4Answers(m2, egressHops(second!, 'l4'), hostsOf(second));
      const nca = parseSemanticDiff(readFileSync(join(root, c.expected), 'utf8'));
      /** NCA's side of the diff, expanded against one configuration's peers (hosts on their declared ports). */
      const expand = (rules: FwRule[], matrix: typeof m1, ports: Map<string, PortSet>): string[] => {
        const lines: string[] = [];
        for (const [src, dst] of pairs(matrix))
          for (const protocol of PROTOCOLS) {
            const cubes = ncaConnections(rules, src, dst, protocol).get('');
            if (cubes && !cubes.isEmpty())
              lines.push(`${src.id} => ${dst.id} [${protocol}]: ${cubes.toString()}`);
          }
        for (const src of matrix.workloads)
          for (const [host, declared] of ports) {
            const cubes = ncaHostConnections(rules, src, host, 'TCP').get('')?.intersect(declared);
            if (cubes && !cubes.isEmpty()) lines.push(`${src.id} => ${host} [TCP]: ${cubes.toString()}`);
          }
        return lines.sort();
      };
      const ours = (from: Map<string, PortSet>, to: Map<string, PortSet>): string[] =>
        [...from]
          .map(([k, ports]) => [k, ports.subtract(to.get(k) ?? PortSet.none)] as const)
          .filter(([, ports]) => !ports.isEmpty())
          .map(([k, ports]) => `${k}: ${ports.toString()}`)
          .sort();
      const want = {
        removed: expand(nca.removed, m1, portsOf(first)),
        added: expand(nca.added, m2, portsOf(second)),
      };
      expect(want.removed.length).toBeGreaterThan(0);
      expect({ removed: ours(a1, a2), added: ours(a2, a1) }).toEqual(want);
    });
  }

  it('has the gateway, ServiceEntry, VirtualService and Kubernetes Ingress cases', () => {
    expect(EDGE_CASES.length).toBe(8);
  });

  for (const c of EDGE_CASES) {
    if (c.type !== 'connectivityMap') continue;
    it(`${c.query}: ${c.exercises}`, () => {
      const { revision, want, got, applied, declared } = compareMeshCase(c);
      expect(revision.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(got.length).toBeGreaterThan(0);
      // The lines only one side has (readable when it fails), then the whole lists.
      const only = (xs: string[], ys: string[]) => xs.filter((x) => !ys.includes(x));
      expect({ onlyNca: only(want, got), onlyOurs: only(got, want) }).toEqual({ onlyNca: [], onlyOurs: [] });
      expect(got).toEqual(want);
      expect(applied).toEqual(declared);
    });
  }
});
