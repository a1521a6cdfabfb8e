/**
 * A Boolean function over opaque runtime conditions that a static tool cannot decide: a request
 * header, a JWT claim, a request principal, the verdict of an external authorizer (SEMANTICS D5.1,
 * D12, D15). An atom is its own display text in the positive form (`request.headers[x-user] in [admin]`,
 * `external authorizer "opa" allows`); `negateAtom` gives the negative text.
 *
 * Representation: the sorted atoms the function depends on and its truth table, so equal functions have
 * equal keys. Printing uses the Blake canonical form (every prime implicant), which is unique.
 */
export class CondSet {
  static readonly all = new CondSet([], [true]);
  static readonly none = new CondSet([], [false]);

  /** Above this many atoms in one function the table is too big; callers over-approximate instead. */
  static readonly MAX_ATOMS = 10;

  private constructor(
    readonly atoms: readonly string[],
    /** Index bit i (from the least significant) = value of atoms[i]. */
    private readonly table: readonly boolean[],
  ) {}

  static atom(name: string, positive = true): CondSet {
    return new CondSet([name], positive ? [false, true] : [true, false]);
  }

  isEmpty(): boolean {
    return this.table.every((v) => !v);
  }

  isAll(): boolean {
    return this.table.every((v) => v);
  }

  union(other: CondSet): CondSet {
    return this.combine(other, (a, b) => a || b);
  }

  intersect(other: CondSet): CondSet {
    return this.combine(other, (a, b) => a && b);
  }

  subtract(other: CondSet): CondSet {
    return this.combine(other, (a, b) => a && !b);
  }

  complement(): CondSet {
    return new CondSet(
      this.atoms,
      this.table.map((v) => !v),
    );
  }

  /** Whether the union of both would exceed MAX_ATOMS. */
  tooWideWith(other: CondSet): boolean {
    return new Set([...this.atoms, ...other.atoms]).size > CondSet.MAX_ATOMS;
  }

  private combine(other: CondSet, op: (a: boolean, b: boolean) => boolean): CondSet {
    const atoms = [...new Set([...this.atoms, ...other.atoms])].sort();
    if (atoms.length > CondSet.MAX_ATOMS)
      throw new Error(`more than ${CondSet.MAX_ATOMS} runtime conditions`);
    const table: boolean[] = [];
    for (let row = 0; row < 1 << atoms.length; row++) {
      const assignment = (name: string) => (row & (1 << atoms.indexOf(name))) !== 0;
      table.push(op(this.evaluate(assignment), other.evaluate(assignment)));
    }
    return CondSet.reduce(atoms, table);
  }

  private evaluate(value: (atom: string) => boolean): boolean {
    let row = 0;
    this.atoms.forEach((a, i) => {
      if (value(a)) row |= 1 << i;
    });
    return this.table[row]!;
  }

  /** Drops atoms the function does not depend on, so the form is canonical. */
  private static reduce(atoms: readonly string[], table: readonly boolean[]): CondSet {
    let curAtoms = [...atoms];
    let cur = [...table];
    for (let i = curAtoms.length - 1; i >= 0; i--) {
      const bit = 1 << i;
      if (!cur.every((v, row) => (row & bit ? v === cur[row & ~bit] : true))) continue;
      cur = cur.filter((_, row) => (row & bit) === 0);
      curAtoms = curAtoms.filter((_, j) => j !== i);
    }
    if (curAtoms.length === 0) return cur[0] ? CondSet.all : CondSet.none;
    return new CondSet(curAtoms, cur);
  }

  equals(other: CondSet): boolean {
    return this.key() === other.key();
  }

  key(): string {
    return `${this.atoms.join('\u0001')}#${this.table.map((v) => (v ? 1 : 0)).join('')}`;
  }

  /** `a and not b or c`, every prime implicant in a fixed order; `true` / `false` for constants. */
  toString(): string {
    if (this.isAll()) return 'true';
    if (this.isEmpty()) return 'false';
    return this.primeImplicants()
      .map((imp) => imp.map(([atom, pos]) => (pos ? atom : negateAtom(atom))).join(' and '))
      .join(' or ');
  }

  /** Each implicant is a list of literals (atom, polarity) in atom order. Brute force: at most 3^10 terms. */
  private primeImplicants(): [string, boolean][][] {
    const n = this.atoms.length;
    const implicants: number[][] = [];
    const total = 3 ** n;
    for (let code = 0; code < total; code++) {
      const lits = digits(code, n);
      if (this.implies(lits)) implicants.push(lits);
    }
    const isPrime = (lits: number[]) =>
      lits.every((d, i) => d === 2 || !this.implies(lits.map((x, j) => (j === i ? 2 : x))));
    return implicants
      .filter(isPrime)
      .map((lits) =>
        lits.flatMap((d, i): [string, boolean][] => (d === 2 ? [] : [[this.atoms[i]!, d === 1]])),
      );
  }

  /** Literal digits: 0 = atom false, 1 = atom true, 2 = free. */
  private implies(lits: readonly number[]): boolean {
    return this.table.every((v, row) => v || lits.some((d, i) => d !== 2 && ((row >> i) & 1) !== d));
  }
}

function digits(code: number, n: number): number[] {
  const out: number[] = [];
  let c = code;
  for (let i = 0; i < n; i++) {
    out.push(c % 3);
    c = Math.floor(c / 3);
  }
  return out;
}

/** `k in [..]` ↔ `k not in [..]`; `... allows` ↔ `... denies`; anything else gets `not (...)`. */
export function negateAtom(atom: string): string {
  if (atom.includes(' in [')) return atom.replace(' in [', ' not in [');
  if (atom.endsWith(' allows')) return `${atom.slice(0, -' allows'.length)} denies`;
  return `not (${atom})`;
}
