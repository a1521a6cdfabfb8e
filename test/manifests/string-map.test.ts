import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copySorted, sortedStrings } from '../../src/manifests/string-map.js';

/** A map as an object is built from JSON (yaml-json.ts defines `__proto__` as an own key). */
function record(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  }
  return out;
}

const key = fc.oneof(
  fc.constantFrom('app', 'b', 'a/b', '1', '10', '2', '__proto__', 'z'),
  fc.string({ maxLength: 4 }),
);
const value = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean());

describe('sortedStrings', () => {
  it('equals the sorted copy, key order included, whether it shares the map or not', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 6 }),
        fc.boolean(),
        (entries, sorted) => {
          const list = sorted ? [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : entries;
          const map = record(list);
          const got = sortedStrings(map);
          const plain = copySorted(map);
          expect(Object.keys(got)).toEqual(Object.keys(plain));
          expect(Object.entries(got)).toEqual(Object.entries(plain));
        },
      ),
    );
  });

  it('shares a map already sorted and of strings; copies one that is not', () => {
    const shared = record([
      ['a', 'x'],
      ['b', 'y'],
    ]);
    expect(sortedStrings(shared)).toBe(shared);
    for (const map of [
      record([
        ['b', 'y'],
        ['a', 'x'],
      ]),
      record([['a', 1]]),
      record([['__proto__', 'x']]),
    ]) {
      expect(sortedStrings(map)).not.toBe(map);
    }
  });
});
