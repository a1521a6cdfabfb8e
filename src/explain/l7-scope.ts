import { RequestSet } from '../l7/request-set.js';
import type { L7Cell, L7Chain, L7Segment, L7Verdict, PortClass } from '../l7/types.js';
import type { PortSet } from '../values/port-set.js';
import type { Protocol } from '../values/protocol.js';

/** What one filter chain lets through on a segment: its verdict and the requests (empty for `none`). */
export interface ChainScope {
  readonly chain: L7Chain;
  readonly verdict: L7Verdict;
  readonly requests: RequestSet;
}

/** One protocol/port segment of the L4-allowed connections and what Istio lets through there. */
export interface ScopeSegment {
  readonly protocol: Protocol;
  readonly ports: PortSet;
  readonly portClass: PortClass;
  readonly verdict: L7Verdict;
  readonly chains: readonly ChainScope[];
}

/**
 * What L7 lets through on a cell, as a value: every segment of the L4-allowed connections, those
 * where nothing gets through included (they are not shown, but a port that L7 closes in one revision
 * and opens in the other is a widening). `absent` when there is no L7 cell.
 */
export interface L7Scope {
  readonly absent: boolean;
  readonly segments: readonly ScopeSegment[];
}

export type ScopeComparison = 'widened' | 'narrowed' | 'changed' | 'same';

const ABSENT: L7Scope = { absent: true, segments: [] };

/**
 * Cells are shared by every pair of two classes, and the diff asks about each pair (listing,
 * causes, printing): the scope and its key are computed once per cell.
 */
const scopes = new WeakMap<L7Cell, L7Scope>();
const keys = new WeakMap<L7Scope, string>();

export function l7Scope(cell: L7Cell | undefined): L7Scope {
  if (!cell) return ABSENT;
  let scope = scopes.get(cell);
  if (!scope) {
    scope = { absent: false, segments: cell.segments.map(scopeSegment) };
    scopes.set(cell, scope);
  }
  return scope;
}

function scopeSegment(s: L7Segment): ScopeSegment {
  return {
    protocol: s.protocol,
    ports: s.ports,
    portClass: s.portClass,
    verdict: s.verdict,
    chains: s.outcomes.map((o) => ({ chain: o.chain, verdict: o.verdict, requests: o.requests })),
  };
}

/** The segments a reader is shown: those where something gets through. */
export function shownSegments(scope: L7Scope): readonly ScopeSegment[] {
  return scope.segments.filter((s) => s.verdict !== 'none');
}

/** The chains of a shown segment a reader is shown: those that let something through. */
export function shownChains(segment: ScopeSegment): readonly ChainScope[] {
  return segment.chains.filter((c) => c.verdict !== 'none');
}

/**
 * A canonical key of the shown part of a scope: two scopes have equal keys exactly when they
 * print the same (render/l7-scope.ts prints the same fields, the requests in canonical form).
 */
export function scopeKey(scope: L7Scope): string {
  let key = keys.get(scope);
  if (key === undefined) {
    key = shownSegments(scope).map(segmentKey).join(';');
    keys.set(scope, key);
  }
  return key;
}

function segmentKey(s: ScopeSegment): string {
  // Only a declared class is printed: `auto` and `bypass` show in the chains and the verdict.
  const declared = s.portClass === 'http' || s.portClass === 'tcp' ? s.portClass : '';
  const where = `${s.protocol} ${s.ports.toString()} ${declared}`;
  if (s.verdict === 'all' || s.verdict === 'not-enforced') return `${where} ${s.verdict}`;
  const chains = shownChains(s).map(
    (c) => `${c.chain}:${c.verdict === 'external' ? 'external' : ''}:${c.requests.key()}`,
  );
  return `${where} ${chains.join('|')}`;
}

/**
 * A scope whose shown segments restrict nothing: each lets every request through, or Istio does
 * not look at it. The ports where nothing gets through are already missing from the connections.
 */
