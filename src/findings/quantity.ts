/**
 * Kubernetes `resource.Quantity`, parsed exactly (SEMANTICS I): a rational number kept as two
 * bigints, never a float, so `128M` < `128Mi`, `0.1` = `100m` and memory `400m` is 0.4 bytes.
 */
export interface Quantity {
  /** value = num / den, den > 0, reduced. */
  readonly num: bigint;
  readonly den: bigint;
}

export type QuantityParse =
  | { readonly ok: true; readonly value: Quantity }
  | { readonly ok: false; readonly error: string };

const BINARY: Readonly<Record<string, bigint>> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

/** Decimal SI suffixes as powers of ten (I1). `E` alone is exa; `E3` is an exponent. */
const DECIMAL: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const GRAMMAR = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(.*)$/;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

export function rational(num: bigint, den = 1n): Quantity {
  if (den === 0n) throw new RangeError('zero denominator');
  const sign = den < 0n ? -1n : 1n;
  const g = gcd(num, den);
  return { num: (sign * num) / g, den: (sign * den) / g };
}

function pow10(exp: number): Quantity {
  return exp >= 0 ? rational(10n ** BigInt(exp)) : rational(1n, 10n ** BigInt(-exp));
}

function mul(a: Quantity, b: Quantity): Quantity {
  return rational(a.num * b.num, a.den * b.den);
}

/** Precision is capped at milli-units; finer values round up, away from zero (I3). */
function roundUpToMilli(q: Quantity): Quantity {
  const scaled = q.num * 1000n;
  let milli = scaled / q.den;
  if (milli * q.den !== scaled && scaled > 0n) milli += 1n;
  return rational(milli, 1000n);
}

/** Parses a Quantity string as the API server does (I1–I3); never throws. */
export function parseQuantity(text: string): QuantityParse {
  const m = GRAMMAR.exec(text);
  if (!m) return { ok: false, error: `'${text}' is not a quantity (expected e.g. 100m, 0.5, 128Mi)` };
  const [, sign, digits, suffix] = m as unknown as [string, string, string, string];
  const [whole, frac = ''] = digits.split('.');
  let value = rational(BigInt(`${whole || '0'}${frac}`), 10n ** BigInt(frac.length));
  if (sign === '-') value = rational(-value.num, value.den);
  let factor: Quantity | undefined;
  const exponent = /^[eE]([+-]?[0-9]+)$/.exec(suffix);
  if (exponent) factor = pow10(Number(exponent[1]));
  else if (suffix in BINARY) factor = rational(BINARY[suffix]!);
  else if (suffix in DECIMAL) factor = pow10(DECIMAL[suffix]!);
  if (!factor) {
    const hint = suffix === 'K' ? " (kilo is a lower-case 'k', or 'Ki' for 1024)" : '';
    return { ok: false, error: `'${text}' has an unknown suffix '${suffix}'${hint}` };
  }
  return { ok: true, value: roundUpToMilli(mul(value, factor)) };
}

/** `a < b`, `a = b`, `a > b` as -1, 0, 1. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** A plain decimal rendering for messages: `0.1`, `134217728`, `0.4`. */
export function formatQuantity(q: Quantity): string {
  const negative = q.num < 0n;
  const n = negative ? -q.num : q.num;
  const whole = n / q.den;
  let rest = n % q.den;
  let frac = '';
  for (let i = 0; rest !== 0n && i < 9; i++) {
    rest *= 10n;
    frac += String(rest / q.den);
    rest %= q.den;
  }
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}
