import { describe, expect, it } from 'vitest';
import { at, mesh, pa, show } from './helpers.js';

const SEL = 'selector: {matchLabels: {app: server}}';

/** The error messages of the PeerAuthentication app/x, without its label. */
function errors(spec: string) {
  const run = mesh(pa('x', 'app', spec));
  const messages = run.engine.diagnostics
    .filter((d) => d.severity === 'error' && d.code === 'istio-invalid-peerauthentication')
    .map((d) => d.message.replace('PeerAuthentication app/x: ', ''));
  return { run, messages };
}

describe('PeerAuthentication fields are decoded strictly (R4)', () => {
  it.each([
    ['an unknown spec field', 'mtl: {mode: STRICT}', 'spec.mtl: unknown field "mtl" (did you mean "mtls"?)'],
    [
      'an unknown mtls field',
      'mtls: {mod: STRICT}',
      'spec.mtls.mod: unknown field "mod" (did you mean "mode"?)',
    ],
    [
      'labels written under selector, without matchLabels',
      'selector: {app: server}\nmtls: {mode: STRICT}',
      'spec.selector.app: unknown field "app"',
    ],
    [
      'an unknown port entry field',
      `${SEL}\nportLevelMtls: {80: {modes: STRICT}}`,
      'spec.portLevelMtls.80.modes: unknown field "modes" (did you mean "mode"?)',
    ],
    ['a mistyped mode', 'mtls: {mode: [STRICT]}', 'spec.mtls.mode: must be a string, got ["STRICT"]'],
    ['a mistyped mtls', 'mtls: STRICT', 'spec.mtls: must be an object, got "STRICT"'],
  ])('%s is an error naming the field', (_, spec, message) => {
    expect(errors(spec).messages).toEqual([message]);
  });

  it('keeps the wording of value errors', () => {
    expect(errors('mtls: {mode: strict}').messages).toEqual(['unknown mTLS mode "strict"']);
  });

  it('a STRICT policy with a typo takes no effect and leaves the cells it might select uncertain', () => {
    // Read as written, `mtls.mode: STRICT` would reject the plaintext client; rejected, it does nothing.
    const { run } = errors('mtls: {mode: STRICT}\nmtl: {}');
    const cell = run.cell('legacy');
    expect(cell.uncertain).toBe(true);
    expect(show(at(cell, 80))).toBe('all');
  });
});
