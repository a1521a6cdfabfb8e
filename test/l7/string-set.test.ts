import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StringSet } from '../../src/l7/string-set.js';

/** Policy values over a tiny alphabet, so patterns interact (prefix vs exact, prefix vs suffix). */
const value = fc.oneof(
  fc.stringMatching(/^[ab]{1,3}$/),
  fc.stringMatching(/^[ab]{0,2}$/).map((s) => `${s}*`),
  fc.stringMatching(/^[ab]{1,2}$/).map((s) => `*${s}`),
);
const leaf = fc.array(value, { minLength: 0, maxLength: 3 }).map((vs) => StringSet.of(vs));
const setArb: fc.Arbitrary<StringSet> = fc.letrec<{ set: StringSet }>((tie) => ({
  set: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('set'), tie('set')).map(([a, b]) => a.union(b)),
    fc.tuple(tie('set'), tie('set')).map(([a, b]) => a.subtract(b)),
    fc.tuple(tie('set'), tie('set')).map(([a, b]) => a.intersect(b)),
    tie('set').map((a) => a.complement()),
  ),
})).set;
/** Sample strings, including a character no pattern uses (the "generic" member of a pattern). */
const samples = [
  'a',
  'b',
  'aa',
  'ab',
  'ba',
  'bb',
  'aaa',
  'aab',
  'aba',
  'abb',
  'bab',
  'bba',
  'aza',
  'azb',
  'bzb',
  'z',
  'abzab',
  'bzba',
];

describe('StringSet basics (SEMANTICS D8)', () => {
  it.each([
    [['GET', 'PUT'], 'GET, PUT'],
    [['*'], 'all'],
    [[], 'none'],
    [['/api/*', '/api/v1/x'], '/api/*'],
    [['*.js', '/a.js'], '*.js'],
    [['/b', '/a'], '/a, /b'],
  ])('of(%j) prints %s', (values, text) => {
    expect(StringSet.of(values).toString()).toBe(text);
  });

  it('prints complements in NCA style', () => {
    expect(StringSet.all.subtract(StringSet.of(['PUT', 'GET'])).toString()).toBe('all but GET, PUT');
  });

  it('is exact where prefix and exact values interact', () => {
    const s = StringSet.of(['/api/*']).subtract(StringSet.of(['/api/admin']));
    expect(s.has('/api/x')).toBe(true);
    expect(s.has('/api/admin')).toBe(false);
    expect(s.has('/api/admin/x')).toBe(true);
    expect(s.toString()).toBe('/api/* but not /api/admin');
    expect(s.union(StringSet.of(['/api/admin'])).equals(StringSet.of(['/api/*']))).toBe(true);
  });

  it('keeps the prefix-and-suffix intersection exact', () => {
    const s = StringSet.of(['/api/*']).intersect(StringSet.of(['*.js']));
    expect(s.has('/api/x.js')).toBe(true);
    expect(s.has('/api/x.css')).toBe(false);
    expect(s.has('/web/x.js')).toBe(false);
    expect(s.toString()).toBe('/api/*.js');
  });

  it('prints nested exceptions with parentheses', () => {
    const s = StringSet.all.subtract(StringSet.of(['/admin/*'])).union(StringSet.of(['/admin/public']));
    expect(s.toString()).toBe('(all but /admin/*), /admin/public');
    expect(s.has('/admin/public')).toBe(true);
    expect(s.has('/admin/x')).toBe(false);
  });

  it('treats `*` as present and non-empty', () => {
    expect(StringSet.of(['*']).has('')).toBe(false);
    expect(StringSet.of(['*']).has('x')).toBe(true);
  });
});

describe('StringSet laws (fast-check)', () => {
  const member = (s: StringSet) => samples.map((x) => s.has(x));

  it('union, intersection and subtraction agree with membership', () => {
    fc.assert(
      fc.property(setArb, setArb, (a, b) => {
        const u = a.union(b);
        const i = a.intersect(b);
        const d = a.subtract(b);
        for (const x of samples) {
          expect(u.has(x)).toBe(a.has(x) || b.has(x));
          expect(i.has(x)).toBe(a.has(x) && b.has(x));
          expect(d.has(x)).toBe(a.has(x) && !b.has(x));
        }
      }),
    );
  });

  it('obeys the Boolean algebra laws', () => {
    fc.assert(
      fc.property(setArb, setArb, setArb, (a, b, c) => {
        expect(a.union(b).equals(b.union(a))).toBe(true);
        expect(a.intersect(b.union(c)).equals(a.intersect(b).union(a.intersect(c)))).toBe(true);
        expect(a.union(b).complement().equals(a.complement().intersect(b.complement()))).toBe(true);
        expect(a.complement().complement().equals(a)).toBe(true);
        expect(a.union(a.complement()).isAll()).toBe(true);
        expect(a.intersect(a.complement()).isEmpty()).toBe(true);
        expect(a.subtract(b).equals(a.intersect(b.complement()))).toBe(true);
      }),
    );
  });

  it('has a canonical form: semantically equal sets print equally', () => {
    fc.assert(
      fc.property(setArb, setArb, (a, b) => {
        expect(a.sameAs(b)).toBe(a.equals(b));
        const viaParts = a.subtract(b).union(a.intersect(b));
        expect(viaParts.toString()).toBe(a.toString());
        expect(viaParts.key()).toBe(a.key());
        if (a.sameAs(b)) expect(a.toString()).toBe(b.toString());
        expect(member(viaParts)).toEqual(member(a));
      }),
      { numRuns: 300 },
    );
  });
});
