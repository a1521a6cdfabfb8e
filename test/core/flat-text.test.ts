import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatCopy } from '../../src/core/flat-text.js';

describe('flatCopy', () => {
  it('is the identity on every string (lone surrogates, substrings of a longer text)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.nat(10), (text, cut) => {
        const sub = `${text}${text}`.slice(cut % (text.length + 1), cut + text.length);
        expect(flatCopy(text)).toBe(text);
        expect(flatCopy(sub)).toBe(sub);
      }),
    );
    expect(flatCopy('\ud800 a \udfff')).toBe('\ud800 a \udfff');
  });
});
