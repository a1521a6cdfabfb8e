import { describe, expect, it } from 'vitest';
import { ALL, type Case, cluster, expected, NONE, runChecks } from './cluster.js';
import { Cluster, namespace, netpol, summarize, workload } from './fixtures.js';

const denyIngressProd = netpol('prod', 'deny-in', `podSelector: {}`);

/** One table per SEMANTICS section A rule (and the edge cases 1, 2, 4, 5 it mentions). */
const CASES: Record<string, readonly Case[]> = {
  'A1 namespaced podSelector, {} and missing select every pod of the namespace': [
    {
      title: 'podSelector {} isolates every pod of its namespace only',
      policies: denyIngressProd,
      checks: [
        ['ingress', 'prod/web', 'dev/client', NONE],
        ['ingress', 'prod/db', 'prod/web', NONE],
        ['ingress', 'other/x', 'dev/client', ALL],
        ['egress', 'prod/web', 'dev/client', ALL],
      ],
    },
    {
      title: 'missing podSelector decodes as {}',
      policies: netpol('prod', 'no-selector', `policyTypes: [Ingress]`),
      checks: [
        ['ingress', 'prod/web', 'dev/client', NONE],
        ['ingress', 'prod/api', 'dev/client', NONE],
      ],
    },
    {
      title: 'a podSelector never selects pods of another namespace',
      policies: netpol('prod', 'web', `podSelector: {matchLabels: {app: web}}`),
      checks: [
        ['ingress', 'prod/web', 'dev/client', NONE],
        ['ingress', 'prod/db', 'dev/client', ALL],
        ['ingress', 'other/x', 'dev/client', ALL],
        ['ingress', 'dev/web', 'dev/client', ALL],
      ],
    },
  ],
  'A2 policyTypes defaulting (edge case 1)': [
    {
      title: 'egress: [] without policyTypes isolates ingress only',
      policies: netpol('prod', 'p', `podSelector: {}\negress: []`),
      checks: [
        ['egress', 'prod/web', 'dev/client', ALL],
        ['egress', 'prod/web', '8.8.8.8/32', ALL],
        ['ingress', 'prod/web', 'dev/client', NONE],
      ],
    },
    {
      title: 'egress rules without policyTypes add Egress',
      policies: netpol(
        'prod',
        'p',
        `podSelector: {}\negress:\n- to: [{podSelector: {matchLabels: {app: db}}}]`,
      ),
      checks: [
        ['egress', 'prod/web', 'prod/db', ALL],
        ['egress', 'prod/web', 'dev/client', NONE],
        ['ingress', 'prod/web', 'dev/client', NONE],
      ],
    },
    {
      title: 'policyTypes [Egress] with no egress denies all egress and leaves ingress open',
      policies: netpol('prod', 'p', `podSelector: {}\npolicyTypes: [Egress]`),
      checks: [
        ['egress', 'prod/web', 'prod/db', NONE],
        ['egress', 'prod/web', '8.8.8.8/32', NONE],
        ['ingress', 'prod/web', 'dev/client', ALL],
      ],
    },
    {
      title: 'explicit policyTypes are not defaulted: [Ingress] ignores egress rules',
      policies: netpol(
        'prod',
        'p',
        `podSelector: {}\npolicyTypes: [Ingress]\negress:\n- to: [{podSelector: {}}]`,
      ),
      checks: [
        ['egress', 'prod/web', 'dev/client', ALL],
        ['ingress', 'prod/web', 'prod/db', NONE],
      ],
    },
  ],
  'A3 isolation is per direction': [
    {
      title: 'policyTypes [Egress] ignores its ingress rules',
      policies: netpol('prod', 'p', `podSelector: {}\npolicyTypes: [Egress]\ningress: [{}]\negress: [{}]`),
      checks: [
        ['ingress', 'prod/web', 'dev/client', ALL],
        ['egress', 'prod/web', 'dev/client', ALL],
      ],
    },
    {
      title: 'both types with no rules deny both directions',
      policies: netpol('prod', 'p', `podSelector: {}\npolicyTypes: [Ingress, Egress]`),
      checks: [
        ['ingress', 'prod/web', 'dev/client', NONE],
        ['egress', 'prod/web', 'dev/client', NONE],
        ['egress', 'dev/client', 'prod/web', ALL],
      ],
    },
  ],
  'A4 union of the rules of every selecting policy': [
    {
      title: 'two policies add up, no deny',
      policies:
        netpol('prod', 'a', `podSelector: {}\ningress:\n- ports: [{port: 80}]`) +
        netpol(
          'prod',
          'b',
          `podSelector: {matchLabels: {app: web}}\ningress:\n- ports: [{port: 53, protocol: UDP}]`,
        ),
      checks: [
        ['ingress', 'prod/web', 'dev/client', 'TCP 80,UDP 53'],
        ['ingress', 'prod/db', 'dev/client', 'TCP 80'],
      ],
    },
  ],
  'A7 missing or [] peers and ports match everything (edge case 2)': [
    {
      title: 'from: [] matches pods and external ranges',
      policies: netpol('prod', 'p', `podSelector: {}\ningress:\n- from: []\n  ports: [{port: 443}]`),
      checks: [
        ['ingress', 'prod/web', 'dev/client', 'TCP 443'],
        ['ingress', 'prod/web', '203.0.113.0/24', 'TCP 443'],
        ['ingress', 'prod/web', 'kube-system/agent', 'TCP 443'],
      ],
    },
    {
      title: 'missing to and ports: [] match every peer on every port',
      policies: netpol('prod', 'p', `podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports: []`),
      checks: [
        ['egress', 'prod/web', '8.8.8.8/32', ALL],
        ['egress', 'prod/web', 'dev/client', ALL],
      ],
    },
  ],
  'A8 missing / [] / [{}] rules': [
    {
      title: 'ingress: [] allows nothing',
      policies: netpol('prod', 'p', `podSelector: {}\ningress: []`),
      checks: [['ingress', 'prod/web', 'prod/db', NONE]],
    },
    {
      title: 'ingress: [{}] allows everything, external included',
      policies: netpol('prod', 'p', `podSelector: {}\ningress: [{}]`),
      checks: [
        ['ingress', 'prod/web', 'prod/db', ALL],
        ['ingress', 'prod/web', '198.51.100.7/32', ALL],
      ],
    },
    {
      title: 'egress: [{}] with policyTypes Egress allows everything',
      policies: netpol('prod', 'p', `podSelector: {}\npolicyTypes: [Egress]\negress: [{}]`),
      checks: [
        ['egress', 'prod/web', '198.51.100.7/32', ALL],
        ['egress', 'prod/web', 'other/x', ALL],
      ],
    },
  ],
  'A9 peers: podSelector, namespaceSelector, AND within one element, OR across elements': [
    {
      title: 'podSelector alone means the policy namespace',
      policies: netpol(
        'prod',
        'p',
        `podSelector: {}\ningress:\n- from: [{podSelector: {matchLabels: {app: web}}}]`,
      ),
      checks: [
        ['ingress', 'prod/db', 'prod/web', ALL],
        ['ingress', 'prod/db', 'dev/web', NONE],
        ['ingress', 'prod/db', 'other/x', NONE],
      ],
    },
    {
      title: 'namespaceSelector alone means every pod of the matching namespaces',
      policies: netpol(
        'prod',
        'p',
        `podSelector: {}\ningress:\n- from: [{namespaceSelector: {matchLabels: {team: b}}}]`,
      ),
      checks: [
        ['ingress', 'prod/db', 'dev/web', ALL],
        ['ingress', 'prod/db', 'dev/client', ALL],
        ['ingress', 'prod/db', 'prod/web', NONE],
      ],
    },
    {
      title: 'both in one element are ANDed',
      policies: netpol(
        'prod',
        'p',
        `podSelector: {}
        ingress:
        - from:
          - namespaceSelector: {matchLabels: {team: b}}
            podSelector: {matchLabels: {app: web}}`,
      ),
      checks: [
        ['ingress', 'prod/db', 'dev/web', ALL],
        ['ingress', 'prod/db', 'dev/client', NONE],
        ['ingress', 'prod/db', 'prod/web', NONE],
      ],
    },
    {
      title: 'two elements are ORed',
      policies: netpol(
        'prod',
        'p',
        `podSelector: {}
        ingress:
        - from:
          - namespaceSelector: {matchLabels: {team: b}}
          - podSelector: {matchLabels: {app: web}}`,
      ),
      checks: [
        ['ingress', 'prod/db', 'dev/client', ALL],
        ['ingress', 'prod/db', 'prod/web', ALL],
        ['ingress', 'prod/db', 'prod/api', NONE],
        ['ingress', 'prod/db', 'other/x', NONE],
      ],
    },
  ],
  'A10 namespaceSelector {} is every pod, not external (edge case 2)': [
    {
      title: 'namespaceSelector: {} matches pods everywhere but no IP range',
      policies: netpol('prod', 'p', `podSelector: {}\ningress:\n- from: [{namespaceSelector: {}}]`),
      checks: [
        ['ingress', 'prod/db', 'other/x', ALL],
        ['ingress', 'prod/db', 'dev/client', ALL],
        ['ingress', 'prod/db', '0.0.0.0/0', NONE],
        ['ingress', 'prod/db', '10.1.2.3/32', NONE],
      ],
    },
  ],
  'A15 selectors inside peers': [
    {
      title: 'NotIn matches pods without the key; Exists/DoesNotExist',
      policies: netpol(
        'prod',
        'p',
        `podSelector: {}
        ingress:
        - from: [{podSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [front]}]}}]
          ports: [{port: 1}]
        - from: [{podSelector: {matchExpressions: [{key: tier, operator: Exists}]}}]
          ports: [{port: 2}]
        - from: [{namespaceSelector: {matchExpressions: [{key: team, operator: DoesNotExist}]}}]
          ports: [{port: 3}]`,
      ),
      checks: [
        ['ingress', 'prod/db', 'prod/api', 'TCP 1'],
        ['ingress', 'prod/db', 'prod/web', 'TCP 2'],
        ['ingress', 'prod/web', 'prod/db', 'TCP 1-2'],
        ['ingress', 'prod/web', 'other/x', 'TCP 3'],
      ],
    },
  ],
  'A16 kubernetes.io/metadata.name': [
    {
      title: 'a namespaceSelector on the metadata name label',
      policies: netpol(
        'prod',
        'p',
        `podSelector: {}
        ingress:
        - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}}]`,
      ),
      checks: [
        ['ingress', 'prod/db', 'other/x', ALL],
        ['ingress', 'prod/db', 'dev/web', NONE],
      ],
    },
  ],
  'A17 hostNetwork pods are node traffic': [
    {
      title: 'never selected: a deny-all in their namespace leaves them open',
      policies: netpol('kube-system', 'deny', `podSelector: {}\npolicyTypes: [Ingress, Egress]`),
      checks: [
        ['ingress', 'kube-system/agent', 'prod/web', ALL],
        ['egress', 'kube-system/agent', 'prod/web', ALL],
      ],
    },
    {
      title: 'selectors never match them as peers; missing from does',
      policies: netpol(
        'prod',
        'p',
        `podSelector: {}
        ingress:
        - from: [{namespaceSelector: {}}]
          ports: [{port: 1}]
        - ports: [{port: 2}]`,
      ),
      checks: [
        ['ingress', 'prod/db', 'kube-system/agent', 'TCP 2'],
        ['ingress', 'prod/db', 'dev/client', 'TCP 1-2'],
      ],
    },
    {
      title: 'egress to a hostNetwork pod: named ports never resolve on it',
      policies: netpol(
        'prod',
        'p',
        `podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports: [{port: http}, {port: 80}]`,
      ),
      checks: [
        ['egress', 'prod/web', 'kube-system/agent', 'TCP 80'],
        ['egress', 'prod/web', 'prod/api', 'TCP 80,9000'],
      ],
    },
  ],
};

