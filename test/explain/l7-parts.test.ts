import { describe, expect, it } from 'vitest';
import type { RuleRef } from '../../src/core/refs.js';
import { l7Parts } from '../../src/explain/policies.js';
import { RequestSet } from '../../src/l7/request-set.js';
import type { L7Cell, L7Outcome, L7Verdict } from '../../src/l7/types.js';
import { PortSet } from '../../src/values/port-set.js';

const rule = (kind: string, name: string): RuleRef => ({
  policy: {
    kind,
    namespace: 'shop',
    name,
    location: { revision: 'head', file: 'p.yaml', line: 1, column: 1 },
  },
  rule: '',
  location: { revision: 'head', file: 'p.yaml', line: 3, column: 1 },
});
const PA = rule('PeerAuthentication', 'default');
const AP = rule('AuthorizationPolicy', 'allow-nothing');

function cell(verdict: L7Verdict, code: string, reasonRule: RuleRef): L7Cell {
  const outcome: L7Outcome = {
    chain: 'tcp',
    verdict,
    requests: verdict === 'none' ? RequestSet.none : RequestSet.all,
    rules: [],
    reasons: [{ code, message: code, rule: reasonRule }],
  };
  return {
    segments: [
      {
        protocol: 'TCP',
        ports: PortSet.all,
        portClass: 'tcp',
        verdict,
        outcomes: [outcome],
        approximate: false,
      },
    ],
  } as unknown as L7Cell;
}

const effects = (c: L7Cell) => l7Parts(c).map((p) => `${p.effect} ${p.rule.policy.kind} ${p.reason?.code}`);

describe('l7Parts: what a reason on an outcome says about its rule', () => {
  it.each([
    // PERMISSIVE taking plaintext is why it gets through: not a denial (it read "denied by" under opened paths).
    ['all', 'plaintext-empty-identity', PA, 'allows PeerAuthentication plaintext-empty-identity'],
    ['all', 'client-plaintext', PA, 'allows PeerAuthentication client-plaintext'],
    // An allow-nothing policy beside rules that allow something still says what is held back.
    ['some', 'allow-nothing', AP, 'denies AuthorizationPolicy allow-nothing'],
    // Nothing gets through: every reason denies.
    ['none', 'plaintext-empty-identity', PA, 'denies PeerAuthentication plaintext-empty-identity'],
    ['none', 'allow-nothing', AP, 'denies AuthorizationPolicy allow-nothing'],
  ] as const)('%s outcome, %s', (verdict, code, r, expected) => {
    expect(effects(cell(verdict, code, r))).toEqual([expected]);
  });
});
