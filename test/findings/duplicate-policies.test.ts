import { describe, expect, it } from 'vitest';
import { deployment, findings, NAMESPACES, rules } from './helpers.js';

const denyAll = (ns: string, name: string, order: 'types-first' | 'selector-first' = 'types-first') => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: ${ns} }
spec:
${order === 'types-first' ? '  policyTypes: [Ingress]\n  podSelector: {}' : '  podSelector: {}\n  policyTypes: [Ingress]'}
`;

describe('duplicate-policy', () => {
  it('reports policies of one namespace with the same spec under different names, whatever the key order', () => {
    const yaml =
      NAMESPACES +
      deployment('shop', 'web') +
      denyAll('shop', 'deny-a') +
      denyAll('shop', 'deny-b', 'selector-first');
    const found = rules(findings(yaml), 'duplicate-policy');
    expect(found.map((f) => [f.severity, f.message])).toEqual([
      [
        'info',
        '2 NetworkPolicies in shop have the same spec: deny-a (all.yaml:25), deny-b (all.yaml:33). Policies add up ([rule A4](rules.md#a4)), so the copies change nothing today, but editing one leaves the other in force. Fix: keep one.',
      ],
    ]);
    expect(found[0]?.locations).toHaveLength(2);
  });

  it('does not report the same spec in two namespaces, nor two different specs', () => {
    const other = denyAll('legacy', 'deny-a');
    const egress = denyAll('shop', 'deny-b').replace('[Ingress]', '[Egress]');
    const yaml = NAMESPACES + deployment('shop', 'web') + denyAll('shop', 'deny-a') + other + egress;
    expect(rules(findings(yaml), 'duplicate-policy')).toEqual([]);
  });
});
