import { isRecord, readList, readString } from '../core/decode.js';
import type { ObjectPath } from '../manifests/types.js';
import { ALL_IPV4, ALL_IPV6, containsRange, type IpRange, parseCidr } from '../values/ip-range.js';
import type { RuleContext } from './anp-compile.js';
import { compileNamespacedPod } from './anp-compile.js';
import type { LabelSelectorMatcher } from './label-selector.js';
import type { Direction } from './netpol-compile.js';
import type { NamespaceSelection, PeerMatcher, PeerTarget } from './peer-matcher.js';

/** The compiled `from`/`to` of one admin rule. */
export interface AdminPeers {
  /** The known peers, ORed. */
  readonly matcher: PeerMatcher;
  /** Some peer is of a type this engine does not model: the rule fails closed (B5). */
  readonly unknown: boolean;
  /** A `networks` or `nodes` peer is present (they may not be combined with named ports). */
  readonly addressPeers: boolean;
  readonly boundaries: readonly IpRange[];
}

const INGRESS_PEERS = ['namespaces', 'pods'];
const EGRESS_PEERS: Record<string, readonly string[]> = {
  AdminNetworkPolicy: ['namespaces', 'pods', 'nodes', 'networks', 'domainNames'],
  BaselineAdminNetworkPolicy: ['namespaces', 'pods', 'nodes', 'networks'],
};
/** Peer types the API has that this engine does not model: they fail closed (B5). */
const NOT_MODELLED: Readonly<Record<string, string>> = {
  domainNames: 'domainNames peers (FQDNs) are not modelled',
};
const MAX_PEERS = 100;
const MAX_NETWORKS = 25;

const NOTHING: PeerMatcher = { matches: () => false, podNamespaces: () => [] };

/** `namespaces`: every pod (not hostNetwork, B5) in the matching namespaces. */
class NamespacesPeer implements PeerMatcher {
  constructor(private readonly namespaces: LabelSelectorMatcher) {}
  matches(t: PeerTarget): boolean {
    return t.kind === 'pod' && this.namespaces.matches(t.namespaceLabels);
  }
  podNamespaces(n: NamespaceSelection): readonly string[] {
    return n.matching(this.namespaces);
  }
}

/** `pods`: namespaceSelector AND podSelector. */
class PodsPeer implements PeerMatcher {
  constructor(
    private readonly namespaces: LabelSelectorMatcher,
    private readonly pods: LabelSelectorMatcher,
  ) {}
  matches(t: PeerTarget): boolean {
    return t.kind === 'pod' && this.namespaces.matches(t.namespaceLabels) && this.pods.matches(t.labels);
  }
  podNamespaces(n: NamespaceSelection): readonly string[] {
    return n.matching(this.namespaces);
  }
}

/**
 * `nodes`: traffic to nodes (here: hostNetwork pods seen as node traffic). Node labels are not in
 * the manifests, so only a selector that matches every node can be answered.
 */
class NodesPeer implements PeerMatcher {
  matches(t: PeerTarget): boolean {
    return t.kind === 'node';
  }
  podNamespaces(): readonly string[] {
    return [];
  }
}

/**
 * `networks`: CIDRs. An external range matches when it lies inside one. They also match
 * in-cluster traffic (B5); pods have no static IPs, so only a whole address family can be known
 * to contain them.
 */
class NetworksPeer implements PeerMatcher {
  private readonly coversPods: boolean;
  constructor(private readonly cidrs: readonly IpRange[]) {
    this.coversPods = cidrs.some((c) => containsRange(c, c.family === 4 ? ALL_IPV4 : ALL_IPV6));
  }
  matches(t: PeerTarget): boolean {
    if (t.kind !== 'external') return this.coversPods;
    return this.cidrs.some((c) => containsRange(c, t.range));
  }
  podNamespaces(): 'all' | readonly string[] {
    return this.coversPods ? 'all' : [];
  }
}

