/**
 * Mermaid's own flowchart parser, in node: mermaid sanitises with DOMPurify, which needs a
 * window, so a happy-dom window is installed before mermaid is loaded (test-only dependencies).
 */
import { Window } from 'happy-dom';

interface FlowVertex {
  readonly id: string;
  readonly text?: string;
}
interface FlowEdge {
  readonly start: string;
  readonly end: string;
  readonly text: string;
  readonly stroke: string;
  readonly type: string;
}
interface FlowDb {
  getVertices(): Map<string, FlowVertex>;
  getEdges(): FlowEdge[];
  getSubGraphs(): { id: string; title: string; nodes: string[] }[];
}

export interface ParsedFlowchart {
  readonly vertices: FlowVertex[];
  readonly edges: FlowEdge[];
  readonly subgraphs: { id: string; title: string; nodes: string[] }[];
}

type Mermaid = typeof import('mermaid').default;
let loaded: Promise<Mermaid> | undefined;

function mermaid(): Promise<Mermaid> {
  loaded ??= (async () => {
    const window = new Window();
    Object.assign(globalThis, { window, document: window.document });
    const { default: m } = await import('mermaid');
    m.initialize({ startOnLoad: false });
    return m;
  })();
  return loaded;
}

/** Parses `source` (without the fence) as Mermaid does; throws Mermaid's parse error. */
export async function parseFlowchart(source: string): Promise<ParsedFlowchart> {
  const m = await mermaid();
  await m.parse(source);
  const diagram = await m.mermaidAPI.getDiagramFromText(source);
  const db = diagram.db as unknown as FlowDb;
  return {
    vertices: [...db.getVertices().values()],
    edges: db.getEdges(),
    subgraphs: db.getSubGraphs(),
  };
}

/** The Mermaid source inside the first ```mermaid fence of a Markdown text. */
export function mermaidSource(markdown: string): string {
  const match = markdown.match(/```mermaid\n([\s\S]*?)\n```/);
  if (!match) throw new Error('no mermaid fence');
  return match[1]!;
}
