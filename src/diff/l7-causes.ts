import { ruleKey, ruleLabel } from '../core/refs.js';
import { RequestSet } from '../l7/request-set.js';
import type { L7Cell, L7Chain, L7Outcome, L7Reason, L7Segment } from '../l7/types.js';
import type { CellVerdict } from '../matrix/matrix.js';
import type { Cause, L7Change } from './changes.js';

/**
 * What L7 lets through, in words: one entry per port segment, e.g. `TCP 8080 (http): {methods:GET}`,
 * `TCP 5432: all connections`, `UDP 53: not enforced by Istio`. Empty when there is no L7 layer.
 */
export function l7Scope(cell: L7Cell | undefined): string {
  if (!cell) return '';
  return cell.segments
    .filter((s) => s.verdict !== 'none')
    .map((s) => {
      const where = `${s.protocol} ${s.ports.toString()}${s.portClass === 'http' || s.portClass === 'tcp' ? ` (${s.portClass})` : ''}`;
      if (s.verdict === 'not-enforced') return `${where}: not enforced by Istio`;
      if (s.verdict === 'all') return `${where}: all requests`;
      const parts = s.outcomes.filter((o) => o.verdict !== 'none').map(outcomeText);
      return `${where}: ${parts.join(' / ')}`;
    })
    .join('; ');
}

function outcomeText(o: L7Outcome): string {
  const what = o.requests.isAll() ? 'all requests' : o.requests.toString();
  const who = o.verdict === 'external' ? ' (decided by an external authorizer)' : '';
  return `${o.chain === 'none' ? '' : `${o.chain} `}${what}${who}`;
}

/**
 * The Istio rules behind a change: in head for what is now allowed or denied, in base for what
 * was. Only when L7 changed; the L4 causes explain the rest.
 */
export function l7Causes(
  before: CellVerdict<L7Cell> | undefined,
  after: CellVerdict<L7Cell> | undefined,
): Cause[] {
  if (l7Scope(before?.l7) === l7Scope(after?.l7) && sameVerdicts(before?.l7, after?.l7)) return [];
  return [...cellCauses(after?.l7, 'head'), ...cellCauses(before?.l7, 'base')];
}

function sameVerdicts(a: L7Cell | undefined, b: L7Cell | undefined): boolean {
  const key = (c: L7Cell | undefined) =>
    c ? c.segments.map((s) => `${s.protocol}${s.ports}${s.verdict}`).join() : '';
  return key(a) === key(b);
}

function cellCauses(cell: L7Cell | undefined, revision: Cause['revision']): Cause[] {
  if (!cell) return [];
  const out: Cause[] = [];
  const seen = new Set<string>();
  for (const segment of cell.segments) {
    for (const outcome of segment.outcomes) {
      const conns = `${segment.protocol} ${segment.ports.toString()}`;
      const effect: Cause['effect'] = outcome.verdict === 'none' ? 'denies' : 'allows';
      // A rule that also comes with a reason is named once, with the reason.
      const explained = new Set(outcome.reasons.flatMap((r) => (r.rule ? [ruleKey(r.rule)] : [])));
      for (const rule of outcome.rules.filter((r) => !explained.has(ruleKey(r))))
        push(out, seen, {
          revision,
          layer: 'l7',
          effect,
          rule: ruleLabel(rule),
          conns,
          location: rule.location,
        });
      for (const reason of outcome.reasons) {
        if (!reason.rule) continue;
        push(out, seen, {
          revision,
          layer: 'l7',
          effect: 'denies',
          rule: `${ruleLabel(reason.rule)}: ${reasonText(reason)}`,
          conns,
          location: reason.rule.location,
        });
      }
    }
  }
  return out;
}

/**
 * Short wording for the reasons a reviewer meets most; the pair line already names the client and
 * the server, so the engine's full sentence (kept in `matrix --format json`) would repeat them.
 */
const SHORT_REASONS: Readonly<Record<string, string>> = {
  'mtls-strict-plaintext': 'STRICT mTLS rejects plaintext from a client without a sidecar (E5, E7)',
  'mtls-disable-rejects-mtls': 'DISABLE rejects the mTLS that auto-mTLS sends (E5, E6)',
};

function reasonText(reason: L7Reason): string {
  return SHORT_REASONS[reason.code] ?? reason.message;
}

/**
 * How the L7 scope changed on the ports both revisions allow (SEMANTICS D5): `widened` when every
 * chain of every common port lets through at least what it did, `narrowed` when at most, `changed`
 * when some part grew and some shrank; undefined when nothing changed there. Ports only one side
 * allows are an L4 change, reported as added/removed connections.
 */
export function l7ScopeChange(before: L7Cell | undefined, after: L7Cell | undefined): L7Change | undefined {
  if (!before || !after) return undefined;
  let widened = false;
  let narrowed = false;
  for (const a of before.segments) {
    for (const b of after.segments) {
      if (a.protocol !== b.protocol || a.ports.intersect(b.ports).isEmpty()) continue;
      const chains = new Set<L7Chain>([...a.outcomes, ...b.outcomes].map((o) => o.chain));
      for (const chain of chains) {
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
  return widened && narrowed ? 'changed' : widened ? 'widened' : narrowed ? 'narrowed' : undefined;
}

/** What one chain of a segment lets through; a segment with a single outcome answers for every chain. */
function chainRequests(s: L7Segment, chain: L7Chain): RequestSet {
  const o =
    s.outcomes.find((x) => x.chain === chain) ?? (s.outcomes.length === 1 ? s.outcomes[0] : undefined);
  if (!o || o.verdict === 'none') return RequestSet.none;
  return o.requests;
}

function push(out: Cause[], seen: Set<string>, c: Cause): void {
  const key = `${c.effect}|${c.rule}|${c.conns}`;
  if (seen.has(key)) return;
  seen.add(key);
  out.push(c);
}