class AnyOf implements PeerMatcher {
  constructor(private readonly peers: readonly PeerMatcher[]) {}
  matches(t: PeerTarget): boolean {
    return this.peers.some((p) => p.matches(t));
  }
  podNamespaces(n: NamespaceSelection): 'all' | readonly string[] {
    const out = new Set<string>();
    for (const p of this.peers) {
      const some = p.podNamespaces(n);
      if (some === 'all') return 'all';
      for (const x of some) out.add(x);
    }
    return [...out];
  }
}

export function compileAdminPeers(
  raw: unknown,
  path: ObjectPath,
  direction: Direction,
  ctx: RuleContext,
): AdminPeers {
  const list = readList(raw, path, ctx.issues);
  if (!list || list.length === 0) ctx.issues.add(path, 'at least one peer is required');
  if (list && list.length > MAX_PEERS) ctx.issues.add(path, `may not have more than ${MAX_PEERS} peers`);
  const known = direction === 'ingress' ? INGRESS_PEERS : EGRESS_PEERS[ctx.object.kind]!;
  const peers: PeerMatcher[] = [];
  const boundaries: IpRange[] = [];
  let unknown = false;
  let addressPeers = false;
  (list ?? []).forEach((item, i) => {
    const p = [...path, i];
    if (!isRecord(item)) {
      ctx.issues.add(p, 'a peer must be an object with exactly one field');
      return;
    }
    const fields = Object.keys(item).filter((k) => item[k] !== undefined && item[k] !== null);
    if (fields.length !== 1) {
      ctx.issues.add(
        p,
        `exactly one peer type must be set, got ${fields.length === 0 ? 'none' : fields.join(', ')}`,
      );
      return;
    }
    const field = fields[0]!;
    const value = item[field];
    if (!known.includes(field) || NOT_MODELLED[field]) {
      // B5: a peer type of another version: Allow matches nothing, Deny/Pass deny all.
      unknown = true;
      const why = NOT_MODELLED[field] ?? `unknown peer type "${field}" (known: ${known.join(', ')})`;
      ctx.unsure.add(
        [...p, field],
        `${why}; the rule fails closed (Allow matches nothing, Deny and Pass deny all)`,
      );
      return;
    }
    if (field === 'namespaces') {
      const s = ctx.selectors.compile(value, [...p, field], ctx.issues);
      if (s) peers.push(new NamespacesPeer(s));
    } else if (field === 'pods') {
      const s = compileNamespacedPod(value, [...p, field], ctx.issues, ctx.selectors);
      if (s) peers.push(new PodsPeer(s.namespaceSelector, s.podSelector));
    } else if (field === 'nodes') {
      addressPeers = true;
      const s = ctx.selectors.compile(value, [...p, field], ctx.issues);
      if (s?.matchesAll) peers.push(new NodesPeer());
      else if (s)
        ctx.unsure.add(
          [...p, field],
          'node labels are not in the manifests: this nodes peer is taken to match no node',
        );
    } else if (field === 'networks') {
      addressPeers = true;
      const cidrs = readNetworks(value, [...p, field], ctx);
      if (cidrs.length > 0) {
        peers.push(new NetworksPeer(cidrs));
        boundaries.push(...cidrs);
      }
    }
  });
  const matcher = peers.length === 0 ? NOTHING : peers.length === 1 ? peers[0]! : new AnyOf(peers);
  return { matcher, unknown, addressPeers, boundaries };
}

function readNetworks(raw: unknown, path: ObjectPath, ctx: RuleContext): IpRange[] {
  const list = readList(raw, path, ctx.issues) ?? [];
  if (list.length === 0) ctx.issues.add(path, 'at least one network is required');
  if (list.length > MAX_NETWORKS) ctx.issues.add(path, `may not have more than ${MAX_NETWORKS} networks`);
  return list.flatMap((item, i) => {
    const text = readString(item, [...path, i], ctx.issues);
    if (text === undefined) return [];
    try {
      if (!text.includes('/') || text !== text.trim()) throw new Error('no prefix length');
      return [parseCidr(text)];
    } catch {
      ctx.issues.add([...path, i], `"${text}" is not a valid CIDR (Invalid CIDR format provided)`);
      return [];
    }
  });
}
