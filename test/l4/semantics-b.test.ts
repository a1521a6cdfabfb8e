import { describe, expect, it } from 'vitest';
import { ruleLabel } from '../../src/core/refs.js';
import { ALL, type Case, cluster, expected, NONE, runChecks } from './cluster.js';
import { netpol } from './fixtures.js';

/** SEMANTICS B: AdminNetworkPolicy -> NetworkPolicy -> BaselineAdminNetworkPolicy -> allow, per direction. */

const anp = (name: string, priority: number, body: string) => `---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: { name: ${name} }
spec:
  priority: ${priority}
${body.replace(/^/gm, '  ')}
`;
const banp = (body: string, name = 'default') => `---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: { name: ${name} }
spec:
${body.replace(/^/gm, '  ')}
`;
const PROD = 'subject: { namespaces: { matchLabels: { kubernetes.io/metadata.name: prod } } }';
const FROM_DEV = '[{ namespaces: { matchLabels: { kubernetes.io/metadata.name: dev } } }]';
const denyIngressFromDev = (name = 'deny-dev', priority = 10) =>
  anp(name, priority, `${PROD}\ningress:\n- { name: d, action: Deny, from: ${FROM_DEV} }`);
const npDenyAllIngress = netpol('prod', 'deny-all', 'podSelector: {}\npolicyTypes: [Ingress]');

