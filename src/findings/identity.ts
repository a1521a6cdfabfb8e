import { matches, parsePattern } from '../l7/pattern.js';

/** D9 + trust domain aliases: `cluster.local/ns/x/sa/y` (with `*` prefix/suffix) against an identity. */
export function principalValueMatches(
  value: string,
  identity: string,
  trustDomains: readonly string[],
): boolean {
  const parts = value.split('/');
  const candidates =
    parts.length === 5 &&
    parts[0] !== '*' &&
    (parts[0] === 'cluster.local' || trustDomains.includes(parts[0]!))
      ? trustDomains.map((t) => [t, ...parts.slice(1)].join('/'))
      : [value];
  return candidates.some((p) => matches(parsePattern(p), identity));
}

/** D10: a `namespaces` value (`*` glob) against a namespace name. */
export function namespaceValueMatches(value: string, namespace: string): boolean {
  const body = value
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`).test(namespace);
}
