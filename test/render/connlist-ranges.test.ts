import { describe, expect, it } from 'vitest';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import type { PathChange } from '../../src/diff/changes.js';
import { renderConnlist, renderConnlistDiff } from '../../src/render/connlist.js';
import type { Report } from '../../src/report/types.js';

/** netpol-analyzer's external address ranges (../shared/conformance/README.md), in connlist and connlist-diff. */

const POD = `
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: a }
spec: { containers: [{ name: c, image: i }] }
`;
const policy = (spec: string) => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: a }
spec: ${spec}
`;

function connlist(yaml: string): string {
  const rev = analyseRevision(
    { label: 'r', files: [{ path: 'all.yaml', text: yaml }], diagnostics: [] },
    DEFAULT_CONFIG,
  );
  const [m] = buildLayerMatrices(rev, rev, 'l4');
  return renderConnlist(m, rev.l4.ipPieces);
}

describe('connlist external ranges', () => {
  it('sources are cut only by ingress ipBlocks; an except at the edge of its cidr does not cut there', () => {
    const text = connlist(
      POD +
        policy(
          '{ podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{ from: [{ ipBlock: { cidr: 10.0.0.0/8, except: [10.0.0.0/9] } }] }, { ports: [{ port: 80 }] }], egress: [{ to: [{ ipBlock: { cidr: 192.168.0.0/16 } }] }] }',
        ),
    );
    expect(text).toBe(
      [
        '0.0.0.0-10.127.255.255[External] => a/web[Pod] : TCP 80',
        '10.128.0.0-10.255.255.255[External] => a/web[Pod] : All Connections',
        '11.0.0.0-255.255.255.255[External] => a/web[Pod] : TCP 80',
        'a/web[Pod] => 192.168.0.0-192.168.255.255[External] : All Connections',
        '',
      ].join('\n'),
    );
  });

  it('adjacent destination ranges with equal connections are separate lines (never merged in a list)', () => {
    const text = connlist(
      POD +
        policy(
          '{ podSelector: {}, policyTypes: [Egress], egress: [{ to: [{ ipBlock: { cidr: 10.0.0.0/9 } }, { ipBlock: { cidr: 10.128.0.0/9 } }] }] }',
        ),
    );
    expect(text.split('\n').filter((l) => l.startsWith('a/web'))).toEqual([
      'a/web[Pod] => 10.0.0.0-10.127.255.255[External] : All Connections',
      'a/web[Pod] => 10.128.0.0-10.255.255.255[External] : All Connections',
    ]);
    // Ingress is not isolated and no ingress ipBlock cuts the sources: one source range.
    expect(text).toContain('0.0.0.0-255.255.255.255[External] => a/web[Pod] : All Connections\n');
  });
});

describe('connlist-diff merges external ranges with the same ref1 and ref2 per workload', () => {
  const change = (source: string, before: string, after: string): PathChange => ({
    kind: before === 'No Connections' ? 'opened' : after === 'No Connections' ? 'closed' : 'changed',
    source: { id: `${source}[External]`, kind: 'external' },
    destination: { id: 'a/web[Pod]', kind: 'workload', namespace: 'a' },
    before,
    after,
    added: '',
    removed: '',
    causes: [],
    uncertain: false,
  });
  it('adjacent equal ranges merge; a different answer or a gap keeps them apart; IPv6 is left out', () => {
    const report = {
      changes: [
        change('10.0.0.0-10.127.255.255', 'All Connections', 'TCP 80'),
        change('10.128.0.0-10.255.255.255', 'All Connections', 'TCP 80'),
        change('11.0.0.0-11.255.255.255', 'All Connections', 'TCP 81'),
        change('13.0.0.0-13.255.255.255', 'All Connections', 'TCP 80'),
        change('::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'All Connections', 'TCP 80'),
      ],
    } as unknown as Report;
    expect(renderConnlistDiff(report)).toBe(
      [
        'Connectivity diff:',
        'diff-type: changed, source: 10.0.0.0-10.255.255.255[External], destination: a/web[Pod], ref1: All Connections, ref2: TCP 80',
        'diff-type: changed, source: 11.0.0.0-11.255.255.255[External], destination: a/web[Pod], ref1: All Connections, ref2: TCP 81',
        'diff-type: changed, source: 13.0.0.0-13.255.255.255[External], destination: a/web[Pod], ref1: All Connections, ref2: TCP 80',
        '',
      ].join('\n'),
    );
  });
});
