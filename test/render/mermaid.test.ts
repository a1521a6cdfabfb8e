import { describe, expect, it } from 'vitest';
import { GRAPH_BOUNDS, mermaidGraph, mermaidLabel } from '../../src/render/mermaid.js';
import type { PathChange } from '../../src/report/types.js';
import { change, report } from '../action/report-fixture.js';
import { mermaidSource, parseFlowchart } from '../helpers/mermaid-parser.js';

const peer = (ns: string, name: string) => ({
  id: `${ns}/${name}[Deployment]`,
  kind: 'workload' as const,
  namespace: ns,
});

const closed = (overrides: Partial<PathChange>): PathChange =>
  change({
    kind: 'closed',
    before: 'TCP 5432',
    after: 'No Connections',
    added: '',
    removed: 'TCP 5432',
    ...overrides,
  });

/**
 * Mermaid's entity codes back to text, as its renderer shows them: before parsing it turns each
 * `#35;` / `#quot;` into a placeholder (ﬂ°°35¶ß, ﬂ°quot¶ß) that becomes `&#35;` / `&quot;` in the SVG.
 */
function decode(text: string): string {
  const named: Record<string, string> = { quot: '"', lt: '<', gt: '>', amp: '&' };
  return text
    .replace(/ﬂ°°(\d+)¶ß/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/ﬂ°(\w+)¶ß/g, (_, n) => named[n] ?? `&${n};`);
}

describe('mermaidGraph', () => {
  it('draws nothing when nothing changed', () => {
    expect(mermaidGraph(report())).toBeUndefined();
  });

  it('draws a small change workload by workload, in namespace boxes, opened and closed distinguishable', async () => {
    const r = report({
      changes: [
        change({ source: { id: '0.0.0.0-255.255.255.255[External]', kind: 'external' } }),
        change({ source: peer('web', 'front') }),
        closed({ source: peer('web', 'front'), destination: peer('db', 'pg') }),
      ],
    });
    const markdown = mermaidGraph(r)!;
    expect(markdown.startsWith('```mermaid\nflowchart LR\n')).toBe(true);
    expect(markdown).toContain('solid green: opened · dashed red: closed');
    const parsed = await parseFlowchart(mermaidSource(markdown));
    expect(parsed.vertices.map((v) => v.text).sort()).toEqual(
      ['0.0.0.0-255.255.255.255[External]', 'api[Deployment]', 'front[Deployment]', 'pg[Deployment]'].sort(),
    );
    expect(parsed.subgraphs.map((s) => s.title).sort()).toEqual(['db', 'shop', 'web']);
    const strokes = parsed.edges.map((e) => `${e.stroke}:${decode(e.text)}`);
    expect(strokes).toEqual(['normal:TCP 8080', 'normal:TCP 8080', 'dotted:TCP 5432']);
    expect(mermaidSource(markdown)).toMatch(/linkStyle 0,1 stroke:#1a7f37.*\n {2}linkStyle 2 stroke:#cf222e/);
  });

  it('is deterministic whatever the order of the changes', () => {
    const changes = [change({ source: peer('b', 'x') }), change({ source: peer('a', 'y') }), closed({})];
    expect(mermaidGraph(report({ changes: [...changes].reverse() }))).toBe(mermaidGraph(report({ changes })));
  });

  it('draws a large change per namespace pair, with counts, and parses', async () => {
    const changes = Array.from({ length: 300 }, (_, i) =>
      i % 3 === 2
        ? closed({ source: peer(`team-${i % 5}`, `c-${i}`), destination: peer('db', `pg-${i}`) })
        : change({ source: peer(`team-${i % 5}`, `c-${i}`), destination: peer('shop', `api-${i}`) }),
    );
    const markdown = mermaidGraph(report({ changes }))!;
    expect(markdown).toContain('one arrow per namespace pair');
    const parsed = await parseFlowchart(mermaidSource(markdown));
    expect(parsed.vertices).toHaveLength(7);
    expect(parsed.edges.length).toBeLessThanOrEqual(GRAPH_BOUNDS.maxEdges);
    const total = parsed.edges.reduce((n, e) => n + Number(/^(\d+) pairs?$/.exec(e.text)![1]), 0);
    expect(total).toBe(300);
  });

  it('per namespace, draws many peers outside any namespace as one node', async () => {
    const changes = Array.from({ length: 60 }, (_, i) =>
      change({
        source: { id: `10.0.${i}.0-10.0.${i}.255[External]`, kind: 'external' },
        destination: peer(`team-${i % 3}`, `api-${i}`),
      }),
    );
    const parsed = await parseFlowchart(mermaidSource(mermaidGraph(report({ changes }))!));
    expect(parsed.vertices.map((v) => v.text).sort()).toEqual([
      'outside any namespace',
      'team-0',
      'team-1',
      'team-2',
    ]);
    expect(parsed.edges.map((e) => e.text)).toEqual(['20 pairs', '20 pairs', '20 pairs']);
  });

  it('omits a picture too large even per namespace', () => {
    const changes = Array.from({ length: 100 }, (_, i) =>
      change({ source: peer(`a-${i}`, 'x'), destination: peer(`b-${i}`, 'y') }),
    );
    expect(mermaidGraph(report({ changes }))).toBeUndefined();
  });

  const HOSTILE = [
    'q"uote',
    'br[ack]et(s){x}',
    'arrow --> n1 -.-> n2',
    '<img src=x onerror=alert(1)><b>bold</b>',
    'line\nbreak\r\nend',
    'ünï😀codé',
    '%%{init: {"theme":"dark"}}%%',
    '```\nfence',
    'pipe|label|',
    '#quot; &amp; #35;',
    'end',
    'a;b:c',
  ];

  it('keeps hostile names as text: the graph parses and each label reads back as the name', async () => {
    const changes = HOSTILE.map((name, i) =>
      (i % 2 ? closed : change)({
        source: { id: name, kind: 'external' },
        destination: { id: `${name}/w${i}`, kind: 'workload', namespace: name },
        after: name,
        before: name,
        removed: name,
      }),
    );
    const markdown = mermaidGraph(report({ changes }))!;
    const source = mermaidSource(markdown);
    // One fence only: nothing in a name closes it or starts a directive.
    expect(markdown.match(/```/g)).toHaveLength(2);
    expect(source).not.toMatch(/[<`]|%%/);
    for (const label of source.match(/"[^"]*"/g)!) expect(label).not.toMatch(/[<>&`|{}%]/);
    const parsed = await parseFlowchart(source);
    const texts = new Set(parsed.vertices.map((v) => decode(v.text ?? '')));
    for (const [i, name] of HOSTILE.entries()) {
      const flat = name.replace(/[\r\n]+/g, ' ');
      expect(texts.has(flat)).toBe(true);
      expect(texts.has(`w${i}`)).toBe(true);
    }
    expect(parsed.subgraphs.map((s) => decode(s.title)).sort()).toEqual(
      HOSTILE.map((n) => n.replace(/[\r\n]+/g, ' ')).sort(),
    );
    expect(parsed.edges.map((e) => decode(e.text)).sort()).toEqual(
      HOSTILE.map((n) => n.replace(/[\r\n]+/g, ' ')).sort(),
    );
    expect(parsed.edges).toHaveLength(HOSTILE.length);
  });

  it('codes every character Mermaid or HTML would read', () => {
    expect(mermaidLabel('<a href="x">#1 | 100%</a> `{}` &')).toBe(
      '"#lt;a href=#quot;x#quot;#gt;#35;1 #124; 100#37;#lt;/a#gt; #96;#123;#125;#96; #38;"',
    );
  });
});
