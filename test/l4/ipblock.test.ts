import { describe, expect, it } from 'vitest';
import { externalPeer } from '../../src/model/peers.js';
import { cutAddressSpace, formatRangeAsCidr } from '../../src/values/ip-range.js';
import { ALL, type Case, cluster, expected, NONE, runChecks } from './cluster.js';
import { netpol } from './fixtures.js';

const egressTo = (peers: string, ports = '') =>
  netpol(
    'prod',
    'p',
    `podSelector: {}\npolicyTypes: [Egress]\negress:\n- to: ${peers}${ports ? `\n  ports: ${ports}` : ''}`,
  );

const CASES: Record<string, readonly Case[]> = {
  'A11 ipBlock: cidr minus except, external ranges': [
    {
      title: 'a range inside cidr and outside every except matches',
      policies: egressTo('[{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, 10.2.3.0/24]}}]'),
      checks: [
        ['egress', 'prod/web', '10.0.0.0/16', ALL],
        ['egress', 'prod/web', '10.1.0.0/16', NONE],
        ['egress', 'prod/web', '10.1.2.0/24', NONE],
        ['egress', 'prod/web', '10.2.3.4/32', NONE],
        ['egress', 'prod/web', '10.2.4.0/24', ALL],
        ['egress', 'prod/web', '11.0.0.0/8', NONE],
      ],
    },
    {
      title: 'a range only partly inside the block does not match (never silently open)',
      policies: egressTo('[{ipBlock: {cidr: 10.0.0.0/9}}]'),
      checks: [
        ['egress', 'prod/web', '10.0.0.0/8', NONE],
        ['egress', 'prod/web', '10.0.0.0/9', ALL],
      ],
    },
    {
      title: 'IPv6 blocks and except; families never mix',
      policies: egressTo(
        '[{ipBlock: {cidr: "2001:db8::/32", except: ["2001:db8:1::/48"]}}]',
        '[{port: 443}]',
      ),
      checks: [
        ['egress', 'prod/web', '2001:db8:2::/48', 'TCP 443'],
        ['egress', 'prod/web', '2001:db8:1::5/128', NONE],
        ['egress', 'prod/web', '10.0.0.0/8', NONE],
      ],
    },
    {
      title: 'ingress from an external range',
      policies: netpol('prod', 'p', `podSelector: {}\ningress:\n- from: [{ipBlock: {cidr: 192.0.2.0/24}}]`),
      checks: [
        ['ingress', 'prod/web', '192.0.2.128/25', ALL],
        ['ingress', 'prod/web', '198.51.100.0/24', NONE],
      ],
    },
  ],
  'A11 ipBlock vs pods is a CNI profile (edge case 5)': [
    {
      title: 'ipBlockMatchesPods false: 0.0.0.0/0 matches no pod',
      policies: egressTo('[{ipBlock: {cidr: 0.0.0.0/0}}]'),
      checks: [
        ['egress', 'prod/web', 'prod/db', NONE],
        ['egress', 'prod/web', 'kube-system/agent', NONE],
        ['egress', 'prod/web', '1.2.3.4/32', ALL],
      ],
    },
    {
      title: 'ipBlockMatchesPods true: whole-family blocks without except match pods and nodes',
      ipBlockMatchesPods: true,
      policies:
        egressTo('[{ipBlock: {cidr: 0.0.0.0/0}}]', '[{port: 1}]') +
        egressTo('[{ipBlock: {cidr: "::/0"}}]', '[{port: 2}]').replace('name: p', 'name: q') +
        egressTo('[{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]', '[{port: 3}]').replace(
          'name: p',
          'name: r',
        ) +
        egressTo('[{ipBlock: {cidr: 10.0.0.0/8}}]', '[{port: 4}]').replace('name: p', 'name: s'),
      checks: [
        ['egress', 'prod/web', 'prod/db', 'TCP 1-2'],
        ['egress', 'prod/web', 'kube-system/agent', 'TCP 1-2'],
        ['egress', 'prod/web', '10.1.1.1/32', 'TCP 1,4'],
        ['egress', 'prod/web', '11.1.1.1/32', 'TCP 1,3'],
      ],
    },
  ],
};

describe.each(Object.entries(CASES))('%s', (_rule, cases) => {
  it.each(cases.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    expect(runChecks(c)).toEqual(expected(c));
  });
});

describe('ipBoundaries', () => {
  it('lists every cidr and except once, sorted, and cuts the space into matching peers', () => {
    const k = cluster(
      egressTo('[{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}, {ipBlock: {cidr: 10.0.0.0/8}}]') +
        netpol('prod', 'q', `podSelector: {}\ningress:\n- from: [{ipBlock: {cidr: "2001:db8::/32"}}]`),
    );
    expect(k.engine.ipBoundaries.map(formatRangeAsCidr)).toEqual([
      '10.0.0.0/8',
      '10.1.0.0/16',
      '2001:db8::/32',
    ]);
    const web = k.workload('prod/web');
    const verdicts = cutAddressSpace(k.engine.ipBoundaries).map((r) => {
      const allowed = k.engine.egress(web, externalPeer(r)).allowed.toString();
      return `${formatRangeAsCidr(r)} ${allowed === ALL ? 'yes' : 'no'}`;
    });
    expect(verdicts).toEqual([
      '0.0.0.0-9.255.255.255 no',
      '10.0.0.0/16 yes',
      // The second block has no except: the elements are ORed.
      '10.1.0.0/16 yes',
      '10.2.0.0-10.255.255.255 yes',
      '11.0.0.0-255.255.255.255 no',
      '::-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff no',
      '2001:db8::/32 no',
      '2001:db9::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff no',
    ]);
  });
});
