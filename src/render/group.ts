import type { CauseGroup } from '../report/cause-groups.js';
import type { ChangeClass } from '../report/risk.js';
import type { PathChange, PeerInfo } from '../report/types.js';
import { peerLabel } from './peer-label.js';

/** Changes grouped by destination namespace in report order; external destinations under `(external)`. */
export function groupByDestinationNamespace(changes: readonly PathChange[]): [string, PathChange[]][] {
  const groups = new Map<string, PathChange[]>();
  for (const c of changes) {
    const ns = c.destination.namespace ?? '(external)';
    const group = groups.get(ns);
    if (group) group.push(c);
    else groups.set(ns, [c]);
  }
  return [...groups.entries()];
}

/**
 * What a cause group did, in parts every format words the same way: "opens `shop/cart` to 8
 * sources, including `0.0.0.0/0`" is `{ verb: 'opens', target: ['shop/cart'], link: 'to',
 * count: 8, noun: 'source', including: '0.0.0.0/0' }`.
 */
export interface GroupTitle {
  readonly verb: string;
  /** The one end the rule is about (up to 3 named; `targetCount` says how many in all). */
  readonly target: readonly string[];
  readonly targetCount: number;
  /** `to`, `from` or `for`: joins the target to the peers. */
  readonly link: string;
  /** How many peers at the other end. */
  readonly count: number;
  readonly noun: 'source' | 'destination';
  /** The riskiest peer at the other end (the first pair's). */
  readonly first: string;
  /** `first`, when there are several peers. */
  readonly including?: string;
}

/** Verb and link per class and side: the destination side is opened to sources; a source reaches destinations. */
const VERB: Record<ChangeClass, Record<CauseGroup['side'], [string, string]>> = {
  opened: { destination: ['opens', 'to'], source: ['lets', 'reach'] },
  widened: { destination: ['widens access to', 'for'], source: ['widens what', 'may send to'] },
  closed: { destination: ['closes', 'to'], source: ['stops', 'reaching'] },
  narrowed: { destination: ['narrows access to', 'for'], source: ['narrows what', 'may send to'] },
  changed: { destination: ['changes access to', 'for'], source: ['changes what', 'may send to'] },
};

export function groupTitle(g: CauseGroup): GroupTitle {
  const [verb, link] = VERB[g.class][g.side];
  const ends = (pick: (c: PathChange) => PeerInfo) => [
    ...new Map(g.changes.map((r) => [pick(r.change).id, peerLabel(pick(r.change))])).values(),
  ];
  const target = ends((c) => (g.side === 'destination' ? c.destination : c.source));
  const peers = ends((c) => (g.side === 'destination' ? c.source : c.destination));
  return {
    verb,
    target: target.slice(0, 3),
    targetCount: target.length,
    link,
    count: peers.length,
    noun: g.side === 'destination' ? 'source' : 'destination',
    first: peers[0] ?? '',
    ...(peers.length > 1 ? { including: peers[0]! } : {}),
  };
}

/** The title in plain text: `opens shop/cart[Deployment] to 8 sources, including 0.0.0.0/0`. */
export function groupTitleText(t: GroupTitle, quote: (s: string) => string = (s) => s): string {
  const more = t.targetCount - t.target.length;
  const target = `${t.target.map(quote).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  const peers = `${t.count} ${t.noun}${t.count === 1 ? '' : 's'}`;
  const including = t.including !== undefined ? `, including ${quote(t.including)}` : '';
  return `${t.verb} ${target} ${t.link} ${peers}${including}`;
}
