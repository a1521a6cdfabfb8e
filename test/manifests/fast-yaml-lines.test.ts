import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainString, PLAIN_TAGS, smallDecimal } from '../../src/manifests/fast-yaml-lines.js';

/** What the tags make of a plain scalar, without the fast reader's shortcuts. */
function tagValue(source: string): unknown {
  const tag = PLAIN_TAGS.find((t) => t.test?.test(source));
  return tag ? tag.resolve(source, () => undefined, {} as never) : source;
}

/** The fast reader's shortcut for plain strings (fast-yaml-lines.ts) never skips a tag that applies. */
describe('isPlainString', () => {
  const WORDS = ['~', 'null', 'Null', 'NULL', 'y', 'Y', 'yes', 'on', 'On', 'OFF', 'true', 'False', 'no', 'N'];
  const NUMBERS = [
    '0',
    '-1',
    '+1',
    '1_000',
    '0x1F',
    '0o7',
    '0b1',
    '.5',
    '.inf',
    '-.Inf',
    '.NaN',
    '1e3',
    '010',
  ];
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: fc.constantFrom(...'0123456789+-._eExXoObBaAfFinNINF~ ') }),
    fc.constantFrom(...WORDS, ...NUMBERS, '', 'web', 'app.kubernetes.io/name', 'é'),
  );

  it('is false wherever one of the tags takes the text', () => {
    fc.assert(
      fc.property(text, (s) => {
        if (isPlainString(s)) expect(PLAIN_TAGS.find((t) => t.test?.test(s))).toBeUndefined();
      }),
      { numRuns: 20000 },
    );
  });

  it('small decimals are what the int tag makes of them', () => {
    const digits = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 20 }),
      fc.string({ unit: fc.constantFrom(...'0123456789-+_xo.e'), maxLength: 8 }),
      fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String),
    );
    let taken = 0;
    fc.assert(
      fc.property(digits, (s) => {
        const value = smallDecimal(s);
        if (value === undefined) return;
        taken++;
        expect(Object.is(value, tagValue(s)), s).toBe(true);
      }),
      { numRuns: 20000 },
    );
    expect(taken).toBeGreaterThan(2000);
    for (const s of ['00', '010', '-1', '+1', '1_0', '0x1', '1e3', '1.0', '1234567890123456']) {
      expect(smallDecimal(s), s).toBeUndefined();
    }
  });

  it('takes the common names and refuses the words and numbers', () => {
    for (const s of ['web', 'app.kubernetes.io/name', 'ClusterIP', 'é'])
      expect(isPlainString(s), s).toBe(true);
    for (const s of [...WORDS, ...NUMBERS, '']) expect(isPlainString(s), s).toBe(false);
  });
});