const CASES: Record<string, readonly Case[]> = {
  'B2 ANP rules: first match decides; Allow beats NetworkPolicy, Deny is final, Pass goes on': [
    {
      title: 'Deny denies what no NetworkPolicy would',
      policies: denyIngressFromDev(),
      checks: [
        ['ingress', 'prod/web', 'dev/client', NONE],
        ['ingress', 'prod/web', 'other/x', ALL],
        ['ingress', 'dev/web', 'dev/client', ALL],
      ],
    },
    {
      title: 'Allow opens what a NetworkPolicy denies',
      policies:
        anp(
          'allow-dev',
          10,
          `${PROD}\ningress:\n- { action: Allow, from: ${FROM_DEV}, ports: [{ portNumber: { port: 8080 } }] }`,
        ) + npDenyAllIngress,
      checks: [
        ['ingress', 'prod/web', 'dev/client', 'TCP 8080'],
        ['ingress', 'prod/web', 'other/x', NONE],
      ],
    },
    {
      title: 'rules in order: an earlier Allow on a port wins over a later Deny of everything',
      policies: anp(
        'ordered',
        10,
        `${PROD}\ningress:\n- { action: Allow, from: ${FROM_DEV}, ports: [{ portRange: { protocol: UDP, start: 50, end: 60 } }] }\n- { action: Deny, from: ${FROM_DEV} }`,
      ),
      checks: [['ingress', 'prod/web', 'dev/client', 'UDP 50-60']],
    },
    {
      title: 'Pass hands the traffic to the NetworkPolicy tier, skipping later ANP rules',
      policies:
        anp(
          'pass',
          10,
          `${PROD}\ningress:\n- { action: Pass, from: ${FROM_DEV}, ports: [{ portNumber: { port: 8080 } }] }\n- { action: Deny, from: ${FROM_DEV} }`,
        ) +
        anp('allow-later', 20, `${PROD}\ningress:\n- { action: Allow, from: ${FROM_DEV} }`) +
        netpol('prod', 'np', 'podSelector: {}\ningress:\n- ports: [{ port: 8080 }, { port: 9090 }]'),
      checks: [['ingress', 'prod/web', 'dev/client', 'TCP 8080']],
    },
    {
      title: 'egress: namedPort resolves on the destination pod; networks match external ranges',
      policies: anp(
        'egress',
        10,
        `${PROD}\negress:\n- { action: Allow, to: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: web } } } }], ports: [{ namedPort: http }] }\n- { action: Allow, to: [{ networks: [10.0.0.0/8] }], ports: [{ portNumber: { protocol: UDP, port: 53 } }] }\n- { action: Deny, to: [{ namespaces: {} }, { networks: [0.0.0.0/0] }] }`,
      ),
      checks: [
        ['egress', 'prod/api', 'dev/web', 'TCP 7000'],
        ['egress', 'prod/api', 'dev/client', NONE],
        ['egress', 'prod/api', '10.1.0.0/16', 'UDP 53'],
        ['egress', 'prod/api', '11.0.0.0/8', NONE],
      ],
    },
  ],
  'B1 priorities: a lower number is evaluated first': [
    {
      title: 'priority 5 Allow wins over priority 10 Deny, whatever the order in the file',
      policies:
        denyIngressFromDev('a-deny', 10) +
        anp('z-allow', 5, `${PROD}\ningress:\n- { action: Allow, from: ${FROM_DEV} }`),
      checks: [['ingress', 'prod/web', 'dev/client', ALL]],
    },
  ],
  'B3/B4 NetworkPolicy decides when it selects the pod; else the BANP default; else allow': [
    {
      title: 'BANP Deny applies only where no NetworkPolicy selects the pod',
      policies:
        banp(`subject: { namespaces: {} }\ningress:\n- { action: Deny, from: [{ namespaces: {} }] }`) +
        netpol('prod', 'np', 'podSelector: { matchLabels: { app: web } }\ningress:\n- {}'),
      checks: [
        ['ingress', 'prod/web', 'dev/client', ALL],
        ['ingress', 'prod/db', 'dev/client', NONE],
        ['ingress', 'prod/db', '10.0.0.0/8', ALL],
      ],
    },
    {
      title: 'a BANP not named default is rejected and has no effect',
      policies: banp(
        `subject: { namespaces: {} }\ningress:\n- { action: Deny, from: [{ namespaces: {} }] }`,
        'other',
      ),
      checks: [['ingress', 'prod/db', 'dev/client', ALL]],
    },
  ],
  'B5 fail closed on peer types this version does not define': [
    {
      title: 'an unknown peer type: Deny denies everything, Allow matches nothing',
      policies: anp(
        'future',
        10,
        `${PROD}\ningress:\n- { action: Allow, from: [{ sameLabels: [team] }] }\n- { action: Deny, from: [{ sameLabels: [team] }], ports: [{ portNumber: { port: 80 } }] }`,
      ),
      checks: [['ingress', 'prod/web', 'dev/client', NONE]],
    },
    {
      title: 'hostNetwork pods are never subjects nor pod peers',
      policies: anp(
        'all',
        10,
        `subject: { namespaces: {} }\ningress:\n- { action: Deny, from: [{ namespaces: {} }] }`,
      ),
      checks: [
        ['ingress', 'prod/web', 'kube-system/agent', ALL],
        ['ingress', 'kube-system/agent', 'prod/web', ALL],
        ['ingress', 'prod/web', 'dev/client', NONE],
      ],
    },
  ],
};

describe('SEMANTICS B: AdminNetworkPolicy and BaselineAdminNetworkPolicy tiers', () => {
  for (const [rule, cases] of Object.entries(CASES)) {
    describe(rule, () => {
      for (const c of cases) it(c.title, () => expect(runChecks(c)).toEqual(expected(c)));
    });
  }
});

