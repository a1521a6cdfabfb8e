import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { type Config, DEFAULT_CONFIG } from '../../src/config/types.js';
import type { L7Cell } from '../../src/l7/types.js';
import type { AccessMatrix } from '../../src/matrix/matrix.js';
import type { Peer } from '../../src/model/peers.js';
import type { Protocol } from '../../src/model/types.js';
import type { ConnSet } from '../../src/values/conn-set.js';
import { containsRange, type IpRange, parseCidr, rangesOverlap } from '../../src/values/ip-range.js';
import { PortSet } from '../../src/values/port-set.js';
import { conformanceRoot } from '../helpers/conformance-root.js';

// The NCA harness shared by test/conformance/nca.test.ts (cases.json, the Sidecar cases) and
// nca-mesh.test.ts (gateway, ServiceEntry, VirtualService, Kubernetes Ingress): reading a case,
// NCA's firewall rules, expanding them against our peers, and our answer in NCA's notation.

export const root = conformanceRoot();

export interface NcaInputs {
  readonly namespaceList?: readonly string[];
  readonly podList?: readonly string[];
  readonly networkPolicyList?: readonly string[];
  readonly resourceList?: readonly string[];
}

export interface NcaCase {
  readonly query: string;
  readonly type: string;
  readonly configs: readonly string[];
  readonly inputs: Readonly<Record<string, NcaInputs>>;
  readonly expected: string;
  readonly exercises: string;
}

/** An L7 answer in NCA's notation: cube attributes (`methods:GET,paths:/a`, `` for any) -> ports. */
export type Cubes = ReadonlyMap<string, PortSet>;

/** Drops ports a narrower cube shares with the unrestricted cube, and empty cubes. */
export function normalise(cubes: ReadonlyMap<string, PortSet>): Cubes {
  const any = cubes.get('') ?? PortSet.none;
  const out = new Map<string, PortSet>();
  for (const [attrs, ports] of cubes) {
    const left = attrs === '' ? ports : ports.subtract(any);
    if (!left.isEmpty()) out.set(attrs, left);
  }
  return out;
}

export function addCube(cubes: Map<string, PortSet>, attrs: string, ports: PortSet): void {
  cubes.set(attrs, (cubes.get(attrs) ?? PortSet.none).union(ports));
}