describe.each(Object.entries(CASES))('%s', (_rule, cases) => {
  it.each(cases.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    expect(runChecks(c)).toEqual(expected(c));
  });
});

describe('A5 both ends must allow', () => {
  it('egress allowed but ingress denied gives nothing, and the other way round', () => {
    const k = cluster(
      netpol('prod', 'in', `podSelector: {matchLabels: {app: db}}\ningress:\n- ports: [{port: 5432}]`) +
        netpol(
          'dev',
          'out',
          `podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports: [{port: 5432}, {port: 80}]`,
        ),
    );
    expect(k.allowed('dev/client', 'prod/db')).toBe('TCP 5432');
    // prod/web is not isolated for ingress: the client's egress alone decides.
    expect(k.allowed('dev/client', 'prod/web')).toBe('TCP 80,5432');
    expect(k.allowed('prod/web', 'prod/db')).toBe('TCP 5432');
    expect(k.allowed('dev/client', '8.8.8.8/32')).toBe('TCP 80,5432');
  });
});

describe('pods grouped into one workload that disagree on labels', () => {
  const k = new Cluster({
    namespaces: [namespace('prod')],
    workloads: [
      workload({ id: 'prod/mixed', labels: { app: 'web' }, otherLabels: [{ app: 'web', canary: 'yes' }] }),
      workload({ id: 'prod/db', labels: { app: 'db' } }),
    ],
    policies:
      netpol('prod', 'canary', `podSelector: {matchLabels: {canary: "yes"}}\npolicyTypes: [Egress]`) +
      netpol(
        'prod',
        'db',
        `podSelector: {matchLabels: {app: db}}\ningress:\n- from: [{podSelector: {matchLabels: {canary: "yes"}}}]`,
      ) +
      netpol('prod', 'web', `podSelector: {matchLabels: {app: web}}\ningress: [{}]`),
  });

  it('a policy selecting only some of its pods: evaluated per podLabels, but uncertain', () => {
    expect(summarize(k.egress('prod/mixed', 'prod/db'))).toMatchObject({
      allowed: ALL,
      uncertainBy: ['prod/canary'],
    });
    // A selector that treats every variant alike adds no uncertainty.
    expect(summarize(k.ingress('prod/mixed', 'prod/db'))).toMatchObject({ allowed: ALL, uncertainBy: [] });
  });

  it('a peer selector that tells its pods apart makes the cell uncertain', () => {
    expect(summarize(k.ingress('prod/db', 'prod/mixed'))).toMatchObject({
      allowed: NONE,
      uncertainBy: ['prod/db'],
    });
  });
});
