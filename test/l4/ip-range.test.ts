import { describe, expect, it } from 'vitest';
import {
  ALL_IPV4,
  containsRange,
  cutAddressSpace,
  formatRange,
  formatRangeAsCidr,
  parseCidr,
  rangesOverlap,
} from '../../src/values/ip-range.js';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['1.2.3.4', '1.2.3.4/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['010.000.0.0/8', '10.0.0.0/8'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['::/0', '::/0'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:0:0/80', '::/80'],
  ])('%s is %s', (text, cidr) => {
    expect(formatRangeAsCidr(parseCidr(text))).toBe(cidr);
  });

  it.each([
    '10/8',
    '0xa.0.0.0/8',
    '10.0.0/24',
    '256.0.0.0/8',
    '10.0.0.0/33',
    '10.0.0.0/-1',
    '2001:db8::/129',
    'fe80::1%eth0/64',
    'x',
    '',
  ])('rejects %s', (text) => {
    expect(() => parseCidr(text)).toThrow(/is not a valid IP address or CIDR/);
  });
});

describe('ranges', () => {
  it('contains and overlaps within one family only', () => {
    const ten = parseCidr('10.0.0.0/8');
    expect(containsRange(ten, parseCidr('10.2.0.0/16'))).toBe(true);
    expect(containsRange(parseCidr('10.2.0.0/16'), ten)).toBe(false);
    expect(rangesOverlap(parseCidr('10.2.0.0/16'), ten)).toBe(true);
    expect(rangesOverlap(parseCidr('::/0'), ten)).toBe(false);
    expect(containsRange(parseCidr('::/0'), ALL_IPV4)).toBe(false);
  });

  it('formats', () => {
    expect(formatRange(parseCidr('10.0.0.0/8'))).toBe('10.0.0.0-10.255.255.255');
    expect(formatRangeAsCidr({ family: 4, from: 1n, to: 2n })).toBe('0.0.0.1-0.0.0.2');
    expect(formatRangeAsCidr(parseCidr('2001:db8::1'))).toBe('2001:db8::1/128');
  });

  it('cuts the address space at every boundary, IPv6 only when used', () => {
    const cut = cutAddressSpace([
      parseCidr('10.0.0.0/8'),
      parseCidr('10.1.0.0/16'),
      parseCidr('255.255.255.255/32'),
    ]);
    expect(cut.map(formatRange)).toEqual([
      '0.0.0.0-9.255.255.255',
      '10.0.0.0-10.0.255.255',
      '10.1.0.0-10.1.255.255',
      '10.2.0.0-10.255.255.255',
      '11.0.0.0-255.255.255.254',
      '255.255.255.255-255.255.255.255',
    ]);
    expect(cutAddressSpace([]).map(formatRange)).toEqual(['0.0.0.0-255.255.255.255']);
    expect(cutAddressSpace([parseCidr('::/1')]).map(formatRangeAsCidr)).toEqual([
      '0.0.0.0/0',
      '::/1',
      '8000::/1',
    ]);
  });
});
