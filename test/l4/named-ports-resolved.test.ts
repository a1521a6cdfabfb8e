import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Issues } from '../../src/core/decode.js';
import { compilePorts } from '../../src/l4/port-matcher.js';
import type { ContainerPort } from '../../src/model/types.js';

// A rule's named ports resolve per destination's port list, and the answer is kept per list: asked
// again, of any list, in any order, it is what the list itself resolves to (A14: name and protocol).
const NAMES = ['http', 'metrics', 'grpc'];
const portArb = fc.record({
  name: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
  containerPort: fc.integer({ min: 1, max: 20 }),
  protocol: fc.constantFrom('TCP' as const, 'UDP' as const),
});

describe('named ports resolved per destination', () => {
  it('each port list gets its own answer, however often it is asked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(portArb, { maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        (lists: ContainerPort[][], asks) => {
          const raw = [{ port: 'http' }, { port: 'metrics', protocol: 'UDP' }, { port: 7 }];
          const kept = compilePorts(raw, ['ports'], new Issues());
          for (const ask of asks) {
            const ports = lists[ask % lists.length]!;
            const fresh = compilePorts(raw, ['ports'], new Issues());
            expect(kept.resolve(ports).toString()).toBe(fresh.resolve(ports).toString());
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
