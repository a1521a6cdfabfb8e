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

/** Dotted-quad IPv4 with decimal octets; ipaddr.js alone also takes `10/8`, hex and octal (`010` = 8). */
const IPV4_TEXT = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address. Throws with a plain message when invalid.
 * Strict like Go's `net.ParseCIDR` (what the API server uses): IPv4 must be four decimal octets
 * (leading zeros are read as decimal, as the API server's legacy parser does, never as octal), the
 * prefix must be decimal and in range, and IPv6 zones are rejected. Host bits are masked off.
 */
export function parseCidr(text: string): IpRange {
  const value = text.trim();
  const slash = value.indexOf('/');
  const addrText = slash < 0 ? value : value.slice(0, slash);
  const prefixText = slash < 0 ? undefined : value.slice(slash + 1);
  const invalid = new Error(`"${value}" is not a valid IP address or CIDR`);
  const addr = parseAddress(addrText);
  if (!addr) throw invalid;
  let family: IpFamily = addr.kind() === 'ipv4' ? 4 : 6;
  let prefix = BITS[family];
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > BITS[family]) throw invalid;
    prefix = Number(prefixText);
  }
  let base = addr.toByteArray().reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
  // An IPv4-mapped IPv6 CIDR is an IPv4 CIDR, but only when the prefix keeps the ::ffff:0:0/96 part.
  if (family === 6 && (addr as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
    family = 4;
    prefix -= 96;
    base &= MAX[4];
  }
  const hostBits = BigInt(BITS[family] - prefix);
  const mask = (1n << hostBits) - 1n;
  const from = base & ~mask & MAX[family];
  return { family, from, to: from | mask };
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const v4 = IPV4_TEXT.exec(text);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    return octets.every((o) => o <= 255) ? new ipaddr.IPv4(octets) : undefined;
  }
  if (!text.includes(':') || text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
  return ipaddr.IPv6.parse(text);
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
  return (
    a.family - b.family ||
    (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0)
  );
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
