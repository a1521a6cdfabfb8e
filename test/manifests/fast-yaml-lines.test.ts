import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainString, PLAIN_TAGS } from '../../src/manifests/fast-yaml-lines.js';

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

  it('takes the common names and refuses the words and numbers', () => {
    for (const s of ['web', 'app.kubernetes.io/name', 'ClusterIP', 'é'])
      expect(isPlainString(s), s).toBe(true);
    for (const s of [...WORDS, ...NUMBERS, '']) expect(isPlainString(s), s).toBe(false);
  });
});
