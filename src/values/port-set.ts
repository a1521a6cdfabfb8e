/** Inclusive range of port numbers. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/**
 * An immutable set of ports as sorted, disjoint, non-adjacent inclusive ranges within 1..65535.
 * Every operation is linear in the number of ranges, never in the number of ports.
 */
export class PortSet {
  static readonly none = new PortSet([]);
  static readonly all = new PortSet([{ from: MIN_PORT, to: MAX_PORT }]);

  private constructor(readonly ranges: readonly PortRange[]) {}

  static range(from: number, to: number = from): PortSet {
    const lo = Math.max(MIN_PORT, from);
    const hi = Math.min(MAX_PORT, to);
    return lo > hi ? PortSet.none : new PortSet([{ from: lo, to: hi }]);
  }

  static of(ranges: Iterable<PortRange>): PortSet {
    return PortSet.normalise([...ranges]);
  }

  private static normalise(input: PortRange[]): PortSet {
    const sorted = input
      .map((r) => ({ from: Math.max(MIN_PORT, r.from), to: Math.min(MAX_PORT, r.to) }))
      .filter((r) => r.from <= r.to)
      .sort((a, b) => a.from - b.from || a.to - b.to);
    const out: PortRange[] = [];
    for (const r of sorted) {
      const last = out[out.length - 1];
      if (last && r.from <= last.to + 1) {
        if (r.to > last.to) out[out.length - 1] = { from: last.from, to: r.to };
      } else {
        out.push(r);
      }
    }
    if (out.length === 0) return PortSet.none;
    if (out.length === 1 && out[0]!.from === MIN_PORT && out[0]!.to === MAX_PORT) return PortSet.all;
    return new PortSet(out);
  }

  isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  isAll(): boolean {
    return this.ranges.length === 1 && this.ranges[0]!.from === MIN_PORT && this.ranges[0]!.to === MAX_PORT;
  }

  has(port: number): boolean {
    return this.ranges.some((r) => r.from <= port && port <= r.to);
  }

  union(other: PortSet): PortSet {
    if (other.isEmpty() || this.isAll()) return this;
    if (this.isEmpty() || other.isAll()) return other;
    return PortSet.normalise([...this.ranges, ...other.ranges]);
  }

  intersect(other: PortSet): PortSet {
    if (this.isEmpty() || other.isAll()) return this;
    if (other.isEmpty() || this.isAll()) return other;
    const out: PortRange[] = [];
    let i = 0;
    let j = 0;
    while (i < this.ranges.length && j < other.ranges.length) {
      const a = this.ranges[i]!;
      const b = other.ranges[j]!;
      const from = Math.max(a.from, b.from);
      const to = Math.min(a.to, b.to);
      if (from <= to) out.push({ from, to });
      if (a.to < b.to) i++;
      else j++;
    }
    return PortSet.normalise(out);
  }

  subtract(other: PortSet): PortSet {
    if (this.isEmpty() || other.isEmpty()) return this;
    return this.intersect(other.complement());
  }

  complement(): PortSet {
    const out: PortRange[] = [];
    let next = MIN_PORT;
    for (const r of this.ranges) {
      if (r.from > next) out.push({ from: next, to: r.from - 1 });
      next = r.to + 1;
    }
    if (next <= MAX_PORT) out.push({ from: next, to: MAX_PORT });
    return PortSet.normalise(out);
  }

  equals(other: PortSet): boolean {
    if (this === other) return true;
    if (this.ranges.length !== other.ranges.length) return false;
    return this.ranges.every((r, i) => r.from === other.ranges[i]!.from && r.to === other.ranges[i]!.to);
  }

  /** `80,443,8000-8080` (the netpol-analyzer form). */
  toString(): string {
    return this.ranges.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(',');
  }
}
