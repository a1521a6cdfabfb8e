import { describe, expect, it } from 'vitest';
import { compareQuantities, formatQuantity, parseQuantity, rational } from '../../src/findings/quantity.js';

const value = (text: string) => {
  const r = parseQuantity(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe('resource.Quantity (SEMANTICS I)', () => {
  it.each([
    ['100m', '0.1'],
    ['0.1', '0.1'],
    ['1', '1'],
    ['.5', '0.5'],
    ['1.', '1'],
    ['+2', '2'],
    ['1k', '1000'],
    ['128M', '128000000'],
    ['128Mi', '134217728'],
    ['1Gi', '1073741824'],
    ['1G', '1000000000'],
    ['1E', '1000000000000000000'],
    ['1E3', '1000'],
    ['1e3', '1000'],
    ['129e6', '129000000'],
    ['400m', '0.4'],
    ['0.1m', '0.001'],
    ['1n', '0.001'],
    ['1.5Gi', '1610612736'],
  ])('%s = %s', (text, expected) => {
    expect(formatQuantity(value(text))).toBe(expected);
  });

  it.each(['1K', '1KB', '1Mb', '1e', '', 'm', 'abc', '1 Mi', '--1'])('%s is invalid', (text) => {
    expect(parseQuantity(text).ok).toBe(false);
  });

  it('compares values, not strings', () => {
    expect(compareQuantities(value('0.1'), value('100m'))).toBe(0);
    expect(compareQuantities(value('128M'), value('128Mi'))).toBe(-1);
    expect(compareQuantities(value('1G'), value('1Gi'))).toBe(-1);
    expect(compareQuantities(value('1.5Gi'), value('1536Mi'))).toBe(0);
    expect(compareQuantities(value('50m'), value('100m'))).toBe(-1);
    expect(compareQuantities(value('129e6'), value('123Mi'))).toBe(1);
    expect(compareQuantities(value('400m'), rational(1n))).toBe(-1);
  });

  it('says why K is wrong', () => {
    const r = parseQuantity('1K');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/lower-case 'k'/);
  });
});
