import type { PathChange, PeerInfo, Report } from '../report/types.js';
import { sanitize } from './escape.js';

/** How big a picture may get before it is drawn per namespace, then not at all (unreadable). */
export interface GraphBounds {
  readonly maxEdges: number;
  readonly maxNodes: number;
}

export const GRAPH_BOUNDS: GraphBounds = { maxEdges: 40, maxNodes: 60 };

type EdgeKind = PathChange['kind'];

/** Opened: solid green; closed: dashed red; changed: thick amber. Distinct in shape, not only colour. */
const ARROW: Record<EdgeKind, string> = { opened: '-->', closed: '-.->', changed: '==>' };
const STYLE: Record<EdgeKind, string> = {
  opened: 'stroke:#1a7f37,stroke-width:2px',
  closed: 'stroke:#cf222e,stroke-width:2px',
  changed: 'stroke:#9a6700,stroke-width:2px',
};
const LEGEND: Record<EdgeKind, string> = {
  opened: 'solid green: opened',
  closed: 'dashed red: closed',
  changed: 'thick amber: changed',
};
const KINDS: readonly EdgeKind[] = ['opened', 'closed', 'changed'];

/** A node of the picture: a workload, a namespace or an external peer; `group` is its subgraph. */
interface Node {
  readonly key: string;
  readonly label: string;
  readonly group?: string;
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label: string;
}

interface Graph {
  readonly nodes: ReadonlyMap<string, Node>;
  readonly edges: readonly Edge[];
}

/**
 * Mermaid's entity codes for every character that could end a quoted label (`"`), start an
 * entity or a directive (`#`, `%`), become HTML (`<`, `>`, `&`), a Markdown string or the end of
 * the fence (`` ` ``), or an edge label (`|`). Names may contain anything; labels stay text.
 */
const ENTITY: Record<string, string> = {
  '"': '#quot;',
  '#': '#35;',
  '%': '#37;',
  '&': '#38;',
  '<': '#lt;',
  '>': '#gt;',
  '`': '#96;',
  '|': '#124;',
  '{': '#123;',
  '}': '#125;',
};

/** A quoted Mermaid label for untrusted text: one line, capped, every special character coded. */
export function mermaidLabel(text: string, max = 60): string {
  return `"${sanitize(text, max).replace(/["#%&<>`|{}]/g, (ch) => ENTITY[ch] ?? ch)}"`;
}

/** `ns/name[Kind]` drawn inside its namespace's box: the box names the namespace. */
function workloadNode(peer: PeerInfo): Node {
  const ns = peer.namespace;
  if (ns === undefined) return { key: `peer:${peer.id}`, label: peer.id };
  const name = peer.id.startsWith(`${ns}/`) ? peer.id.slice(ns.length + 1) : peer.id;
  return { key: `peer:${peer.id}`, label: name, group: ns };
}

/** Beyond this many distinct peers outside any namespace, the namespace picture draws them as one node. */
const MAX_OUTSIDE_PEERS = 10;

const OUTSIDE: Node = { key: 'outside', label: 'outside any namespace' };

function namespaceNode(peer: PeerInfo, foldOutside: boolean): Node {
  if (peer.namespace !== undefined) return { key: `ns:${peer.namespace}`, label: peer.namespace };
  return foldOutside ? OUTSIDE : { key: `peer:${peer.id}`, label: peer.id };
}

/** What the edge's label says: the connections gained or lost, short. */
function connectionsLabel(c: PathChange): string {
  const conns =
    c.kind === 'opened'
      ? c.after
      : c.kind === 'closed'
        ? c.before
        : [c.added && `+${c.added}`, c.removed && `-${c.removed}`].filter(Boolean).join(' ');
  const parts = [c.uncertain ? '?' : '', conns, c.l7Change ? `L7 ${c.l7Change}` : ''];
  return parts.filter(Boolean).join(' ');
}

function workloadGraph(changes: readonly PathChange[]): Graph {
  const nodes = new Map<string, Node>();
  const edges = changes.map((c) => {
    const from = workloadNode(c.source);
    const to = workloadNode(c.destination);
    nodes.set(from.key, from);
    nodes.set(to.key, to);
    return { from: from.key, to: to.key, kind: c.kind, label: connectionsLabel(c) };
  });
  return { nodes, edges };
}

