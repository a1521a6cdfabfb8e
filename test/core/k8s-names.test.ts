import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelKeyProblem, labelValueProblem } from '../../src/config/k8s-names.js';
import { labelKeyError, labelValueError, namespaceNameError } from '../../src/core/k8s-names.js';

const CONFIG_PREFIX = 'the prefix before / must be a lowercase DNS subdomain';
const CONFIG_NAME =
  'the name must have at most 63 characters: letters, digits, -, _ and ., starting and ending with a letter or digit';

describe('label keys: one rule, two wordings', () => {
  it.each([
    ['app', undefined, undefined],
    ['app.kubernetes.io/name', undefined, undefined],
    ['a', undefined, undefined],
    ['', 'label key "" has an empty name', CONFIG_NAME],
    ['-a', 'must consist of alphanumerics', CONFIG_NAME],
    ['x'.repeat(64), 'is longer than 63 characters', CONFIG_NAME],
    ['/a', 'label key "/a" has an empty prefix', CONFIG_PREFIX],
    ['Example.com/a', 'label key prefix "Example.com" must be a lowercase DNS subdomain', CONFIG_PREFIX],
    ['example.com/', 'label key "example.com/" has an empty name', CONFIG_NAME],
    ['a/b/c', 'may contain at most one "/"', CONFIG_NAME],
    // Two faults: the policy decoder says the slashes, the config (as it always did) the prefix.
    ['Bad/b/c', 'may contain at most one "/"', CONFIG_PREFIX],
  ])('%j', (key, policyMessage, configMessage) => {
    const error = labelKeyError(key);
    if (policyMessage === undefined) expect(error).toBeUndefined();
    else expect(error).toContain(policyMessage);
    expect(labelKeyProblem(key)).toBe(configMessage);
  });
});

describe('the config and the policy decoders accept the same names', () => {
  const chars = fc.constantFrom('a', 'Z', '0', '-', '_', '.', '/', ' ');
  const names = fc.oneof(
    fc.string({ unit: chars, maxLength: 8 }),
    fc.string({ unit: chars, minLength: 60, maxLength: 70 }),
  );

  it('label keys', () => {
    fc.assert(
      fc.property(
        names,
        (key) => (labelKeyProblem(key) === undefined) === (labelKeyError(key) === undefined),
      ),
    );
  });

  it('label values', () => {
    fc.assert(
      fc.property(
        names,
        (value) => (labelValueProblem(value) === undefined) === (labelValueError(value) === undefined),
      ),
    );
  });
});

describe('namespace names', () => {
  it.each([
    ['payments', undefined],
    ['a-1', undefined],
    ['Payments', 'lowercase letters'],
    ['not_ok', 'lowercase letters'],
    ['-a', 'lowercase letters'],
    ['a.b', 'lowercase letters'],
    ['x'.repeat(64), 'at most 63 characters'],
  ])('%j', (name, message) => {
    const error = namespaceNameError(name);
    if (message === undefined) expect(error).toBeUndefined();
    else expect(error).toContain(message);
  });
});
