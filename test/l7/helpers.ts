import { compilePolicies } from '../../src/compile/compile-policies.js';
import type { Config } from '../../src/config/types.js';
import { compileIstio, type L7Engine } from '../../src/l7/engine.js';
import type { L7Cell, L7Outcome, L7Segment } from '../../src/l7/types.js';
import { externalPeer, type Peer } from '../../src/model/peers.js';
import type { ClusterModel } from '../../src/model/types.js';
import type { ConnSet } from '../../src/values/conn-set.js';
import { parseCidr } from '../../src/values/ip-range.js';
import { BASE_MESH, config, modelFromYaml, peer, tcp, workload } from './fixtures.js';

export interface Run {
  readonly model: ClusterModel;
  readonly engine: L7Engine;
  cell(src: string, dst?: string, conns?: ConnSet): L7Cell;
}

/** The standard mesh plus `extra` YAML; sources are workload names or a CIDR for an external peer. */
export function mesh(extra: string, cfg: Config = config()): Run {
  const model = modelFromYaml(BASE_MESH + extra);
  const engine = compileIstio(model, cfg, compilePolicies(model, cfg).istio);
  return {
    model,
    engine,
    cell(src, dst = 'server', conns = tcp(80)) {
      const p: Peer = /^[0-9.:]+\//.test(src) ? externalPeer(parseCidr(src)) : peer(model, src);
      return engine.evaluate(p, workload(model, dst), conns);
    },
  };
}

export function segmentAt(cell: L7Cell, port: number, protocol: 'TCP' | 'UDP' | 'SCTP' = 'TCP'): L7Segment {
  const s = cell.segments.find((x) => x.protocol === protocol && x.ports.has(port));
  if (!s) throw new Error(`no segment for ${protocol} ${port}`);
  return s;
}

/** The outcome for a port on a chain (`http` by default; the only one for bypassed ports). */
export function at(cell: L7Cell, port: number, chain: 'http' | 'tcp' = 'http'): L7Outcome {
  const s = segmentAt(cell, port);
  const o =
    s.outcomes.find((x) => x.chain === chain) ?? (s.outcomes.length === 1 ? s.outcomes[0] : undefined);
  if (!o) throw new Error(`no ${chain} outcome at ${port}`);
  return o;
}

/** `verdict: requests` for compact table expectations. */
export function show(o: L7Outcome): string {
  return o.verdict === 'all' || o.verdict === 'none' || o.verdict === 'not-enforced'
    ? o.verdict
    : `${o.verdict}: ${o.requests.toString()}`;
}

export const ap = (name: string, ns: string, spec: string, annotations = ''): string =>
  `---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n${annotations ? `  annotations: ${annotations}\n` : ''}spec:\n${spec
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;

export const pa = (name: string, ns: string, spec: string, created?: string): string =>
  `---\napiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n${created ? `  creationTimestamp: "${created}"\n` : ''}spec:\n${spec
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
