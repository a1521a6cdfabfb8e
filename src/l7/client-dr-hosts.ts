import type { DestinationTls } from './client-types.js';

/**
 * How specifically a DestinationRule `host` names a Service FQDN (F1, F5): an exact name beats any
 * wildcard, a longer wildcard suffix (`*.shop.svc.cluster.local`) beats a shorter one (`*`);
 * -1 when it does not match. istiod picks the most specific match (host.MostSpecificHostMatch).
 */
export function hostSpecificity(pattern: string, host: string): number {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return Number.MAX_SAFE_INTEGER;
  if (p === '*') return 0;
  if (p.startsWith('*.') && h.endsWith(p.slice(1))) return p.length;
  return -1;
}

/** Every valid DestinationRule whose host names `host`, exact or by wildcard, in input order. */
export function rulesNaming(
  byHost: ReadonlyMap<string, readonly DestinationTls[]>,
  host: string,
): DestinationTls[] {
  const exact = byHost.get(host) ?? [];
  const wild = [...byHost]
    .filter(([pattern]) => pattern.includes('*') && hostSpecificity(pattern, host) >= 0)
    .flatMap(([, rules]) => rules);
  return wild.length === 0 ? [...exact] : [...exact, ...wild];
}

/** Of `rules` (one precedence level), those whose host is the most specific match for `host`. */
export function mostSpecific(rules: readonly DestinationTls[], host: string): DestinationTls[] {
  let best = -1;
  for (const dr of rules) best = Math.max(best, hostSpecificity(dr.host, host));
  return best < 0 ? [] : rules.filter((dr) => hostSpecificity(dr.host, host) === best);
}
