import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { stabilityAgainst, unstableReaching } from '../../src/findings/carry-forward.js';
import { revisionContext } from '../../src/findings/context.js';
import { analyse, clusterWidePairArb, editedPairArb } from '../matrix/random-repo.js';

/**
 * unstableReaching reads the unstable sources of a destination from the L4 engine's reverse index;
 * it must give exactly what asking the destination about each of them gives, in the same order.
 */
describe('unstable sources per destination from the reverse index', () => {
  it('equal the unstable sources that mayReach each destination, in model order', () => {
    let reached = 0;
    fc.assert(
      fc.property(fc.oneof(editedPairArb, clusterWidePairArb), ([b, h]) => {
        const [base, head] = [analyse(b, 'base'), analyse(h, 'head')];
        const matrices = buildLayerMatrices(base, head, 'effective');
        const before = revisionContext(base, matrices[0], DEFAULT_CONFIG);
        const ctx = revisionContext(head, matrices[1], DEFAULT_CONFIG);
        const sets = [stabilityAgainst(ctx, before).unstable, head.model.workloads];
        for (const unstable of sets) {
          // share 1: the reverse index whatever the number of unstable workloads.
          const reaching = unstableReaching(ctx, unstable, 1);
          for (const d of head.model.workloads) {
            const plain = unstable.filter((s) => ctx.mayReach(s, d));
            reached += plain.length;
            expect(reaching(d).map((w) => w.id)).toEqual(plain.map((w) => w.id));
          }
        }
      }),
      { numRuns: 150 },
    );
    expect(reached).toBeGreaterThan(100);
  });
});
