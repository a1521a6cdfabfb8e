import { describe, expect, it } from 'vitest';
import { deployment, findings } from './helpers.js';

/** admin-pass-to-no-networkpolicy and admin-allow-overrides-networkpolicy (SEMANTICS B2, B3). */

const NS = ['prod', 'dev']
  .map((n) => `---\napiVersion: v1\nkind: Namespace\nmetadata: { name: ${n} }\n`)
  .join('');
const WORKLOADS = `${NS}${deployment('prod', 'web')}${deployment('prod', 'api')}${deployment('dev', 'client')}`;
const anp = (name: string, body: string) => `---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: { name: ${name} }
spec:
  priority: 10
  subject: { namespaces: { matchLabels: { kubernetes.io/metadata.name: prod } } }
${body.replace(/^/gm, '  ')}
`;
const FROM_DEV = '[{ namespaces: { matchLabels: { kubernetes.io/metadata.name: dev } } }]';
const netpol = (name: string, spec: string) => `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: prod }
spec:
${spec.replace(/^/gm, '  ')}
`;
const DENY_ALL = netpol('deny-all', 'podSelector: {}\npolicyTypes: [Ingress]');
const WEB_ONLY = netpol('web-only', 'podSelector: { matchLabels: { app: web } }\npolicyTypes: [Ingress]');
const PASS = anp('pass-dev', `ingress:\n- { name: p, action: Pass, from: ${FROM_DEV} }`);
const ALLOW = anp('allow-dev', `ingress:\n- { name: a, action: Allow, from: ${FROM_DEV} }`);

const admin = (yaml: string) =>
  findings(WORKLOADS + yaml)
    .filter((f) => f.rule.startsWith('admin-'))
    .map((f) => [f.rule, f.severity, f.message.split(': an')[0]!.split(', so')[0]!]);

const CASES: readonly [string, string, readonly (readonly string[])[]][] = [
  [
    'Pass on pods no NetworkPolicy selects: counted per rule',
    PASS,
    [
      [
        'admin-pass-to-no-networkpolicy',
        'warning',
        'AdminNetworkPolicy pass-dev ingress[0] (all.yaml:59) passes 2 pairs to the NetworkPolicy tier, but no NetworkPolicy selects prod/api[Deployment], prod/web[Deployment] for that direction',
      ],
    ],
  ],
  ['Pass picked up by a NetworkPolicy on every subject: nothing', PASS + DENY_ALL, []],
  [
    'Pass picked up on one pod only: the other is counted',
    PASS + WEB_ONLY,
    [
      [
        'admin-pass-to-no-networkpolicy',
        'warning',
        'AdminNetworkPolicy pass-dev ingress[0] (all.yaml:59) passes 1 pair to the NetworkPolicy tier, but no NetworkPolicy selects prod/api[Deployment] for that direction',
      ],
    ],
  ],
  [
    'Allow over a NetworkPolicy that denies: the NetworkPolicy is named',
    ALLOW + WEB_ONLY,
    [
      [
        'admin-allow-overrides-networkpolicy',
        'info',
        'AdminNetworkPolicy allow-dev ingress[0] (all.yaml:59) allows 1 pair of prod/web[Deployment] that NetworkPolicy prod/web-only (all.yaml:61) would not allow',
      ],
    ],
  ],
  ['Allow on pods no NetworkPolicy isolates: nothing', ALLOW, []],
  [
    'Allow that the NetworkPolicy allows too: nothing',
    ALLOW +
      netpol(
        'from-dev',
        'podSelector: {}\ningress:\n- from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: dev } } }]',
      ),
    [],
  ],
];

describe('AdminNetworkPolicy findings', () => {
  for (const [title, yaml, expected] of CASES) it(title, () => expect(admin(yaml)).toEqual(expected));
});
