import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lensFor } from '../../src/analysis/layers.js';
import { explainL7 } from '../../src/diff/l7-causes.js';
import {
  compareScopes,
  l7Scope,
  type ScopeComparison,
  scopeChange,
  scopeKey,
} from '../../src/explain/l7-scope.js';
import { CondSet } from '../../src/l7/cond-set.js';
import { RequestSet } from '../../src/l7/request-set.js';
import { StringSet } from '../../src/l7/string-set.js';
import type { L7Cell, L7Chain, L7Outcome, L7Segment, L7Verdict, PortClass } from '../../src/l7/types.js';
import type { CellVerdict } from '../../src/matrix/matrix.js';
import { reasonText, scopeText } from '../../src/render/l7-scope.js';
import { ConnSet } from '../../src/values/conn-set.js';
import { PortSet } from '../../src/values/port-set.js';

/** Random cells shaped like the engine's (src/l7/cell.ts): the chains follow the port class. */
const cube = fc.record({
  methods: fc.subarray(['GET', 'POST', 'PUT'], { minLength: 1 }),
  paths: fc.option(fc.subarray(['/a', '/b*'], { minLength: 1 }), { nil: undefined }),
  when: fc.option(fc.constantFrom('request.headers[x]', 'request.auth.claims[iss]'), { nil: undefined }),
});
const httpRequests = fc.oneof(
  fc.constant(RequestSet.all),
  fc.constant(RequestSet.none),
  fc.array(cube, { minLength: 1, maxLength: 2 }).map((cubes) =>
    cubes
      .map((c) =>
        RequestSet.cube({
          methods: StringSet.of(c.methods),
          ...(c.paths ? { paths: StringSet.of(c.paths) } : {}),
          ...(c.when ? { when: CondSet.atom(c.when) } : {}),
        }),
      )
      .reduce((a, b) => a.union(b)),
  ),
);
const tcpRequests = fc.constantFrom(
  RequestSet.all,
  RequestSet.none,
  RequestSet.when(CondSet.atom('external authorizer ext')),
);

function outcome(chain: L7Chain, requests: RequestSet, external: boolean): L7Outcome {
  const verdict: L7Verdict = requests.isEmpty()
    ? 'none'
    : external
      ? 'external'
      : requests.isAll()
        ? 'all'
        : requests.isConditional()
          ? 'conditional'
          : 'some';
  return { chain, verdict, requests, rules: [], reasons: [] };
}

/** As the engine summarises outcomes: equal verdicts stay, else external, conditional, some. */
function summary(outcomes: readonly L7Outcome[]): L7Verdict {
  const vs = new Set(outcomes.map((o) => o.verdict));
  if (vs.size === 1) return outcomes[0]!.verdict;
  return vs.has('external') ? 'external' : vs.has('conditional') ? 'conditional' : 'some';
}

const segmentShape = fc.record({
  portClass: fc.constantFrom<PortClass>('http', 'tcp', 'auto', 'bypass'),
  http: httpRequests,
  tcp: tcpRequests,
  external: fc.boolean(),
});

const PORTS = [80, 8080, 9090];

/** A cell over some of three ports (those L4 allows), one segment each. */
const cellArb = fc
  .tuple(fc.subarray(PORTS, { minLength: 1 }), fc.array(segmentShape, { minLength: 3, maxLength: 3 }))
  .map(([ports, shapes]): L7Cell => {
    const segments: L7Segment[] = ports.map((port, i) => {
      const s = shapes[i]!;
      const outcomes =
        s.portClass === 'bypass'
          ? [{ ...outcome('none', RequestSet.all, false), verdict: 'not-enforced' as const }]
          : s.portClass === 'http'
            ? [outcome('http', s.http, s.external)]
            : s.portClass === 'tcp'
              ? [outcome('tcp', s.tcp, s.external)]
              : [outcome('http', s.http, s.external), outcome('tcp', s.tcp, false)];
      return {
        protocol: 'TCP',
        ports: PortSet.range(port, port),
        portClass: s.portClass,
        verdict: summary(outcomes),
        outcomes,
        approximate: false,
        uncertain: false,
      };
    });
    let effective = ConnSet.none;
    for (const s of segments)
      if (s.outcomes.some((o) => o.verdict !== 'none'))
        effective = effective.union(ConnSet.of('TCP', s.ports));
    return { segments, effective, conditional: false, external: false, approximate: false, uncertain: false };
  });

