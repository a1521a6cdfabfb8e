import { describe, expect, it } from 'vitest';
import { ALL, type Case, cluster, expected, NONE, runChecks } from './cluster.js';
import { netpol, summarize } from './fixtures.js';

const ingressPorts = (ports: string) => netpol('prod', 'p', `podSelector: {}\ningress:\n- ports: ${ports}`);
const egressPorts = (ports: string) =>
  netpol('prod', 'p', `podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports: ${ports}`);

const CASES: Record<string, readonly Case[]> = {
  'A13 protocols, numbers and ranges': [
    {
      title: 'protocol defaults to TCP',
      policies: ingressPorts('[{port: 80}]'),
      checks: [['ingress', 'prod/web', 'dev/client', 'TCP 80']],
    },
    {
      title: 'UDP and SCTP',
      policies: ingressPorts('[{port: 53, protocol: UDP}, {port: 9000, protocol: SCTP}]'),
      checks: [['ingress', 'prod/web', 'dev/client', 'SCTP 9000,UDP 53']],
    },
    {
      title: 'endPort is an inclusive range',
      policies: ingressPorts('[{port: 32000, endPort: 32768}, {port: 100, endPort: 100, protocol: UDP}]'),
      checks: [['ingress', 'prod/web', 'dev/client', 'TCP 32000-32768,UDP 100']],
    },
    {
      title: 'an entry with only a protocol is every port of that protocol',
      policies: ingressPorts('[{protocol: UDP}]'),
      checks: [['ingress', 'prod/web', 'dev/client', 'UDP 1-65535']],
    },
    {
      title: 'an entry of null is {} (every TCP port)',
      policies: ingressPorts('[null]'),
      checks: [['ingress', 'prod/web', 'dev/client', 'TCP 1-65535']],
    },
    {
      title: 'ports: [] is every port of every protocol',
      policies: ingressPorts('[]'),
      checks: [['ingress', 'prod/web', 'dev/client', ALL]],
    },
  ],
  'A14 named ports resolve on the destination pod (edge case 4)': [
    {
      title: 'ingress: against the selected pod; one name, different numbers per pod',
      policies: ingressPorts('[{port: http}]'),
      checks: [
        ['ingress', 'prod/web', 'dev/client', 'TCP 8080'],
        ['ingress', 'prod/db', 'dev/client', 'TCP 8081'],
        ['ingress', 'prod/api', 'dev/client', 'TCP 9000'],
        ['ingress', 'prod/web', '192.0.2.0/24', 'TCP 8080'],
      ],
    },
    {
      title: 'egress: against each destination pod, never the source',
      policies: egressPorts('[{port: http}]'),
      checks: [
        ['egress', 'prod/web', 'prod/db', 'TCP 8081'],
        ['egress', 'prod/web', 'prod/api', 'TCP 9000'],
        ['egress', 'prod/web', 'dev/web', 'TCP 7000'],
        ['egress', 'prod/db', 'prod/web', 'TCP 8080'],
        ['egress', 'prod/web', 'dev/client', NONE],
      ],
    },
    {
      title: 'a named port never matches an external destination',
      policies: egressPorts('[{port: http}, {port: 443}]'),
      checks: [
        ['egress', 'prod/web', '8.8.8.8/32', 'TCP 443'],
        ['egress', 'prod/web', 'prod/api', 'TCP 443,9000'],
      ],
    },
    {
      title: 'protocol mismatch matches nothing',
      policies: ingressPorts('[{port: dns}, {port: http, protocol: UDP}, {port: dns, protocol: UDP}]'),
      checks: [
        ['ingress', 'prod/api', 'dev/client', 'UDP 53'],
        ['ingress', 'prod/web', 'dev/client', NONE],
      ],
    },
  ],
};

describe.each(Object.entries(CASES))('%s', (_rule, cases) => {
  it.each(cases.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    expect(runChecks(c)).toEqual(expected(c));
  });
});

describe('grants', () => {
  it('one grant per rule that allows something, with named ports resolved, sorted by rule', () => {
    const k = cluster(
      netpol(
        'prod',
        'b',
        `podSelector: {}
        ingress:
        - ports: [{port: http}]
        - from: [{podSelector: {matchLabels: {app: db}}}]
        - ports: [{port: pg}]`,
      ) +
        netpol(
          'prod',
          'a',
          `podSelector: {matchLabels: {app: web}}\ningress:\n- ports: [{port: 1, protocol: SCTP}]`,
        ),
    );
    expect(summarize(k.ingress('prod/web', 'dev/client'))).toEqual({
      isolatedBy: ['prod/a', 'prod/b'],
      grants: ['a ingress[0]: SCTP 1', 'b ingress[0]: TCP 8080'],
      uncertainBy: [],
      allowed: 'SCTP 1,TCP 8080',
    });
  });

  it('a rule keeps the location of the rule itself', () => {
    const k = cluster(
      netpol('prod', 'p', `podSelector: {}\ningress:\n- ports: [{port: 1}]\n- ports: [{port: 2}]`),
    );
    const grants = k.ingress('prod/web', 'dev/client').grants;
    expect(grants.map((g) => [g.rule.rule, g.rule.location.line, g.rule.location.column])).toEqual([
      ['ingress[0]', 10, 5],
      ['ingress[1]', 11, 5],
    ]);
    expect(grants[0]!.rule.policy).toMatchObject({ kind: 'NetworkPolicy', namespace: 'prod', name: 'p' });
    expect(grants[0]!.rule.policy.location.line).toBe(2);
  });

  it('not isolated: all allowed, no grants', () => {
    const k = cluster('');
    expect(summarize(k.egress('prod/web', '8.8.8.8/32'))).toEqual({
      isolatedBy: [],
      grants: [],
      uncertainBy: [],
      allowed: ALL,
    });
  });
});
