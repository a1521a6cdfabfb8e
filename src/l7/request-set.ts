import { CondSet } from './cond-set.js';
import { StringSet } from './string-set.js';

/** One dimension value: a string set (methods, hosts, paths) or a runtime condition (when). */
type Dim = StringSet | CondSet;

/** Dimension order, as NCA prints cubes (`methods`, `hosts`, `paths`), then our `when`. */
export const DIMENSIONS = ['methods', 'hosts', 'paths', 'when'] as const;
export type DimensionName = (typeof DIMENSIONS)[number];

/** methods × hosts × paths × when. */
export interface Cube {
  readonly methods: StringSet;
  readonly hosts: StringSet;
  readonly paths: StringSet;
  /** Runtime conditions under which the cube is allowed (`CondSet.all`: unconditionally). */
  readonly when: CondSet;
}

type Tuple = readonly Dim[];

/**
 * A set of HTTP requests: a union of cubes (see `Cube`). Stored in the canonical form of NCA's
 * CanonicalHyperCubeSet: the first dimension is cut into disjoint pieces with equal remainders, pieces
 * with equal remainders are merged, and so on recursively. Equal sets therefore have equal cubes, keys
 * and strings. Hosts must be lower-cased by the caller (SEMANTICS D8: hosts match case-insensitively).
 */
export class RequestSet {
  static readonly all = new RequestSet([[StringSet.all, StringSet.all, StringSet.all, CondSet.all]]);
  static readonly none = new RequestSet([]);

  private keyCache: string | undefined;

  private constructor(private readonly tuples: readonly Tuple[]) {}

  static cube(parts: Partial<Cube>): RequestSet {
    const t: Tuple = [
      parts.methods ?? StringSet.all,
      parts.hosts ?? StringSet.all,
      parts.paths ?? StringSet.all,
      parts.when ?? CondSet.all,
    ];
    return RequestSet.canonical([t]);
  }

  /** Every request, but only when `cond` holds at runtime. */
  static when(cond: CondSet): RequestSet {
    return RequestSet.cube({ when: cond });
  }

  private static canonical(tuples: readonly Tuple[]): RequestSet {
    const live = tuples.filter((t) => !t.some((d) => d.isEmpty()));
    if (live.length === 0) return RequestSet.none;
    const out = canon(live);
    if (out.length === 1 && out[0]!.every((d) => d.isAll())) return RequestSet.all;
    return new RequestSet(out);
  }

  get cubes(): readonly Cube[] {
    return this.tuples.map(toCube);
  }

  isEmpty(): boolean {
    return this.tuples.length === 0;
  }

  isAll(): boolean {
    return this.tuples.length === 1 && this.tuples[0]!.every((d) => d.isAll());
  }

  /** Some part of the set depends on a runtime condition. */
  isConditional(): boolean {
    return this.tuples.some((t) => !t[3]!.isAll());
  }

  /** The runtime conditions mentioned anywhere in the set. */
  conditionAtoms(): readonly string[] {
    const atoms = new Set<string>();
    for (const t of this.tuples) for (const a of (t[3] as CondSet).atoms) atoms.add(a);
    return [...atoms].sort();
  }

  union(other: RequestSet): RequestSet {
    if (this.isAll() || other.isEmpty()) return this;
    if (other.isAll() || this.isEmpty()) return other;
    return RequestSet.canonical([...this.tuples, ...other.tuples]);
  }

  intersect(other: RequestSet): RequestSet {
    if (this.isEmpty() || other.isAll()) return this;
    if (other.isEmpty() || this.isAll()) return other;
    const out: Tuple[] = [];
    for (const a of this.tuples) for (const b of other.tuples) out.push(a.map((d, i) => meet(d, b[i]!)));
    return RequestSet.canonical(out);
  }

  subtract(other: RequestSet): RequestSet {
    if (this.isEmpty() || other.isEmpty()) return this;
    if (other.isAll()) return RequestSet.none;
    let rest: Tuple[] = [...this.tuples];
    for (const b of other.tuples) rest = rest.flatMap((a) => tupleMinus(a, b));
    return RequestSet.canonical(rest);
  }

  complement(): RequestSet {
    return RequestSet.all.subtract(this);
  }

  isSubsetOf(other: RequestSet): boolean {
    return this.subtract(other).isEmpty();
  }

  equals(other: RequestSet): boolean {
    return this === other || this.key() === other.key();
  }

