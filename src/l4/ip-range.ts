import ipaddr from 'ipaddr.js';

export type IpFamily = 4 | 6;

/** An inclusive range of addresses of one family, as integers. */
export interface IpRange {
  readonly family: IpFamily;
  readonly from: bigint;
  readonly to: bigint;
}

const MAX: Record<IpFamily, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };
const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

export const ALL_IPV4: IpRange = { family: 4, from: 0n, to: MAX[4] };
export const ALL_IPV6: IpRange = { family: 6, from: 0n, to: MAX[6] };

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address. Throws with a plain message when invalid. */
export function parseCidr(text: string): IpRange {
  const value = text.trim();
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let prefix: number;
  try {
    if (value.includes('/')) {
      [addr, prefix] = ipaddr.parseCIDR(value);
    } else {
      addr = ipaddr.parse(value);
      prefix = addr.kind() === 'ipv4' ? 32 : 128;
    }
  } catch {
    throw new Error(`"${value}" is not a valid IP address or CIDR`);
  }
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
    prefix = Math.max(0, prefix - 96);
  }
  const family: IpFamily = addr.kind() === 'ipv4' ? 4 : 6;
  const bits = BITS[family];
  const base = addr.toByteArray().reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
  const hostBits = BigInt(bits - prefix);
  const mask = (1n << hostBits) - 1n;
  const from = base & ~mask & MAX[family];
  return { family, from, to: from | mask };
}

export function containsRange(outer: IpRange, inner: IpRange): boolean {
  return outer.family === inner.family && outer.from <= inner.from && inner.to <= outer.to;
}

export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.from <= b.to && b.from <= a.to;
}

export function formatAddress(family: IpFamily, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  }
  const parts: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) parts.push(Number((value >> s) & 0xffffn));
  return ipaddr.fromByteArray(parts.flatMap((p) => [p >> 8, p & 255])).toString();
}

/** `10.0.0.0-10.255.255.255`, the netpol-analyzer form. */
export function formatRange(r: IpRange): string {
  return `${formatAddress(r.family, r.from)}-${formatAddress(r.family, r.to)}`;
}

/** Exact CIDR when the range is one (`10.0.0.0/8`), else the `first-last` form. */
export function formatRangeAsCidr(r: IpRange): string {
  const size = r.to - r.from + 1n;
  const isPow2 = (size & (size - 1n)) === 0n;
  if (isPow2 && r.from % size === 0n) {
    const prefix = BITS[r.family] - (size.toString(2).length - 1);
    return `${formatAddress(r.family, r.from)}/${prefix}`;
  }
  return formatRange(r);
}

export function compareRanges(a: IpRange, b: IpRange): number {
  return a.family - b.family || (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0);
}

/**
 * Cuts the whole address space of each family into consecutive ranges at every boundary of the
 * given ranges, so that each resulting range is either fully inside or fully outside each input.
 * IPv6 is included only when some input is IPv6 (most repositories are IPv4-only).
 */
export function cutAddressSpace(boundaries: readonly IpRange[]): IpRange[] {
  const out: IpRange[] = [];
  const families: IpFamily[] = boundaries.some((b) => b.family === 6) ? [4, 6] : [4];
  for (const family of families) {
    const starts = new Set<bigint>([0n]);
    for (const b of boundaries) {
      if (b.family !== family) continue;
      starts.add(b.from);
      if (b.to < MAX[family]) starts.add(b.to + 1n);
    }
    const sorted = [...starts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    sorted.forEach((from, i) => {
      const next = sorted[i + 1];
      out.push({ family, from, to: next === undefined ? MAX[family] : next - 1n });
    });
  }
  return out;
}