/** One edge per namespace pair and kind, labelled with how many workload pairs it stands for. */
function namespaceGraph(changes: readonly PathChange[]): Graph {
  const outside = new Set(
    changes.flatMap((c) =>
      [c.source, c.destination].filter((p) => p.namespace === undefined).map((p) => p.id),
    ),
  );
  const fold = outside.size > MAX_OUTSIDE_PEERS;
  const nodes = new Map<string, Node>();
  const counts = new Map<string, { from: string; to: string; kind: EdgeKind; pairs: number }>();
  for (const c of changes) {
    const from = namespaceNode(c.source, fold);
    const to = namespaceNode(c.destination, fold);
    nodes.set(from.key, from);
    nodes.set(to.key, to);
    const key = JSON.stringify([from.key, to.key, c.kind]);
    const seen = counts.get(key);
    if (seen) seen.pairs++;
    else counts.set(key, { from: from.key, to: to.key, kind: c.kind, pairs: 1 });
  }
  const edges = [...counts.values()].map((e) => ({
    from: e.from,
    to: e.to,
    kind: e.kind,
    label: `${e.pairs} ${e.pairs === 1 ? 'pair' : 'pairs'}`,
  }));
  return { nodes, edges };
}

const fits = (g: Graph, b: GraphBounds) => g.edges.length <= b.maxEdges && g.nodes.size <= b.maxNodes;

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Mermaid source: generated ids (n1, s1...), nodes and edges sorted by key, edges opened, closed, changed. */
function flowchart(graph: Graph): string {
  const nodes = [...graph.nodes.values()].sort((a, b) => byText(a.key, b.key));
  const id = new Map(nodes.map((n, i) => [n.key, `n${i + 1}`]));
  const groups = [...new Set(nodes.flatMap((n) => (n.group === undefined ? [] : [n.group])))].sort(byText);
  const lines = ['flowchart LR'];
  groups.forEach((group, i) => {
    lines.push(`  subgraph s${i + 1}[${mermaidLabel(group)}]`);
    for (const n of nodes)
      if (n.group === group) lines.push(`    ${id.get(n.key)}[${mermaidLabel(n.label)}]`);
    lines.push('  end');
  });
  for (const n of nodes)
    if (n.group === undefined) lines.push(`  ${id.get(n.key)}[${mermaidLabel(n.label)}]`);
  const order = (a: Edge, b: Edge) => byText(a.from, b.from) || byText(a.to, b.to);
  const edges = KINDS.flatMap((kind) => graph.edges.filter((e) => e.kind === kind).sort(order));
  for (const e of edges) {
    const label = e.label ? `|${mermaidLabel(e.label, 40)}|` : '';
    lines.push(`  ${id.get(e.from)} ${ARROW[e.kind]}${label} ${id.get(e.to)}`);
  }
  for (const kind of KINDS) {
    const indexes = edges.flatMap((e, i) => (e.kind === kind ? [i] : []));
    if (indexes.length) lines.push(`  linkStyle ${indexes.join(',')} ${STYLE[kind]}`);
  }
  return lines.join('\n');
}

/**
 * A Mermaid graph of the changed edges, fenced for GitHub (which draws it), with a one-line
 * legend; undefined when there is nothing to draw or too much to draw readably. Workload by
 * workload inside namespace boxes when small; one edge per namespace pair with a count when
 * large; nothing beyond that (the lists below the picture carry every change).
 */
export function mermaidGraph(report: Report, bounds: GraphBounds = GRAPH_BOUNDS): string | undefined {
  const changes = report.changes;
  if (changes.length === 0) return undefined;
  // More changes than arrows: no need to build the workload picture to know it does not fit.
  const detailed = changes.length <= bounds.maxEdges ? workloadGraph(changes) : undefined;
  const graph = detailed && fits(detailed, bounds) ? detailed : namespaceGraph(changes);
  if (!fits(graph, bounds)) return undefined;
  const kinds = KINDS.filter((k) => changes.some((c) => c.kind === k));
  const scale =
    graph === detailed ? '' : ' · one arrow per namespace pair, with its number of workload pairs';
  const unlisted = report.omitted ? ' · pairs too many to list are not drawn' : '';
  const legend = `_${kinds.map((k) => LEGEND[k]).join(' · ')}${scale}${unlisted}_`;
  return `\`\`\`mermaid\n${flowchart(graph)}\n\`\`\`\n\n${legend}`;
}