function verdict(cell: L7Cell): CellVerdict<L7Cell> {
  let allowed = ConnSet.none;
  for (const s of cell.segments) allowed = allowed.union(ConnSet.of(s.protocol, s.ports));
  return { l4: { allowed, egress: null, ingress: null }, l7: cell, effective: cell.effective };
}

const SWAP: Record<ScopeComparison, ScopeComparison> = {
  widened: 'narrowed',
  narrowed: 'widened',
  changed: 'changed',
  same: 'same',
};

describe('L7 scope laws', () => {
  it('a scope compares the same with itself', () => {
    fc.assert(
      fc.property(cellArb, (a) => {
        expect(compareScopes(l7Scope(a), l7Scope(a))).toBe('same');
      }),
    );
  });

  it('is antisymmetric: swapping the revisions swaps widened and narrowed', () => {
    fc.assert(
      fc.property(cellArb, cellArb, (a, b) => {
        expect(compareScopes(l7Scope(b), l7Scope(a))).toBe(SWAP[compareScopes(l7Scope(a), l7Scope(b))]);
      }),
    );
  });

  it('prints the same exactly when the keys are equal', () => {
    fc.assert(
      fc.property(cellArb, cellArb, (a, b) => {
        const [sa, sb] = [l7Scope(a), l7Scope(b)];
        expect(scopeText(sa) === scopeText(sb)).toBe(scopeKey(sa) === scopeKey(sb));
      }),
      { numRuns: 300 },
    );
  });

  it('a scope change always comes with a visible difference, and only for pairs the diff lists', () => {
    const lens = lensFor('effective');
    fc.assert(
      fc.property(cellArb, cellArb, (a, b) => {
        const e = explainL7(verdict(a), verdict(b), reasonText);
        if (!lens.differs(verdict(a), verdict(b))) expect(e.change).toBeUndefined();
        if (e.change) {
          expect(e.scopes).toBeDefined();
          expect(scopeText(e.scopes!.before)).not.toBe(scopeText(e.scopes!.after));
        }
        // The comparison never moves where the reader sees no difference.
        if (compareScopes(l7Scope(a), l7Scope(b)) !== 'same' && !scopeChange(a, b).differs)
          expect(a.effective.equals(b.effective)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('comparing a port Istio does not see', () => {
  const segment = (portClass: PortClass, outcomes: L7Outcome[]): L7Cell => ({
    segments: [
      {
        protocol: 'TCP',
        ports: PortSet.range(8080, 8080),
        portClass,
        verdict: summary(outcomes),
        outcomes,
        approximate: false,
        uncertain: false,
      },
    ],
    effective: ConnSet.of('TCP', PortSet.range(8080, 8080)),
    conditional: false,
    external: false,
    approximate: false,
    uncertain: false,
  });
  const bypass = segment('bypass', [{ ...outcome('none', RequestSet.all, false), verdict: 'not-enforced' }]);
  const auto = (http: RequestSet) =>
    segment('auto', [outcome('http', http, false), outcome('tcp', RequestSet.all, false)]);
  const GET = RequestSet.cube({ methods: StringSet.of(['GET']) });

  it('is the same as every chain letting all through, and wider than a restricted chain', () => {
    expect(compareScopes(l7Scope(bypass), l7Scope(auto(RequestSet.all)))).toBe('same');
    expect(compareScopes(l7Scope(auto(RequestSet.all)), l7Scope(bypass))).toBe('same');
    expect(compareScopes(l7Scope(bypass), l7Scope(auto(GET)))).toBe('narrowed');
    expect(compareScopes(l7Scope(auto(GET)), l7Scope(bypass))).toBe('widened');
  });
});
