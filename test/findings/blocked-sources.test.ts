import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listSome } from '../../src/findings/context.js';
import { blockedSources } from '../../src/findings/mesh-network.js';
import type { Workload } from '../../src/model/types.js';

describe('blockedSources', () => {
  it('says what filtering out the destination and listSome said (count, first three, "and N more")', () => {
    const pool = Array.from({ length: 8 }, (_, i) => ({ id: `ns/w${i}[Deployment]` }) as Workload);
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat({ max: 7 }), { maxLength: 8 }), fc.nat({ max: 7 }), (at, d) => {
        const named = at.map((i) => pool[i]!);
        const srcs = named.filter((s) => s !== pool[d]);
        const plain = `all ${srcs.length} workload${srcs.length === 1 ? '' : 's'} with a sidecar there (${listSome(srcs, 3, (s) => s.id)})`;
        expect(blockedSources(named, pool[d]!)).toBe(plain);
      }),
      { numRuns: 500 },
    );
  });
});
