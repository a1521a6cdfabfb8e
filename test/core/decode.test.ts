import { describe, expect, it } from 'vitest';
import {
  Issues,
  readBoolean,
  readEnum,
  readInteger,
  readStringList,
  readStringMap,
  readStruct,
  readStructList,
} from '../../src/core/decode.js';

const messages = (issues: Issues) => issues.items.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('the shared strict decoder', () => {
  it('names the field meant only when asked (NetworkPolicy messages stay as they were)', () => {
    const plain = new Issues();
    readStruct({ podselector: {} }, ['spec'], plain, ['podSelector', 'ingress']);
    expect(messages(plain)).toEqual(['spec.podselector: unknown field "podselector"']);
    const suggesting = new Issues({ suggest: true });
    readStruct({ podselector: {}, foo: 1 }, ['spec'], suggesting, ['podSelector', 'ingress']);
    expect(messages(suggesting)).toEqual([
      'spec.podselector: unknown field "podselector" (did you mean "podSelector"?)',
      'spec.foo: unknown field "foo"',
    ]);
  });

  it('reads typed values and reports the mistyped ones at their path', () => {
    const issues = new Issues();
    expect(readStringList(['a', 1, 'b'], ['l'], issues)).toEqual(['a', 'b']);
    expect(readBoolean('true', ['b'], issues)).toBeUndefined();
    expect(readInteger(80.5, ['i'], issues)).toBeUndefined();
    expect(readInteger(8080, ['i'], issues)).toBe(8080);
    expect(readStringMap({ app: 'web', tier: 1 }, ['m'], issues)).toEqual({ app: 'web' });
    expect(readEnum('Strict', ['e'], issues, ['STRICT', 'PERMISSIVE'])).toBeUndefined();
    expect(readStructList([{ a: 1 }, null, 'x'], ['s'], issues, ['a'])).toEqual([{ a: 1 }, {}]);
    expect(readStringList(null, ['n'], issues)).toBeUndefined();
    expect(messages(issues)).toEqual([
      'l.1: must be a string, got 1',
      'b: must be a boolean, got "true"',
      'i: must be an integer, got 80.5',
      'm.tier: must be a string, got 1',
      'e: unsupported value "Strict" (did you mean "STRICT"?)',
      's.2: must be an object, got "x"',
    ]);
  });
});