  key(): string {
    this.keyCache ??= this.tuples.map((t) => t.map((d) => d.key()).join('\u0002')).join('\u0003');
    return this.keyCache;
  }

  /** Each cube in NCA's notation without braces, `all` dimensions left out: `methods:GET,paths:/a`. */
  cubeStrings(): string[] {
    return this.tuples.map((t) =>
      t
        .map((d, i) => (d.isAll() ? '' : `${DIMENSIONS[i]}:${d.toString()}`))
        .filter((s) => s !== '')
        .join(','),
    );
  }

  /** `all requests`, `no requests`, or NCA's cube list `{methods:GET,hosts:a.com},{methods:PUT}`. */
  toString(): string {
    if (this.isAll()) return 'all requests';
    if (this.isEmpty()) return 'no requests';
    return this.cubeStrings()
      .map((c) => `{${c}}`)
      .join(',');
  }
}

function toCube(t: Tuple): Cube {
  return {
    methods: t[0] as StringSet,
    hosts: t[1] as StringSet,
    paths: t[2] as StringSet,
    when: t[3] as CondSet,
  };
}

function meet(a: Dim, b: Dim): Dim {
  if (a instanceof StringSet && b instanceof StringSet) return a.intersect(b);
  if (a instanceof CondSet && b instanceof CondSet) return a.intersect(b);
  throw new Error('RequestSet: mismatched dimensions');
}

function join(a: Dim, b: Dim): Dim {
  if (a instanceof StringSet && b instanceof StringSet) return a.union(b);
  if (a instanceof CondSet && b instanceof CondSet) return a.union(b);
  throw new Error('RequestSet: mismatched dimensions');
}

function minus(a: Dim, b: Dim): Dim {
  if (a instanceof StringSet && b instanceof StringSet) return a.subtract(b);
  if (a instanceof CondSet && b instanceof CondSet) return a.subtract(b);
  throw new Error('RequestSet: mismatched dimensions');
}

/** a \ b as disjoint tuples: differ in dimension i, agree (intersected) on the dimensions before it. */
function tupleMinus(a: Tuple, b: Tuple): Tuple[] {
  if (a.some((d, i) => meet(d, b[i]!).isEmpty())) return [a];
  const out: Tuple[] = [];
  for (let i = 0; i < a.length; i++) {
    const diff = minus(a[i]!, b[i]!);
    if (diff.isEmpty()) continue;
    out.push(a.map((d, j) => (j < i ? meet(d, b[j]!) : j === i ? diff : d)));
  }
  return out;
}

/**
 * The canonical form of tuples (all of the same length): cut the first dimension into disjoint pieces,
 * canonicalise each piece's remainder, merge pieces whose remainders are equal, order by the printed head.
 */
function canon(tuples: readonly Tuple[]): Tuple[] {
  if (tuples.length === 0) return [];
  if (tuples[0]!.length === 1) {
    const head = tuples.map((t) => t[0]!).reduce(join);
    return head.isEmpty() ? [] : [[head]];
  }
  const groups = new Map<string, { head: Dim; rest: Tuple[] }>();
  for (const piece of cutHeads(tuples)) {
    const rest = canon(piece.rests);
    if (rest.length === 0) continue;
    const key = rest.map((t) => t.map((x) => x.key()).join('\u0002')).join('\u0003');
    const g = groups.get(key);
    groups.set(key, g ? { head: join(g.head, piece.head), rest } : { head: piece.head, rest });
  }
  const ordered = [...groups.values()].sort(
    (a, b) => compareText(a.head.toString(), b.head.toString()) || compareText(a.head.key(), b.head.key()),
  );
  return ordered.flatMap((g) => g.rest.map((r) => [g.head, ...r]));
}

function cutHeads(tuples: readonly Tuple[]): { head: Dim; rests: Tuple[] }[] {
  let pieces: { head: Dim; rests: Tuple[] }[] = [];
  for (const t of tuples) {
    const rest = t.slice(1);
    let left: Dim = t[0]!;
    const next: { head: Dim; rests: Tuple[] }[] = [];
    for (const p of pieces) {
      const both = meet(p.head, left);
      if (both.isEmpty()) {
        next.push(p);
        continue;
      }
      next.push({ head: both, rests: [...p.rests, rest] });
      const only = minus(p.head, left);
      if (!only.isEmpty()) next.push({ head: only, rests: p.rests });
      left = minus(left, p.head);
    }
    if (!left.isEmpty()) next.push({ head: left, rests: [rest] });
    pieces = next;
  }
  return pieces;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
