import {
  type ChainScope,
  type L7Scope,
  type ScopeSegment,
  shownChains,
  shownSegments,
} from '../explain/l7-scope.js';

/**
 * What L7 lets through, in words: one entry per shown segment, e.g. `TCP 8080 (http): http
 * {methods:GET}`, `TCP 5432 (tcp): all requests`, `UDP 53: not enforced by Istio`. Empty when
 * nothing gets through or there is no L7 layer. Prints exactly what `scopeKey` keys.
 */
export function scopeText(scope: L7Scope): string {
  return shownSegments(scope).map(segmentText).join('; ');
}

function segmentText(s: ScopeSegment): string {
  const where = `${s.protocol} ${s.ports.toString()}${s.portClass === 'http' || s.portClass === 'tcp' ? ` (${s.portClass})` : ''}`;
  if (s.verdict === 'not-enforced') return `${where}: not enforced by Istio`;
  if (s.verdict === 'all') return `${where}: all requests`;
  return `${where}: ${shownChains(s).map(chainText).join(' / ')}`;
}

function chainText(c: ChainScope): string {
  const what = c.requests.isAll() ? 'all requests' : c.requests.toString();
  const who = c.verdict === 'external' ? ' (decided by an external authorizer)' : '';
  return `${c.chain === 'none' ? '' : `${c.chain} `}${what}${who}`;
}
