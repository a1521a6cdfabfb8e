import { describe, expect, it } from 'vitest';
import { citing } from '../../src/l7/rule-ids.js';

describe('citing: one list of rule ids at the end of a reason', () => {
  it.each([
    [
      'Sidecar a/b egress.hosts does not import x (F9)',
      'F10',
      'Sidecar a/b egress.hosts does not import x (F9, F10)',
    ],
    ['no route (E5, E7)', 'F10', 'no route (E5, E7, F10)'],
    ['no route', 'F10', 'no route (F10)'],
    ['already (F10)', 'F10', 'already (F10)'],
    // A parenthesis that is not a rule list stays as written.
    [
      'client a/b has no sidecar (namespace not labelled)',
      'E7',
      'client a/b has no sidecar (namespace not labelled) (E7)',
    ],
  ])('%s + %s', (text, id, expected) => {
    expect(citing(text, id)).toBe(expected);
  });
});
