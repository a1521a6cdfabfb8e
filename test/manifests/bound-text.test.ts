import { describe, expect, it } from 'vitest';
import { boundText } from '../../src/manifests/bound-text.js';
import { parseSourceFile } from '../../src/manifests/parse.js';

const HUGE = 'x'.repeat(100_000);
const DIGITS = '1'.repeat(5_000);

describe('messages quote huge scalars cut', () => {
  it.each([
    ['a huge label value', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {a: ${DIGITS}}\n`],
    ['a huge label key', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {${HUGE}: 1}\n`],
    ['a huge object name', `apiVersion: v1\nkind: Pod\nmetadata: {name: ${HUGE}}\n`],
    ['a huge kind', `apiVersion: v1\nkind: ${HUGE}\nmetadata: {name: p}\n`],
    ['a huge tag', `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nx: !!int ${HUGE}\n`],
    ['a huge anchor name', `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nx: *${HUGE}\n`],
    ['a huge key in a syntax error', `apiVersion: v1\nkind: Pod\n${HUGE} ${HUGE}\n`],
  ])('%s', (_what, text) => {
    const { diagnostics } = parseSourceFile({ path: 'a.yaml', text }, 'main');
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const d of diagnostics) {
      expect(d.message.length).toBeLessThanOrEqual(1000);
      expect((d.dropped ?? '').length).toBeLessThanOrEqual(1000);
    }
  });

  it('keeps the start of a long word and says how long it was; real paths stay whole', () => {
    expect(boundText(`name ${HUGE} is invalid`)).toBe(
      `name ${'x'.repeat(60)}... (100000 characters) is invalid`,
    );
    const path = `apps/overlays/production/eu-west-1/namespaces/payments/networkpolicies/${'a'.repeat(60)}.yaml`;
    expect(boundText(`document 2 of ${path}`)).toBe(`document 2 of ${path}`);
  });
});
