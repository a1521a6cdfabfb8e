import { matches, parsePattern } from '../l7/pattern.js';

/** D9 + trust domain aliases: `cluster.local/ns/x/sa/y` (with `*` prefix/suffix), compiled once. */
export function principalMatcher(
  value: string,
  trustDomains: readonly string[],
): (identity: string) => boolean {
  const parts = value.split('/');
  const candidates =
    parts.length === 5 &&
    parts[0] !== '*' &&
    (parts[0] === 'cluster.local' || trustDomains.includes(parts[0]!))
      ? trustDomains.map((t) => [t, ...parts.slice(1)].join('/'))
      : [value];
  const patterns = candidates.map(parsePattern);
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