/** `All connections` or the sorted cube list `{dst_ports:80,methods:GET},{paths:/a}`; `` for nothing. */
export function cubesText(cubes: Cubes): string {
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

export type Section = 'TCP' | 'non-TCP' | 'all';

/** A side of a rule: addresses, pods by namespace and selector, or a ServiceEntry host (`dst` only). */
export type FwSide =
  | { readonly cidr: IpRange }
  | { readonly ns: readonly string[]; readonly pods: string }
  | { readonly host: string };

export interface FwRule {
  readonly src: FwSide;
  readonly dst: FwSide;
  /** Per protocol, the cubes (only TCP has attributes). */
  readonly conn: ReadonlyMap<Protocol, Cubes>;
}

export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export function sectionProtocols(section: Section): readonly Protocol[] {
  return section === 'TCP' ? ['TCP'] : section === 'non-TCP' ? ['UDP', 'SCTP'] : PROTOCOLS;
}

export function parseExpected(text: string): Map<Section, FwRule[]> {
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

export const PEER = String.raw`(?:src|dst)_ns: \[([^\]]*)\] (?:src|dst)_pods: \[([^\]]*)\]|(?:src|dst): (\S+)`;
export const RULE = new RegExp(`^(?:${PEER}) (?:${PEER}) conn: (.*)$`);

export function parseRule(line: string, section: Section): FwRule {
  const m = RULE.exec(line);
  if (!m) throw new Error(`cannot parse NCA rule: ${line}`);
  // `dst: api.facebook.com` / `dst: *.wikipedia.org`: a ServiceEntry host, not an address.
  const peer = (ns: string | undefined, pods: string | undefined, cidr: string | undefined): FwSide =>
    cidr === undefined
      ? { ns: ns!.split(','), pods: pods! }
      : /[a-z*]/i.test(cidr)
        ? { host: cidr }
        : { cidr: parseCidr(cidr) };
  return {
    src: peer(m[1], m[2], m[3]),
    dst: peer(m[4], m[5], m[6]),
    conn: parseConn(m[7]!, sectionProtocols(section)),
  };
}

/** `All connections` or `{protocols:TCP,dst_ports:80,methods:GET},{...}`. */
export function parseConn(text: string, protocols: readonly Protocol[]): Map<Protocol, Cubes> {
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
export function podSelectorMatches(selector: string, peer: Peer & { kind: 'workload' }): boolean {
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

export function ruleSideMatches(side: FwSide, peer: Peer): boolean {
  if ('host' in side) return false;
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
export function ncaConnections(rules: readonly FwRule[], src: Peer, dst: Peer, protocol: Protocol): Cubes {
  const out = new Map<string, PortSet>();
  for (const r of rules) {
    if (!ruleSideMatches(r.src, src) || !ruleSideMatches(r.dst, dst)) continue;
    for (const [attrs, ports] of r.conn.get(protocol) ?? []) addCube(out, attrs, ports);
  }
  return normalise(out);
}

/** NCA's connections from `src` to the ServiceEntry host `host` (as NCA prints it). */
export function ncaHostConnections(
  rules: readonly FwRule[],
  src: Peer,
  host: string,
  protocol: Protocol,
): Cubes {
  const out = new Map<string, PortSet>();
  for (const r of rules) {
    if (!('host' in r.dst) || r.dst.host !== host || !ruleSideMatches(r.src, src)) continue;
    for (const [attrs, ports] of r.conn.get(protocol) ?? []) addCube(out, attrs, ports);
  }
  return normalise(out);
}

/** The ServiceEntry hosts NCA's rules name as destinations. */
export function ncaHosts(rules: readonly FwRule[]): string[] {
  return [...new Set(rules.flatMap((r) => ('host' in r.dst ? [r.dst.host] : [])))].sort();
}

// ---------------------------------------------------------------------------------------------
// Our answer

/**
 * What gets through on one protocol, in cubes. For ports without a declared protocol (`auto`, the
 * case for every NCA pod list, which has no Services) the HTTP chain is what NCA models; see the D17
 * test below for the TCP chain.
 */
export function ourConnections(
  matrix: AccessMatrix<L7Cell>,
  src: Peer,
  dst: Peer,
  protocol: Protocol,
  layer: 'l4' | 'effective',
): Cubes {
  return verdictCubes(matrix.verdict(src, dst), protocol, layer);
}

/** A matrix cell's (or a gateway hop's) answer on one protocol, in cubes. */
export function verdictCubes(
  v: { readonly l4: { readonly allowed: ConnSet }; readonly l7?: L7Cell; readonly effective: ConnSet },
  protocol: Protocol,
  layer: 'l4' | 'effective',
): Cubes {
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
 * Services are elsewhere (by default such ports are reached by pod IP as plaintext, E11). NCA takes
 * pod addresses to be outside every AuthorizationPolicy ipBlock; by default a pod against a narrow
 * ipBlock is a runtime condition (D13), so pods get a range no case's ipBlocks overlap.
 */
export const config = {
  ...DEFAULT_CONFIG,
  cni: { ...DEFAULT_CONFIG.cni, hostNetworkPods: 'pod' as const },
  cluster: { podCIDRs: ['10.244.0.0/16'] },
  mesh: { ...DEFAULT_CONFIG.mesh, injection: 'all' as const, undeclaredPorts: 'service' as const },
};

/**
 * Input NCA accepts and the Kubernetes API would not: the skydive pod lists write `"ports": {}` (an
 * object where a list is required). We report that as an error and drop the pod (fail closed, see the
 * test below); to compare connectivity the object is read as the empty list NCA takes it for, in
 * memory only.
 */
export const INPUT_FIXES: readonly { readonly file: RegExp; readonly from: RegExp; readonly to: string }[] = [
  { file: /podlist\/pods_list_orig\.json$/, from: /"ports": \{\}/g, to: '"ports": []' },
];

/** A listed path, or every YAML/JSON file under a listed folder (as NCA reads a folder), sorted. */
function expandPath(path: string): string[] {
  if (!statSync(join(root, path)).isDirectory()) return [path];
  return readdirSync(join(root, path), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => `${path}/${f}`)
    .filter((f) => statSync(join(root, f)).isFile())
    .sort();
}

/**
 * NCA takes only namespaces, workloads, Services and ServiceEntries from a namespace or pod list
 * (conformance README): the policies and other Istio objects of such a file are not read. YAML
 * documents of other kinds are dropped (JSON files are kept whole).
 */
const TOPOLOGY_KINDS =
  /^kind:\s*(Namespace|NamespaceList|Pod|PodList|List|Deployment|ReplicaSet|StatefulSet|DaemonSet|Job|CronJob|ReplicationController|Service|ServiceEntry)\s*$/m;

function topologyOnly(text: string): string {
  if (/^\s*[[{]/.test(text)) return text;
  return text
    .split(/^---[ \t]*$/m)
    .filter((doc) => !/^kind:/m.test(doc) || TOPOLOGY_KINDS.test(doc))
    .join('---\n');
}

export function loadCase(
  c: NcaCase,
  fixInput = true,
  cfg: Config = config,
  extra: string[] = [],
  configName: string = c.configs[0]!,
) {
  const inputs = c.inputs[configName]!;
  // One folder may be listed for namespaces, pods and policies alike: each file is read once.
  const anyKind = new Set(
    [...(inputs.networkPolicyList ?? []), ...(inputs.resourceList ?? [])].flatMap(expandPath),
  );
  const paths = [
    ...new Set(
      [
        ...(inputs.namespaceList ?? []),
        ...(inputs.podList ?? []),
        ...(inputs.networkPolicyList ?? []),
        ...(inputs.resourceList ?? []),
      ].flatMap(expandPath),
    ),
  ];
  const files = paths.map((path) => {
    let text = readFileSync(join(root, path), 'utf8');
    if (!anyKind.has(path)) text = topologyOnly(text);
    for (const fix of fixInput ? INPUT_FIXES : [])
      if (fix.file.test(path)) text = text.replace(fix.from, fix.to);
    return { path, text };
  });
  const added = extra.map((text, i) => ({ path: `in-memory-${i}.yaml`, text }));
  return analyseRevision({ label: c.query, files: [...files, ...added], diagnostics: [] }, cfg);
}

export const isIstio = (c: NcaCase) =>
  Object.values(c.inputs).some((i) =>
    [...(i.networkPolicyList ?? []), ...(i.resourceList ?? [])].some((p) => /\/istio-/.test(p)),
  );

/** Every pair of peers the matrix knows (IPv4 externals only: NCA's address space is IPv4). */
export function pairs(matrix: AccessMatrix<L7Cell>): [Peer, Peer][] {
  const peers: Peer[] = [...matrix.workloads, ...matrix.externals.filter((e) => e.range.family === 4)];
  const out: [Peer, Peer][] = [];
  for (const src of peers)
    for (const dst of peers)
      if (src.id !== dst.id && !(src.kind === 'external' && dst.kind === 'external')) out.push([src, dst]);
  return out;
}

/** NCA's root namespace is `istio-config` (hard-coded): a Sidecar there is the mesh default. */
export const meshConfig: Config = { ...config, mesh: { ...config.mesh, rootNamespace: 'istio-config' } };

export const REGISTRY_ONLY = `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: { name: nca-registry-only, namespace: istio-system }
spec: { meshConfig: { outboundTrafficPolicy: { mode: REGISTRY_ONLY } } }
`;
