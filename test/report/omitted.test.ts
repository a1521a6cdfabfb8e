import { describe, expect, it } from 'vitest';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { diffRevisions } from '../../src/analysis/diff-revisions.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';

const pods = ['a', 'b', 'c', 'd']
  .map(
    (n) => `
---
apiVersion: v1
kind: Pod
metadata: { name: ${n}, namespace: shop, labels: { app: ${n} } }
spec: { containers: [{ name: c, image: i }] }`,
  )
  .join('');

const DENY = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress] }`;

function diff(maxListedPairs?: number) {
  const side = (label: string, text: string) =>
    analyseRevision({ label, files: [{ path: 'all.yaml', text }], diagnostics: [] }, DEFAULT_CONFIG);
  return diffRevisions(side('base', pods), side('head', pods + DENY), {
    layer: 'l4',
    config: DEFAULT_CONFIG,
    ...(maxListedPairs === undefined ? {} : { maxListedPairs }),
  });
}

describe('a change too big to list pair by pair', () => {
  it('is counted exactly, listed up to the limit, and said so', () => {
    // 4 x 3 pairs of pods, and the outside world to each pod (always listed: ranges are merged).
    const full = diff();
    const internal = (r: typeof full) => r.changes.filter((c) => c.source.kind === 'workload').length;
    expect(full.summary.closed).toBe(16);
    expect(internal(full)).toBe(12);
    expect(full.omitted).toBeUndefined();

    const cut = diff(5);
    expect(cut.summary).toEqual(full.summary);
    expect(internal(cut)).toBeLessThanOrEqual(5);
    expect(cut.changes.length - internal(cut)).toBe(4);
    expect(cut.omitted).toEqual({ opened: 0, closed: 12 - internal(cut), changed: 0 });
    const text = renderText(cut);
    expect(text).toMatch(/16 closed/);
    expect(text).toMatch(
      /more pairs of workloads \(\d+ closed\) changed and are counted above, but not listed/,
    );
    expect(text).not.toMatch(/No change in who can reach whom/);
    expect(renderMarkdown(cut)).toMatch(/\[!NOTE\]\n> [^\n]*not listed one by one/);
    expect(renderMarkdown(cut)).toMatch(/^### policy-diff: closes 16$/m);
  });
});
