import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CondSet } from '../../src/l7/cond-set.js';
import { RequestSet } from '../../src/l7/request-set.js';
import { StringSet } from '../../src/l7/string-set.js';

const methodsArb = fc.subarray(['GET', 'PUT', 'DELETE', 'P*'], { minLength: 1 });
const pathsArb = fc.subarray(['/a', '/a/*', '/b', '*.js', '/a/x.js'], { minLength: 1 });
const hostsArb = fc.subarray(['a.com', '*.com', 'b.org'], { minLength: 1 });
const condArb = fc.constantFrom(
  CondSet.all,
  CondSet.atom('h in [1]'),
  CondSet.atom('h in [1]', false),
  CondSet.atom('j in [2]'),
);
const dimArb = <T>(arb: fc.Arbitrary<string[]>, neg: boolean) =>
  fc.option(
    arb.map((vs) => (neg ? StringSet.all.subtract(StringSet.of(vs)) : StringSet.of(vs))),
    { nil: undefined },
  ) as fc.Arbitrary<T | undefined>;
const cubeArb = fc
  .record({
    methods: fc.boolean().chain((n) => dimArb<StringSet>(methodsArb, n)),
    hosts: fc.boolean().chain((n) => dimArb<StringSet>(hostsArb, n)),
    paths: fc.boolean().chain((n) => dimArb<StringSet>(pathsArb, n)),
    when: condArb,
  })
  .map((c) =>
    RequestSet.cube({
      ...c,
      methods: c.methods ?? undefined,
      hosts: c.hosts ?? undefined,
      paths: c.paths ?? undefined,
    }),
  );
const setArb = fc
  .array(cubeArb, { maxLength: 3 })
  .map((cs) => cs.reduce((a, b) => a.union(b), RequestSet.none));

describe('RequestSet', () => {
  it('prints NCA cubes, leaving out dimensions that are all', () => {
    const s = RequestSet.cube({
      methods: StringSet.of(['GET', 'PUT']),
      paths: StringSet.all.subtract(StringSet.of(['/bad/path1', '/bad/path3'])),
      hosts: StringSet.of(['allowed-host.com']),
    });
    expect(s.toString()).toBe(
      '{methods:GET, PUT,hosts:allowed-host.com,paths:all but /bad/path1, /bad/path3}',
    );
    expect(RequestSet.all.subtract(RequestSet.cube({ methods: StringSet.of(['GET']) })).toString()).toBe(
      '{methods:all but GET}',
    );
    expect(RequestSet.all.toString()).toBe('all requests');
    expect(RequestSet.none.toString()).toBe('no requests');
  });

  it('merges cubes into the canonical partition', () => {
    const a = RequestSet.cube({ methods: StringSet.of(['GET']), paths: StringSet.of(['/a']) });
    const b = RequestSet.cube({ methods: StringSet.of(['PUT']), paths: StringSet.of(['/a']) });
    expect(a.union(b).toString()).toBe('{methods:GET, PUT,paths:/a}');
    const c = RequestSet.cube({ paths: StringSet.of(['/a']) }).subtract(
      RequestSet.cube({ methods: StringSet.of(['DELETE']) }),
    );
    expect(c.toString()).toBe('{methods:all but DELETE,paths:/a}');
  });

  it('carries runtime conditions in the when dimension', () => {
    const s = RequestSet.all.subtract(
      RequestSet.cube({ paths: StringSet.of(['/x']), when: CondSet.atom('request.headers[a] in [1]') }),
    );
    expect(s.isConditional()).toBe(true);
    expect(s.toString()).toBe('{paths:/x,when:request.headers[a] not in [1]},{paths:all but /x}');
  });

  it('obeys union/intersection/complement laws (fast-check)', () => {
    fc.assert(
      fc.property(setArb, setArb, setArb, (a, b, c) => {
        expect(a.union(b).equals(b.union(a))).toBe(true);
        expect(a.intersect(b).equals(b.intersect(a))).toBe(true);
        expect(a.intersect(b.union(c)).equals(a.intersect(b).union(a.intersect(c)))).toBe(true);
        expect(a.union(b).complement().equals(a.complement().intersect(b.complement()))).toBe(true);
        expect(a.complement().complement().equals(a)).toBe(true);
        expect(a.union(a.complement()).isAll()).toBe(true);
        expect(a.intersect(a.complement()).isEmpty()).toBe(true);
        expect(a.subtract(b).union(a.intersect(b)).equals(a)).toBe(true);
        expect(a.subtract(b).intersect(b).isEmpty()).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('has a canonical form: equal sets print equally (fast-check)', () => {
    fc.assert(
      fc.property(setArb, setArb, (a, b) => {
        const same = a.isSubsetOf(b) && b.isSubsetOf(a);
        expect(a.equals(b)).toBe(same);
        const rebuilt = a.subtract(b).union(b.intersect(a));
        expect(rebuilt.toString()).toBe(a.toString());
        expect(b.union(a).toString()).toBe(a.union(b).toString());
      }),
      { numRuns: 200 },
    );
  });
});