export function unrestricted(scope: L7Scope): boolean {
  return shownSegments(scope).every((s) => s.verdict === 'all' || s.verdict === 'not-enforced');
}

/**
 * Whether a reader sees the L7 scope change: the shown scopes differ, and not both restrict
 * nothing (then the connections, which list the ports where something gets through, say it all).
 * The diff lists a pair for its L7 scope and the report prints the scopes only when this holds.
 */
export function scopesDiffer(before: L7Scope, after: L7Scope): boolean {
  if (unrestricted(before) && unrestricted(after)) return false;
  return scopeKey(before) !== scopeKey(after);
}

/**
 * How the L7 scope changed on the ports both revisions allow at L4 (SEMANTICS D5): `widened` when
 * every chain of every common port lets through at least what it did, `narrowed` when at most,
 * `changed` when some part grew and some shrank, `same` when nothing changed there. Ports only one
 * side allows are an L4 change, reported as added/removed connections.
 */
export function compareScopes(before: L7Scope, after: L7Scope): ScopeComparison {
  let widened = false;
  let narrowed = false;
  for (const a of before.segments) {
    for (const b of after.segments) {
      if (a.protocol !== b.protocol || a.ports.intersect(b.ports).isEmpty()) continue;
      for (const chain of comparedChains(a, b)) {
        const ra = chainRequests(a, chain);
        const rb = chainRequests(b, chain);
        if (ra.equals(rb)) continue;
        if (ra.isSubsetOf(rb)) widened = true;
        else if (rb.isSubsetOf(ra)) narrowed = true;
        else {
          widened = true;
          narrowed = true;
        }
      }
    }
  }
  return widened && narrowed ? 'changed' : widened ? 'widened' : narrowed ? 'narrowed' : 'same';
}

/**
 * The filter chains to compare two segments on: those either judges traffic with. A port Istio
 * does not see (chain `none`) answers for every chain, so it is no chain of its own unless both are.
 */
function comparedChains(a: ScopeSegment, b: ScopeSegment): Set<L7Chain> {
  const chains = new Set<L7Chain>([...a.chains, ...b.chains].map((c) => c.chain).filter((c) => c !== 'none'));
  return chains.size > 0 ? chains : new Set<L7Chain>(['none']);
}

/** What one chain of a segment lets through; a segment with a single chain answers for every chain. */
function chainRequests(s: ScopeSegment, chain: L7Chain): RequestSet {
  const c = s.chains.find((x) => x.chain === chain) ?? (s.chains.length === 1 ? s.chains[0] : undefined);
  if (!c || c.verdict === 'none') return RequestSet.none;
  return c.requests;
}

/** The L7 change of a pair, decided once: what the diff lists, the report prints and counts. */
export interface ScopeChange {
  readonly before: L7Scope;
  readonly after: L7Scope;
  /** The reader sees the scopes differ (see `scopesDiffer`). */
  readonly differs: boolean;
  /** Widened/narrowed/changed on the common ports; only when `differs`, so it always comes with a visible difference. */
  readonly change?: Exclude<ScopeComparison, 'same'>;
}

export function scopeChange(before: L7Cell | undefined, after: L7Cell | undefined): ScopeChange {
  const b = l7Scope(before);
  const a = l7Scope(after);
  const differs = scopesDiffer(b, a);
  const compared = differs && !b.absent && !a.absent ? compareScopes(b, a) : 'same';
  return { before: b, after: a, differs, ...(compared !== 'same' ? { change: compared } : {}) };
}

/**
 * Whether L7 answers the same on every segment, shown or not: what the scopes show, and the ports
 * where nothing gets through. When it does not, the diff names the Istio rules of both revisions.
 */
export function sameAnswer(before: L7Scope, after: L7Scope): boolean {
  const closed = (s: L7Scope) =>
    s.segments
      .filter((x) => x.verdict === 'none')
      .map((x) => `${x.protocol} ${x.ports.toString()}`)
      .join(';');
  return scopeKey(before) === scopeKey(after) && closed(before) === closed(after);
}
