import {
  type ChainScope,
  type L7Scope,
  type ScopeSegment,
  shownChains,
  shownSegments,
} from '../explain/l7-scope.js';
import type { L7Reason } from '../l7/types.js';

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

/**
 * Short wording for the reasons a reviewer meets most; the pair line already names the client and
 * the server, so the engine's full sentence (kept in `matrix --format json`) would repeat them.
 */
const SHORT_REASONS: Readonly<Record<string, string>> = {
  'mtls-strict-plaintext': 'STRICT mTLS rejects plaintext from a client without a sidecar (E5, E7)',
  'mtls-disable-rejects-mtls': 'DISABLE rejects the mTLS that auto-mTLS sends (E5, E6)',
};

export function reasonText(reason: L7Reason): string {
  return SHORT_REASONS[reason.code] ?? reason.message;
}

/** The L7 wording the diff asks for: scopes and the reasons behind causes. */
export const L7_WORDS = { scope: scopeText, reason: reasonText };
