import { describe, expect, it } from 'vitest';
import { compareScopes, l7Scope } from '../../src/explain/l7-scope.js';
import { RequestSet } from '../../src/l7/request-set.js';
import { StringSet } from '../../src/l7/string-set.js';
import type { L7Cell, L7Outcome, L7Segment } from '../../src/l7/types.js';
import type { L7Change } from '../../src/report/types.js';
import { ConnSet } from '../../src/values/conn-set.js';
import { PortSet } from '../../src/values/port-set.js';

const req = (methods: string[], paths?: string[]) =>
  RequestSet.cube({
    methods: StringSet.of(methods),
    ...(paths ? { paths: StringSet.of(paths) } : {}),
  });

const GET_API = req(['GET'], ['/api/*']);
const GET_POST_API = req(['GET', 'POST'], ['/api/*']);
const GET_PRODUCTS = req(['GET'], ['/api/products/*']);
const POST_SEARCH = req(['POST'], ['/api/search']);

function outcome(chain: L7Outcome['chain'], requests: RequestSet): L7Outcome {
  const verdict = requests.isEmpty() ? 'none' : requests.isAll() ? 'all' : 'some';
  return { chain, verdict, requests, rules: [], reasons: [] };
}

/** One TCP segment per entry: `[from, to, http requests, tcp requests?]` (two outcomes make an `auto` port). */
function cell(...segments: [number, number, RequestSet, RequestSet?][]): L7Cell {
  const segs: L7Segment[] = segments.map(([from, to, http, tcp]) => {
    const outcomes = tcp ? [outcome('http', http), outcome('tcp', tcp)] : [outcome('http', http)];
    return {
      protocol: 'TCP',
      ports: PortSet.range(from, to),
      portClass: tcp ? 'auto' : 'http',
      verdict: outcomes.every((o) => o.verdict === 'none') ? 'none' : 'some',
      outcomes,
      approximate: false,
      uncertain: false,
    };
  });
  return {
    segments: segs,
    effective: ConnSet.from({ TCP: PortSet.range(1, 65535) }),
    conditional: false,
    external: false,
    approximate: false,
    uncertain: false,
  };
}

describe('L7 scope change on the ports allowed in both revisions', () => {
  const cases: [string, L7Cell | undefined, L7Cell | undefined, L7Change | undefined][] = [
    ['same scope', cell([8080, 8080, GET_API]), cell([8080, 8080, GET_API]), undefined],
    [
      'GET /api/* -> GET, POST /api/*',
      cell([8080, 8080, GET_API]),
      cell([8080, 8080, GET_POST_API]),
      'widened',
    ],
    [
      'GET, POST /api/* -> GET /api/*',
      cell([8080, 8080, GET_POST_API]),
      cell([8080, 8080, GET_API]),
      'narrowed',
    ],
    [
      'GET /api/* -> GET /api/products/*',
      cell([8080, 8080, GET_API]),
      cell([8080, 8080, GET_PRODUCTS]),
      'narrowed',
    ],
    [
      'added an operation',
      cell([8080, 8080, GET_API]),
      cell([8080, 8080, GET_API.union(POST_SEARCH)]),
      'widened',
    ],
    ['swapped GET for POST', cell([8080, 8080, GET_API]), cell([8080, 8080, POST_SEARCH]), 'changed'],
    ['some -> all requests', cell([8080, 8080, GET_API]), cell([8080, 8080, RequestSet.all]), 'widened'],
    [
      'some -> nothing on the port',
      cell([8080, 8080, GET_API]),
      cell([8080, 8080, RequestSet.none]),
      'narrowed',
    ],
    [
      'one port widened, another narrowed',
      cell([80, 80, GET_API], [8080, 8080, GET_POST_API]),
      cell([80, 80, GET_POST_API], [8080, 8080, GET_API]),
      'changed',
    ],
    [
      'segments cut differently, same answer per port',
      cell([80, 90, GET_API]),
      cell([80, 84, GET_API], [85, 90, GET_API]),
      undefined,
    ],
    [
      'a port only head allows is an L4 change, not an L7 one',
      cell([80, 80, GET_API]),
      cell([80, 80, GET_API], [8080, 8080, RequestSet.all]),
      undefined,
    ],
    [
      'auto port: TCP chain opens, HTTP chain unchanged',
      cell([8080, 8080, GET_API, RequestSet.none]),
      cell([8080, 8080, GET_API, RequestSet.all]),
      'widened',
    ],
    ['no L7 cell on one side', undefined, cell([8080, 8080, GET_API]), undefined],
  ];

  /** The comparison in the report's vocabulary: `same` is no L7 change. */
  const l7ScopeChange = (before: L7Cell | undefined, after: L7Cell | undefined): L7Change | undefined => {
    const c = compareScopes(l7Scope(before), l7Scope(after));
    return c === 'same' ? undefined : c;
  };

  it.each(cases)('%s', (_name, before, after, want) => {
    expect(l7ScopeChange(before, after)).toBe(want);
  });

  it('is antisymmetric: swapping base and head swaps widened and narrowed', () => {
    const swap: Record<L7Change, L7Change> = { widened: 'narrowed', narrowed: 'widened', changed: 'changed' };
    for (const [, before, after, want] of cases) {
      expect(l7ScopeChange(after, before)).toBe(want && before && after ? swap[want] : want);
    }
  });
});
