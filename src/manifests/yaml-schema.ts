import type { CollectionTag, ParseOptions, ScalarTag, SchemaOptions } from 'yaml';

/**
 * Scalars resolved as kubectl, Argo CD and Flux resolve them: `sigs.k8s.io/yaml` decodes with its
 * fork of go-yaml v2 (`goyaml.v2/resolve.go`), YAML 1.1 rules, not the `yaml` package's own 1.1
 * schema. Where they differ, go-yaml wins: no sexagesimal (`1:20` is a string), no timestamps
 * (decoded into interface{} a timestamp stays the string as written), `0o17` and `0b1` are ints
 * (Go's strconv base 0), underscores are dropped from numbers, an out-of-range float is a string,
 * `!!binary` is the decoded text (not bytes), `!!set`/`!!omap` are plain collections.
 */

/** `test` must be a RegExp for the `yaml` library; this one asks a function instead. */
class Matcher extends RegExp {
  constructor(private readonly matches: (text: string) => boolean) {
    super('');
  }
  override test(text: string): boolean {
    return this.matches(text);
  }
}

const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULL_WORDS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS = new Map<string, number>([
  ...['.nan', '.NaN', '.NAN'].map((w) => [w, Number.NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((w) => [w, Number.POSITIVE_INFINITY] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((w) => [w, Number.NEGATIVE_INFINITY] as const),
]);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const DIGITS: Record<number, RegExp> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ };
const PREFIX: Record<number, string> = { 2: '0b', 8: '0o', 16: '0x' };

/** Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint`, as a BigInt; `undefined` on a syntax error. */
function goParseInteger(text: string): bigint | undefined {
  const sign = text[0] === '-' || text[0] === '+' ? text[0] : '';
  const rest = text.slice(sign.length);
  let base = 10;
  let digits = rest;
  const prefix = rest.slice(0, 2).toLowerCase();
  if (prefix === '0x') [base, digits] = [16, rest.slice(2)];
  else if (prefix === '0o') [base, digits] = [8, rest.slice(2)];
  else if (prefix === '0b') [base, digits] = [2, rest.slice(2)];
  else if (rest.length > 1 && rest[0] === '0') [base, digits] = [8, rest.slice(1)];
  if (!DIGITS[base]!.test(digits)) return undefined;
  const magnitude = BigInt(base === 10 ? digits : `${PREFIX[base]}${digits}`);
  return sign === '-' ? -magnitude : magnitude;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** What Go's ParseFloat accepts of a scalar starting with `.` that is not `.inf`/`.nan`. */
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;

/** A finite float as Go parses it, `undefined` when ParseFloat fails (out of range included). */
function finiteFloat(text: string): number | undefined {
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The number go-yaml v2 resolves a plain scalar to, or `undefined` when it stays a string: int
 * (base 0: `0x`, `0o`, `0b`, leading-`0` octal), then uint64, then a YAML-style float, then a big
 * integer (only a prefixed one can get there). Integers beyond 2^53 lose precision in JavaScript.
 */
export function goNumber(text: string): number | undefined {
  const first = text[0];
  if (first === '.') return DOT_FLOAT.test(text) ? finiteFloat(text) : undefined;
  if (first === undefined || !/[-+0-9]/.test(first)) return undefined;
  const plain = text.replaceAll('_', '');
  const integer = goParseInteger(plain);
  if (integer !== undefined && integer >= INT64_MIN && integer <= INT64_MAX) return Number(integer);
  if (integer !== undefined && integer > 0n && integer <= UINT64_MAX && /^[0-9]/.test(plain)) {
    return Number(integer);
  }
  if (YAML_STYLE_FLOAT.test(plain)) {
    const float = finiteFloat(plain);
    if (float !== undefined) return float;
  }
  // Unsigned beyond uint64 (ParseUint's range error): go-yaml keeps it as a big.Int.
  const unsigned = !plain.startsWith('-') && !plain.startsWith('+');
  return integer !== undefined && unsigned ? Number(integer) : undefined;
}

function isInteger(text: string): boolean {
  const value = goNumber(text);
  return value !== undefined && goParseInteger(text.replaceAll('_', '')) !== undefined;
}

function decodeFailure(text: string, tag: string, onError: (message: string) => void): string {
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  onError(`cannot decode \`${shown}\` as a !!${tag} (kubectl refuses the document)`);
  return text;
}

const nullTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:null',
  default: true,
  test: new Matcher((t) => NULL_WORDS.has(t)),
  resolve: (t, onError) => (NULL_WORDS.has(t) ? null : decodeFailure(t, 'null', onError)),
};

const boolTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  test: new Matcher((t) => TRUE_WORDS.has(t) || FALSE_WORDS.has(t)),
  resolve: (t, onError) =>
    TRUE_WORDS.has(t) ? true : FALSE_WORDS.has(t) ? false : decodeFailure(t, 'bool', onError),
};

const intTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: new Matcher(isInteger),
  resolve: (t, onError) => (isInteger(t) ? goNumber(t)! : decodeFailure(t, 'int', onError)),
};

/** Floats, `.inf` and `.nan` included (JSON cannot carry those: the conversion refuses them). */
const floatTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  test: new Matcher((t) => SPECIAL_FLOATS.has(t) || goNumber(t) !== undefined),
  resolve: (t, onError) => SPECIAL_FLOATS.get(t) ?? goNumber(t) ?? decodeFailure(t, 'float', onError),
};

