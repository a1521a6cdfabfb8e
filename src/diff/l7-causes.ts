import { ruleLabel } from '../core/refs.js';
import type { L7Cell, L7Outcome } from '../l7/types.js';
import type { CellVerdict } from '../matrix/matrix.js';
import type { Cause } from '../report/types.js';

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
      for (const rule of outcome.rules)
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
          rule: `${ruleLabel(reason.rule)}: ${reason.message}`,
          conns,
          location: reason.rule.location,
        });
      }
    }
  }
  return out;
}

function push(out: Cause[], seen: Set<string>, c: Cause): void {
  const key = `${c.effect}|${c.rule}|${c.conns}`;
  if (seen.has(key)) return;
  seen.add(key);
  out.push(c);
}
