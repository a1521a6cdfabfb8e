import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnSet } from '../../src/values/conn-set.js';
import { MAX_PORT, type PortRange, PortSet } from '../../src/values/port-set.js';

/** Ports near both ends of the range, where off-by-one bugs live. */
const SAMPLE = [
  ...Array.from({ length: 40 }, (_, i) => i + 1),
  ...Array.from({ length: 40 }, (_, i) => MAX_PORT - i),
];
const portArb = fc.constantFrom(...SAMPLE, 0, 65536);
const rangeArb = fc
  .tuple(portArb, portArb)
  .map(([a, b]): PortRange => ({ from: Math.min(a, b), to: Math.max(a, b) }));
const setArb = fc.array(rangeArb, { maxLength: 5 }).map((rs) => ({ rs, set: PortSet.of(rs) }));

const naive = (rs: readonly PortRange[], p: number) => rs.some((r) => r.from <= p && p <= r.to);

describe('PortSet', () => {
  it('normalises: sorted, merged, adjacent ranges joined, clamped to 1..65535', () => {
    const s = PortSet.of([
      { from: 90, to: 100 },
      { from: 1, to: 5 },
      { from: 6, to: 8 },
      { from: 95, to: 120 },
      { from: 65530, to: 70000 },
      { from: -5, to: 0 },
    ]);
    expect(s.toString()).toBe('1-8,90-120,65530-65535');
    expect(PortSet.of([{ from: 0, to: 70000 }])).toBe(PortSet.all);
    expect(PortSet.of([])).toBe(PortSet.none);
    expect(PortSet.range(5, 4)).toBe(PortSet.none);
    expect(PortSet.range(80).toString()).toBe('80');
  });

  it('set algebra agrees with a naive membership model', () => {
    fc.assert(
      fc.property(setArb, setArb, (a, b) => {
        const ops: [PortSet, (p: number) => boolean][] = [
          [a.set.union(b.set), (p) => naive(a.rs, p) || naive(b.rs, p)],
          [a.set.intersect(b.set), (p) => naive(a.rs, p) && naive(b.rs, p)],
          [a.set.subtract(b.set), (p) => naive(a.rs, p) && !naive(b.rs, p)],
          [a.set.complement(), (p) => !naive(a.rs, p)],
        ];
        for (const [set, member] of ops) {
          for (const p of SAMPLE) expect(set.has(p)).toBe(member(p));
          // Canonical: equal sets have equal representations.
          expect(set.equals(PortSet.of(set.ranges))).toBe(true);
        }
        expect(a.set.complement().complement().equals(a.set)).toBe(true);
        expect(a.set.union(b.set).equals(b.set.union(a.set))).toBe(true);
      }),
    );
  });

  it('isAll / isEmpty', () => {
    expect(PortSet.range(1, MAX_PORT).isAll()).toBe(true);
    expect(PortSet.all.complement().isEmpty()).toBe(true);
    expect(PortSet.none.complement()).toBe(PortSet.all);
  });
});

describe('ConnSet', () => {
  const tcp80 = ConnSet.of('TCP', PortSet.range(80));
  const udp53 = ConnSet.of('UDP', PortSet.range(53));

  it('prints in the netpol-analyzer form', () => {
    expect(ConnSet.all.toString()).toBe('All Connections');
    expect(ConnSet.none.toString()).toBe('No Connections');
    expect(
      tcp80
        .union(udp53)
        .union(ConnSet.of('SCTP', PortSet.range(1, 9)))
        .toString(),
    ).toBe('SCTP 1-9,TCP 80,UDP 53');
  });

  it('is canonical: every protocol with every port is `all`', () => {
    const all = ConnSet.from({ TCP: PortSet.all, UDP: PortSet.all, SCTP: PortSet.all });
    expect(all).toBe(ConnSet.all);
    expect(ConnSet.of('TCP', PortSet.none)).toBe(ConnSet.none);
    expect(ConnSet.of('TCP', PortSet.all).union(ConnSet.of('UDP', PortSet.all)).isAll()).toBe(false);
  });

  it('union, intersect, subtract and overlaps work per protocol', () => {
    const both = tcp80.union(udp53);
    expect(both.intersect(tcp80).equals(tcp80)).toBe(true);
    expect(both.subtract(tcp80).equals(udp53)).toBe(true);
    expect(tcp80.overlaps(udp53)).toBe(false);
    expect(ConnSet.all.subtract(both).union(both)).toBe(ConnSet.all);
    expect(ConnSet.all.intersect(udp53)).toBe(udp53);
    expect(udp53.ports('TCP').isEmpty()).toBe(true);
  });
});
