import { type Issues, readElement, readList, readString, readStruct } from '../core/decode.js';
import type { Labels, ObjectPath } from '../manifests/types.js';
import {
  ALL_IPV4,
  ALL_IPV6,
  containsRange,
  type IpRange,
  parseCidr,
  rangesOverlap,
} from '../values/ip-range.js';
import type { LabelSelectorMatcher, SelectorCompiler } from './label-selector.js';

/** The other end of a connection, as a NetworkPolicy peer sees it. */
export type PeerTarget =
  | {
      readonly kind: 'pod';
      readonly namespace: string;
      readonly labels: Labels;
      readonly namespaceLabels: Labels;
    }
  /** A hostNetwork pod: its traffic carries the node's IP, so it is node traffic (A17). */
  | { readonly kind: 'node' }
  | { readonly kind: 'external'; readonly range: IpRange };

export interface PeerMatcher {
  matches(target: PeerTarget): boolean;
  /**
   * The namespaces whose pods this peer may match (a superset: `matches` decides), or `all` when it
   * may match pods of any namespace without looking at labels. Lets callers enumerate the pods a
   * rule names without testing every pod of the cluster.
   */
  podNamespaces(namespaces: NamespaceSelection): 'all' | readonly string[];
}

/** The namespaces a namespaceSelector matches; selectors are interned, so this is asked once per selector. */
export interface NamespaceSelection {
  matching(selector: LabelSelectorMatcher): readonly string[];
}

/** `from`/`to` missing or `[]`: every peer, including nodes and off-cluster IPs (A7, A10). */
export const ANY_PEER: PeerMatcher = { matches: () => true, podNamespaces: () => 'all' };

/**
 * podSelector and/or namespaceSelector (A9): an absent namespaceSelector means the policy's own
 * namespace, an absent podSelector means every pod; both present are ANDed. Selectors match pods
 * only (A10), and never hostNetwork pods (A17).
 */
class SelectorPeer implements PeerMatcher {
  constructor(
    private readonly policyNamespace: string,
    private readonly namespaceSelector: LabelSelectorMatcher | undefined,
    private readonly podSelector: LabelSelectorMatcher | undefined,
  ) {}

  matches(target: PeerTarget): boolean {
    if (target.kind !== 'pod') return false;
    const inNamespace = this.namespaceSelector
      ? this.namespaceSelector.matches(target.namespaceLabels)
      : target.namespace === this.policyNamespace;
    return inNamespace && (this.podSelector?.matches(target.labels) ?? true);
  }

  podNamespaces(namespaces: NamespaceSelection): readonly string[] {
    return this.namespaceSelector ? namespaces.matching(this.namespaceSelector) : [this.policyNamespace];
  }
}

/**
 * `cidr` minus every `except` (A11). An external range (cut at every ipBlock boundary) matches when
 * it lies wholly inside. Pods and nodes have no known IPs: when the CNI profile says ipBlocks match
 * in-cluster traffic (Calico), only a block spanning a whole address family with no except can be
 * sure to contain them, so only `0.0.0.0/0` or `::/0` matches pods; anything narrower does not.
 */
class IpBlockPeer implements PeerMatcher {
  private readonly coversEverything: boolean;

  constructor(
    private readonly cidr: IpRange,
    private readonly except: readonly IpRange[],
    ipBlockMatchesPods: boolean,
  ) {
    const whole = cidr.family === 4 ? ALL_IPV4 : ALL_IPV6;
    this.coversEverything = ipBlockMatchesPods && except.length === 0 && containsRange(cidr, whole);
  }

  matches(target: PeerTarget): boolean {
    if (target.kind !== 'external') return this.coversEverything;
    return containsRange(this.cidr, target.range) && !this.except.some((e) => rangesOverlap(e, target.range));
  }

  podNamespaces(): 'all' | readonly string[] {
    return this.coversEverything ? 'all' : [];
  }

  /** `cidr` minus every except, as contiguous ranges in address order. */
  pieces(): IpRange[] {
    const out: IpRange[] = [];
    let from = this.cidr.from;
    for (const e of [...this.except].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))) {
      if (e.from > from) out.push({ family: this.cidr.family, from, to: e.from - 1n });
      if (e.to + 1n > from) from = e.to + 1n;
    }
    if (from <= this.cidr.to) out.push({ family: this.cidr.family, from, to: this.cidr.to });
    return out;
  }
}

class AnyOf implements PeerMatcher {
  constructor(private readonly peers: readonly PeerMatcher[]) {}

  matches(target: PeerTarget): boolean {
    return this.peers.some((p) => p.matches(target));
  }

  podNamespaces(namespaces: NamespaceSelection): 'all' | readonly string[] {
    const out = new Set<string>();
    for (const p of this.peers) {
      const some = p.podNamespaces(namespaces);
      if (some === 'all') return 'all';
      for (const n of some) out.add(n);
    }
    return [...out];
  }
}

