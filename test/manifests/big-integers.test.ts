import { describe, expect, it } from 'vitest';
import { INT32, type IntegerRange, Issues, readInteger, UINT32 } from '../../src/core/decode.js';
import { kubeYamlValue } from '../../src/manifests/yaml-json.js';

/**
 * Integer fields read from YAML as the API server reads them: `sigs.k8s.io/yaml` keeps an int64
 * exact, and the field's type (int32 for ports, weights, priorities, replicas) rejects what is out
 * of its range. JavaScript has no exact number of 2^53 or more, so such a value must never reach
 * the analysis rounded to a neighbour.
 */
const RANGES: Record<string, IntegerRange> = { int32: INT32, uint32: UINT32 };

describe('integer fields: out of range or beyond 2^53 is rejected, never rounded', () => {
  it.each([
    // [YAML, field type, what the analysis reads (undefined: the API server rejects the object)]
    ['8080', 'int32', 8080],
    ['0x7FFFFFFF', 'int32', 2147483647],
    ['2147483647', 'int32', 2147483647],
    ['-2147483648', 'int32', -2147483648],
    ['2147483648', 'int32', undefined],
    ['-2147483649', 'int32', undefined],
    ['4294967295', 'uint32', 4294967295],
    ['4294967296', 'uint32', undefined],
    ['-1', 'uint32', undefined],
    // 2^53 + 1 parses as 2^53, 2^63 - 1 as 2^63: both out of any range we read, said so
    ['9007199254740993', 'int32', undefined],
    ['9223372036854775807', 'uint32', undefined],
    ['0o77777777777777777777', 'int32', undefined],
  ] as const)('value: %s as %s reads %s', (yaml, type, read) => {
    const range = RANGES[type]!;
    const value = (kubeYamlValue(`value: ${yaml}`) as { value: unknown }).value;
    const issues = new Issues();
    expect(readInteger(value, ['spec', 'value'], issues, range)).toBe(read);
    expect(issues.items.length).toBe(read === undefined ? 1 : 0);
  });

  it('says why a huge integer is refused instead of quoting a rounded number', () => {
    const value = (kubeYamlValue('weight: 9007199254740993') as { weight: unknown }).weight;
    const issues = new Issues();
    readInteger(value, ['weight'], issues);
    expect(issues.items.map((i) => i.message)).toEqual([
      'must be an int32: an integer of 2^53 or more cannot be read exactly',
    ]);
  });
});
