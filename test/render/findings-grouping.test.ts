import { describe, expect, it } from 'vitest';
import { findingMarkdownSections } from '../../src/render/findings.js';
import type { Finding, Report } from '../../src/report/types.js';

const at = (file: string) => ({ revision: 'head', file, line: 1, column: 1 });
const pair = (source: string, destination: string, rule = 'network-allows-mesh-denies'): Finding => ({
  rule,
  severity: 'info',
  status: 'new',
  title: `t: ${source} -> ${destination}`,
  message: `m ${source} ${destination}`,
  locations: [at(`${destination}.yaml`)],
  source,
  destination,
});

function items(findings: Finding[]): readonly string[] {
  const report = { findings, summary: { findings: { new: findings.length } } } as unknown as Report;
  return findingMarkdownSections(report).fresh[0]!.items;
}

describe('new pair findings in the PR comment', () => {
  it('one item per source (or else destination) with several partners of one rule; singles as they are', () => {
    const out = items([
      pair('a', 'x'),
      pair('a', 'y'),
      pair('b', 'z'),
      pair('c', 'z'),
      pair('d', 'w'),
      pair('a', 'v', 'mesh-allows-network-blocks'),
    ]);
    expect(out).toHaveLength(4);
    expect(out[0]).toContain('`a` -> `x`, `y`');
    expect(out[0]).toContain('a \\-&gt; 2 destinations');
    expect(out[0]).toContain('The same holds for the other 1.');
    expect(out[1]).toContain('`b`, `c` -> `z`');
    expect(out[2]).toContain('m d w');
    expect(out[3]).toContain('m a v');
  });

  it('lists at most 20 partners', () => {
    const out = items(Array.from({ length: 22 }, (_, i) => pair('a', `d${String(i).padStart(2, '0')}`)));
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('`d19` and 2 more');
    expect(out[0]).not.toContain('`d20`');
  });
});