export interface PeerContext {
  readonly namespace: string;
  readonly selectors: SelectorCompiler;
  readonly ipBlockMatchesPods: boolean;
}

export interface CompiledPeers {
  readonly matcher: PeerMatcher;
  /** Every cidr and except, to cut the external address space. */
  readonly boundaries: readonly IpRange[];
  /** What each ipBlock matches, `cidr` minus its excepts, in contiguous pieces (for connlist ranges). */
  readonly pieces: readonly IpRange[];
}

/** A rule's `from` or `to` list: the elements are ORed (A9). */
export function compilePeers(
  raw: unknown,
  path: ObjectPath,
  issues: Issues,
  ctx: PeerContext,
): CompiledPeers {
  const list = readList(raw, path, issues);
  if (!list || list.length === 0) return { matcher: ANY_PEER, boundaries: [], pieces: [] };
  const peers: PeerMatcher[] = [];
  const boundaries: IpRange[] = [];
  list.forEach((item, i) => {
    const peer = compilePeer(item, [...path, i], issues, ctx, boundaries);
    if (peer) peers.push(peer);
  });
  const pieces = peers.flatMap((p) => (p instanceof IpBlockPeer ? p.pieces() : []));
  return { matcher: peers.length === 1 ? peers[0]! : new AnyOf(peers), boundaries, pieces };
}

/** ValidateNetworkPolicyPeer [K-val]: at least one field; ipBlock alone. */
function compilePeer(
  raw: unknown,
  path: ObjectPath,
  issues: Issues,
  ctx: PeerContext,
  boundaries: IpRange[],
): PeerMatcher | undefined {
  const peer = readElement(raw, path, issues, ['podSelector', 'namespaceSelector', 'ipBlock']);
  if (!peer) return undefined;
  const has = (field: string) => peer[field] !== undefined && peer[field] !== null;
  if (!has('podSelector') && !has('namespaceSelector') && !has('ipBlock')) {
    issues.add(path, 'a peer must set podSelector, namespaceSelector or ipBlock');
    return undefined;
  }
  if (has('ipBlock')) {
    if (has('podSelector') || has('namespaceSelector')) {
      issues.add(path, 'ipBlock may not be combined with podSelector or namespaceSelector');
    }
    return compileIpBlock(peer.ipBlock, [...path, 'ipBlock'], issues, ctx, boundaries);
  }
  // A15: in a peer, an absent (or null) selector does not constrain.
  const optional = (field: string) =>
    has(field) ? ctx.selectors.compile(peer[field], [...path, field], issues) : undefined;
  return new SelectorPeer(ctx.namespace, optional('namespaceSelector'), optional('podSelector'));
}

/** ValidateIPBlock [K-val]: cidr required and a CIDR; each except a CIDR strictly inside it. */
function compileIpBlock(
  raw: unknown,
  path: ObjectPath,
  issues: Issues,
  ctx: PeerContext,
  boundaries: IpRange[],
): PeerMatcher | undefined {
  const block = readStruct(raw, path, issues, ['cidr', 'except']);
  if (!block) return undefined;
  const cidrText = readString(block.cidr, [...path, 'cidr'], issues);
  if (!cidrText) {
    if (cidrText === '' || block.cidr === undefined || block.cidr === null)
      issues.add([...path, 'cidr'], 'cidr is required');
    return undefined;
  }
  const cidr = readCidr(cidrText, [...path, 'cidr'], issues);
  const except: IpRange[] = [];
  (readList(block.except, [...path, 'except'], issues) ?? []).forEach((item, i) => {
    const text = readString(item, [...path, 'except', i], issues);
    const range = text === undefined ? undefined : readCidr(text, [...path, 'except', i], issues);
    if (!range || !cidr) return;
    const strictSubset = containsRange(cidr, range) && (range.from !== cidr.from || range.to !== cidr.to);
    if (strictSubset) except.push(range);
    else issues.add([...path, 'except', i], `except "${text}" must be a strict subset of cidr "${cidrText}"`);
  });
  if (!cidr) return undefined;
  boundaries.push(cidr, ...except);
  return new IpBlockPeer(cidr, except, ctx.ipBlockMatchesPods);
}

function readCidr(text: string, path: ObjectPath, issues: Issues): IpRange | undefined {
  // The API server wants CIDR notation here, with no surrounding spaces.
  if (!text.includes('/') || text !== text.trim()) {
    issues.add(path, `"${text}" is not a valid CIDR (expected e.g. 10.0.0.0/8 or 2001:db8::/32)`);
    return undefined;
  }
  try {
    return parseCidr(text);
  } catch (error) {
    issues.add(path, (error as Error).message);
    return undefined;
  }
}
