/**
 * The building blocks of Istio string matching (SEMANTICS D8, I-mat `matcher/string.go`): an exact value,
 * `prefix*`, `*suffix` and `*` (present and non-empty). The algebra also needs the intersection of a
 * prefix and a suffix pattern ("starts with /api/ and ends with .js"), which Istio cannot write but which
 * appears as soon as two rules meet, so a non-exact pattern here is `prefix*suffix` with either side
 * possibly empty. All patterns match non-empty strings only: the matched attributes (`:method`,
 * `:path`, `:authority`) are never empty, and `*` is "present".
 */
export type Pattern =
  | { readonly kind: 'exact'; readonly value: string }
  | { readonly kind: 'ps'; readonly prefix: string; readonly suffix: string };

export const ANY: Pattern = { kind: 'ps', prefix: '', suffix: '' };

/**
 * Istio's reading of a policy value (I-mat `StringMatcher`): `*` is presence, a leading `*` makes a
 * suffix match, a trailing `*` a prefix match, anything else (including an inner `*`) is exact.
 */
export function parsePattern(value: string): Pattern {
  if (value === '*') return ANY;
  if (value.startsWith('*')) return { kind: 'ps', prefix: '', suffix: value.slice(1) };
  if (value.endsWith('*')) return { kind: 'ps', prefix: value.slice(0, -1), suffix: '' };
  return { kind: 'exact', value };
}

export function patternKey(p: Pattern): string {
  return p.kind === 'exact' ? `=${p.value}` : `~${JSON.stringify([p.prefix, p.suffix])}`;
}

export function isAny(p: Pattern): boolean {
  return p.kind === 'ps' && p.prefix === '' && p.suffix === '';
}

export function matches(p: Pattern, s: string): boolean {
  if (s === '') return false;
  return p.kind === 'exact' ? p.value === s : s.startsWith(p.prefix) && s.endsWith(p.suffix);
}

/**
 * `outer ⊇ inner`. Exact for an unbounded alphabet: a `prefix*suffix` set contains `prefix + c + suffix`
 * for a character `c` that occurs in no pattern, and only a pattern whose prefix and suffix are cut
 * from the inner ones can contain all of those strings.
 */
export function contains(outer: Pattern, inner: Pattern): boolean {
  if (inner.kind === 'exact') return matches(outer, inner.value);
  if (outer.kind === 'exact') return false;
  return inner.prefix.startsWith(outer.prefix) && inner.suffix.endsWith(outer.suffix);
}

/** `a ∩ b` as one pattern, or `null` when they share no string. Closed: prefixes and suffixes compose. */
export function intersectPatterns(a: Pattern, b: Pattern): Pattern | null {
  if (a.kind === 'exact') return matches(b, a.value) ? a : null;
  if (b.kind === 'exact') return matches(a, b.value) ? b : null;
  const prefix = longerIfCompatible(a.prefix, b.prefix, (x, y) => x.startsWith(y));
  const suffix = longerIfCompatible(a.suffix, b.suffix, (x, y) => x.endsWith(y));
  if (prefix === null || suffix === null) return null;
  return { kind: 'ps', prefix, suffix };
}

function longerIfCompatible(
  x: string,
  y: string,
  extends_: (a: string, b: string) => boolean,
): string | null {
  if (extends_(x, y)) return x;
  if (extends_(y, x)) return y;
  return null;
}

/** The Istio notation, with `a*b` for the prefix-and-suffix form and `*` for any value. */
export function formatPattern(p: Pattern): string {
  return p.kind === 'exact' ? p.value : `${p.prefix}*${p.suffix}`;
}

export function comparePatterns(a: Pattern, b: Pattern): number {
  const fa = formatPattern(a);
  const fb = formatPattern(b);
  if (fa !== fb) return fa < fb ? -1 : 1;
  const ka = patternKey(a);
  const kb = patternKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
