import { matches, parsePattern } from '../l7/pattern.js';

/** D9 + trust domain aliases: the principal patterns a value stands for (one per trust domain). */
export function principalCandidates(value: string, trustDomains: readonly string[]): string[] {
  const parts = value.split('/');
  return parts.length === 5 &&
    parts[0] !== '*' &&
    (parts[0] === 'cluster.local' || trustDomains.includes(parts[0]!))
    ? [...new Set(trustDomains.map((t) => [t, ...parts.slice(1)].join('/')))]
    : [value];
}

/** A `principals` value (`*` prefix/suffix), compiled once. */
export function principalMatcher(
  value: string,
  trustDomains: readonly string[],
): (identity: string) => boolean {
  const patterns = principalCandidates(value, trustDomains).map(parsePattern);
  return (identity) => patterns.some((p) => matches(p, identity));
}

/** D10: a `namespaces` value (`*` glob), compiled once. */
export function namespaceMatcher(value: string): (namespace: string) => boolean {
  const body = value
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`^${body}$`);
  return (namespace) => re.test(namespace);
}
