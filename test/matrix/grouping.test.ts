import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { l7Scope, scopeKey } from '../../src/explain/l7-scope.js';
import type { L4Engine } from '../../src/l4/engine-api.js';
import type { L7Engine } from '../../src/l7/engine.js';
import type { L7Cell } from '../../src/l7/types.js';
import { type AccessMatrix, buildMatrix } from '../../src/matrix/matrix.js';
import type { Peer } from '../../src/model/peers.js';
import { analyse, repoArb } from './random-repo.js';

/** The engines with a signature that is the workload id: every workload is a class of its own. */
const ungroupedL4 = (l4: L4Engine): L4Engine => ({
  diagnostics: l4.diagnostics,
  ipBoundaries: l4.ipBoundaries,
  signature: (w) => w.id,
  egress: (src, dst) => l4.egress(src, dst),
  ingress: (dst, src) => l4.ingress(dst, src),
});
const ungroupedL7 = (l7: L7Engine) => ({
  signature: (w: Parameters<L7Engine['signature']>[0]) => w.id,
  evaluate: (
    src: Peer,
    dst: Parameters<L7Engine['evaluate']>[1],
    conns: Parameters<L7Engine['evaluate']>[2],
  ) => l7.evaluate(src, dst, conns),
});

function cells(m: AccessMatrix<L7Cell>): string[] {
  const peers: Peer[] = [...m.workloads, ...m.externals];
  const out: string[] = [];
  for (const src of peers) {
    for (const dst of peers) {
      if (src.id === dst.id || (src.kind === 'external' && dst.kind === 'external')) continue;
      // Asked first, so the L4-only path computes the cell that verdict then completes.
      const l4 = m.l4Verdict(src, dst);
      const v = m.verdict(src, dst);
      expect(l4).toBe(v.l4);
      out.push(
        `${src.id} > ${dst.id}: l4 ${v.l4.allowed.toString()} | effective ${v.effective.toString()} | l7 ${scopeKey(l7Scope(v.l7))}`,
      );
    }
  }
  return out;
}

describe('grouping workloads into classes', () => {
  it('gives every pair the verdict of the plain per-workload computation', () => {
    fc.assert(
      fc.property(repoArb, (r) => {
        const rev = analyse(r, 'r');
        // Both engines are fresh per matrix, so no cache is shared between the two computations.
        const again = analyse(r, 'r');
        const grouped = buildMatrix<L7Cell>(rev.model, rev.l4, rev.l7);
        const plain = buildMatrix<L7Cell>(again.model, ungroupedL4(again.l4), ungroupedL7(again.l7));
        expect(new Set(plain.workloads.map((w) => plain.classOf(w))).size).toBe(plain.workloads.length);
        expect(cells(grouped)).toEqual(cells(plain));
      }),
      { numRuns: 100 },
    );
  });

  it('also at L4 only', () => {
    fc.assert(
      fc.property(repoArb, (r) => {
        const rev = analyse(r, 'r');
        const again = analyse(r, 'r');
        const grouped = buildMatrix<L7Cell>(rev.model, rev.l4, undefined);
        const plain = buildMatrix<L7Cell>(again.model, ungroupedL4(again.l4), undefined);
        expect(cells(grouped)).toEqual(cells(plain));
      }),
      { numRuns: 60 },
    );
  });
});
