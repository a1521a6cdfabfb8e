import { describe, expect, it } from 'vitest';
import {
  istioSelectorMatches,
  matchesLabels,
  serviceSelectorMatches,
} from '../../src/manifests/label-match.js';

const pod = { app: 'web', tier: 'front' };

describe('matchesLabels: the one plain label-map match', () => {
  it('needs every selector key with the same value', () => {
    expect(matchesLabels({ app: 'web' }, pod)).toBe(true);
    expect(matchesLabels({ app: 'web', tier: 'front' }, pod)).toBe(true);
    expect(matchesLabels({ app: 'api' }, pod)).toBe(false);
    expect(matchesLabels({ app: 'web', zone: 'a' }, pod)).toBe(false);
    // A key the pod lacks is not "any value", even the empty one.
    expect(matchesLabels({ zone: '' }, pod)).toBe(false);
    expect(matchesLabels({ zone: '' }, { zone: '' })).toBe(true);
  });

  it('treats keys named like Object members as plain keys', () => {
    expect(matchesLabels({ constructor: 'x' }, pod)).toBe(false);
    expect(matchesLabels({ toString: 'x' }, { toString: 'x' })).toBe(true);
  });

  it('matches everything with an empty map (an AND of nothing)', () => {
    expect(matchesLabels({}, pod)).toBe(true);
    expect(matchesLabels({}, {})).toBe(true);
  });
});

describe('per-kind meaning of an absent or empty selector', () => {
  it('Istio matchLabels: absent or empty selects every workload', () => {
    expect(istioSelectorMatches(undefined, pod)).toBe(true);
    expect(istioSelectorMatches({}, pod)).toBe(true);
    expect(istioSelectorMatches({ app: 'web' }, pod)).toBe(true);
    expect(istioSelectorMatches({ app: 'api' }, pod)).toBe(false);
  });

  it('Service selector: absent or empty selects no pod', () => {
    expect(serviceSelectorMatches(undefined, pod)).toBe(false);
    expect(serviceSelectorMatches({}, pod)).toBe(false);
    expect(serviceSelectorMatches({ app: 'web' }, pod)).toBe(true);
    expect(serviceSelectorMatches({ app: 'api' }, pod)).toBe(false);
  });
});