describe('explanations name the tier and the rule', () => {
  it('a Deny rule is a denial with its location; an Allow rule a grant', () => {
    const k = cluster(
      anp(
        'allow-dev',
        10,
        `${PROD}\ningress:\n- { action: Allow, from: ${FROM_DEV}, ports: [{ portNumber: { port: 8080 } }] }\n- { action: Deny, from: ${FROM_DEV} }`,
      ),
    );
    const v = k.ingress('prod/web', 'dev/client');
    expect(v.grants.map((g) => [ruleLabel(g.rule), g.conns.toString(), g.rule.location.line])).toEqual([
      ['AdminNetworkPolicy allow-dev ingress[0]', 'TCP 8080', 9],
    ]);
    expect(v.denials?.map((g) => [ruleLabel(g.rule), g.conns.toString(), g.rule.location.line])).toEqual([
      ['AdminNetworkPolicy allow-dev ingress[1]', 'SCTP 1-65535,TCP 1-8079,8081-65535,UDP 1-65535', 10],
    ]);
    expect(v.uncertainBy).toEqual([]);
  });

  it('NetworkPolicy grants only cover what the ANP passed or left undecided', () => {
    const k = cluster(
      anp(
        'pass',
        10,
        `${PROD}\ningress:\n- { action: Deny, from: ${FROM_DEV}, ports: [{ portNumber: { port: 9090 } }] }`,
      ) + netpol('prod', 'np', 'podSelector: {}\ningress:\n- ports: [{ port: 8080 }, { port: 9090 }]'),
    );
    const v = k.ingress('prod/web', 'dev/client');
    expect(v.grants.map((g) => [ruleLabel(g.rule), g.conns.toString()])).toEqual([
      ['NetworkPolicy prod/np ingress[0]', 'TCP 8080'],
    ]);
    expect(v.allowed.toString()).toBe('TCP 8080');
  });
});

describe('what is not understood is never silent', () => {
  it('an invalid ANP (pods peer without podSelector) is an error, not enforced, and its subjects are uncertain', () => {
    const k = cluster(
      anp('bad', 10, `${PROD}\ningress:\n- { action: Deny, from: [{ pods: { namespaceSelector: {} } }] }`),
    );
    expect(k.engine.diagnostics.map((d) => [d.severity, d.code, d.message.replace(/;.*/, '')])).toEqual([
      [
        'error',
        'invalid-admin-policy',
        'AdminNetworkPolicy bad: spec.ingress[0].from[0].pods.podSelector: podSelector is required',
      ],
    ]);
    expect(k.engine.diagnostics[0]?.reach).toEqual({
      kind: 'workloads',
      workloads: ['prod/api[Deployment]', 'prod/db[Deployment]', 'prod/web[Deployment]'],
    });
    const v = k.ingress('prod/web', 'dev/client');
    expect(v.allowed.toString()).toBe(ALL);
    expect(v.uncertainBy.map((r) => r.name)).toEqual(['bad']);
    expect(k.ingress('dev/web', 'dev/client').uncertainBy).toEqual([]);
  });

  it('two ANPs of one priority selecting a common pod: a warning, and the pod is uncertain', () => {
    const k = cluster(
      denyIngressFromDev('a', 10) + anp('b', 10, `${PROD}\ningress:\n- { action: Allow, from: ${FROM_DEV} }`),
    );
    expect(k.engine.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['warning', 'admin-policy-same-priority'],
    ]);
    expect(k.ingress('prod/web', 'dev/client').uncertainBy.map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('an unknown peer type is an error naming it, and the rule fails closed', () => {
    const k = cluster(
      anp('future', 10, `${PROD}\ningress:\n- { action: Deny, from: [{ sameLabels: [team] }] }`),
    );
    expect(k.engine.diagnostics.map((d) => d.code)).toEqual(['admin-policy-not-understood']);
    expect(k.engine.diagnostics[0]?.message).toMatch(/unknown peer type "sameLabels"/);
    const v = k.ingress('prod/web', 'other/x');
    expect(v.allowed.toString()).toBe(NONE);
    expect(v.uncertainBy.map((r) => r.name)).toEqual(['future']);
  });

  it('invalid ports and priorities are rejected', () => {
    const k = cluster(
      anp(
        'p',
        1001,
        `${PROD}\ningress:\n- { action: Drop, from: ${FROM_DEV}, ports: [{ portRange: { start: 90, end: 80 } }] }`,
      ),
    );
    expect(k.engine.diagnostics.map((d) => d.message.replace(/;.*/, ''))).toEqual([
      'AdminNetworkPolicy p: spec.priority: priority 1001 must be between 0 and 1000',
      'AdminNetworkPolicy p: spec.ingress[0].action: unsupported value "Drop" (expected one of "Allow", "Deny", "Pass")',
      'AdminNetworkPolicy p: spec.ingress[0].ports[0].portRange.end: end 80 must be greater than or equal to start 90',
    ]);
  });
});
