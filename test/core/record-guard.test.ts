import { describe, expect, it } from 'vitest';
import { asRecord, isRecord } from '../../src/core/decode.js';

describe('the record guard', () => {
  it('accepts a JSON object (a YAML map), even an empty one', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord({ a: 1 })).toBe(true);
    const map = { matchLabels: { app: 'web' } };
    expect(asRecord(map)).toBe(map);
  });

  it('rejects null, lists and scalars', () => {
    for (const v of [null, undefined, [], [{}], 'x', 0, true]) {
      expect(isRecord(v)).toBe(false);
      expect(asRecord(v)).toBeUndefined();
    }
  });

  it('lets an optional chain walk raw YAML', () => {
    const body: unknown = { spec: { selector: ['not', 'a', 'map'] } };
    expect(asRecord(asRecord(asRecord(body)?.spec)?.selector)?.matchLabels).toBeUndefined();
  });
});