/** Go's base64.StdEncoding: padding required, `\r` and `\n` ignored, nothing else. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const binaryTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:binary',
  default: false,
  resolve: (t, onError) => {
    const b64 = t.replace(/[\r\n]/g, '');
    if (!BASE64.test(b64)) {
      onError('!!binary value contains invalid base64 data (kubectl refuses the document)');
      return t;
    }
    // Go's string(bytes), then encoding/json: invalid UTF-8 becomes U+FFFD, as Buffer decodes it.
    return Buffer.from(b64, 'base64').toString('utf8');
  },
};

/** Decoded into interface{}, go-yaml v2 keeps a timestamp as the text written, tagged or not. */
const timestampTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:timestamp',
  default: false,
  resolve: (t) => t,
};

/** The symbol a `<<` key resolves to: one per key, so two merge keys in a map are no duplicate. */
export const MERGE_KEY = '<<';

const mergeTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:merge',
  default: 'key',
  test: /^<<$/,
  resolve: () => Symbol(MERGE_KEY) as unknown as string,
};

/**
 * An explicit `!!int` (`!!bool`, ...) must reach our resolve even when the text does not look like
 * one (then kubectl refuses it): the library prefers a tag of that name without a test.
 */
const explicitOnly = (tag: ScalarTag): ScalarTag => ({ ...tag, default: false, test: undefined });

const GO_TAGS: ScalarTag[] = [
  ...[nullTag, boolTag, intTag, floatTag].map(explicitOnly),
  nullTag,
  boolTag,
  intTag,
  floatTag,
  binaryTag,
  timestampTag,
  mergeTag,
];
/** Of the library's own tags only the collections and strings are kept. */
const KEPT = new Set(['tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq', 'tag:yaml.org,2002:str']);

/** Parse options for manifests: the go-yaml v2 scalars above, duplicate keys reported. */
export const KUBE_YAML: ParseOptions & SchemaOptions = {
  prettyErrors: false,
  uniqueKeys: true,
  schema: 'core',
  customTags: (tags) => [
    ...(tags as (ScalarTag | CollectionTag)[]).filter((t) => KEPT.has(t.tag)),
    ...GO_TAGS,
  ],
};

/** Whether a key node is a `<<` merge key (plain, or tagged `!!merge`). */
export function isMergeKey(key: unknown): boolean {
  const value = (key as { value?: unknown } | null)?.value;
  return typeof value === 'symbol' && value.description === MERGE_KEY;
}
