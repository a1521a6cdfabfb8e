import { describe, expect, it } from 'vitest';
import { ALL, cluster, NONE } from './cluster.js';
import { names, netpol } from './fixtures.js';

/** `spec` of a policy selecting app=web in prod, and what the diagnostic must say. */
const INVALID: readonly (readonly [string, string, RegExp])[] = [
  [
    'unknown selector operator',
    `ingress:\n- from: [{podSelector: {matchExpressions: [{key: a, operator: Equals, values: [x]}]}}]`,
    /spec\.ingress\[0\]\.from\[0\]\.podSelector\.matchExpressions\[0\]\.operator: unsupported operator "Equals"/,
  ],
  [
    'In without values',
    `ingress:\n- from: [{podSelector: {matchExpressions: [{key: a, operator: In}]}}]`,
    /values must be non-empty when operator is In/,
  ],
  [
    'Exists with values',
    `ingress:\n- from: [{namespaceSelector: {matchExpressions: [{key: a, operator: Exists, values: [x]}]}}]`,
    /values must be empty when operator is Exists/,
  ],
  ['invalid label key', `ingress:\n- from: [{podSelector: {matchLabels: {"-a": x}}}]`, /label key "-a"/],
  [
    'invalid label value',
    `ingress:\n- from: [{podSelector: {matchLabels: {a: "x y"}}}]`,
    /label value "x y"/,
  ],
  [
    'peer with no fields',
    `ingress:\n- from: [{}]`,
    /from\[0\]: a peer must set podSelector, namespaceSelector or ipBlock/,
  ],
  [
    'ipBlock with a selector',
    `ingress:\n- from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]`,
    /ipBlock may not be combined/,
  ],
  [
    'prefix out of range',
    `ingress:\n- from: [{ipBlock: {cidr: 10.0.0.0/33}}]`,
    /"10\.0\.0\.0\/33" is not a valid/,
  ],
  [
    'address without prefix',
    `ingress:\n- from: [{ipBlock: {cidr: 10.0.0.1}}]`,
    /"10\.0\.0\.1" is not a valid CIDR/,
  ],
  ['octet out of range', `ingress:\n- from: [{ipBlock: {cidr: 300.0.0.0/8}}]`, /not a valid/],
  [
    'cidr missing',
    `ingress:\n- from: [{ipBlock: {except: [10.0.0.0/9]}}]`,
    /ipBlock\.cidr: cidr is required/,
  ],
  [
    'except equal to cidr',
    `ingress:\n- from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}}]`,
    /except\[0\]: except "10\.0\.0\.0\/8" must be a strict subset/,
  ],
  [
    'except outside cidr',
    `ingress:\n- from: [{ipBlock: {cidr: 10.0.0.0/8, except: ["2001:db8::/32"]}}]`,
    /must be a strict subset/,
  ],
  ['invalid protocol', `ingress:\n- ports: [{port: 1, protocol: ICMP}]`, /unsupported protocol "ICMP"/],
  ['lower-case protocol', `ingress:\n- ports: [{port: 1, protocol: tcp}]`, /unsupported protocol "tcp"/],
  [
    'endPort with a named port',
    `ingress:\n- ports: [{port: http, endPort: 90}]`,
    /endPort may not be set when port is a name/,
  ],
  ['endPort without port', `ingress:\n- ports: [{endPort: 90}]`, /endPort may not be set without port/],
  [
    'endPort below port',
    `ingress:\n- ports: [{port: 90, endPort: 80}]`,
    /endPort 80 must be greater than or equal to port 90/,
  ],
  ['port 0', `ingress:\n- ports: [{port: 0}]`, /port 0 must be between 1 and 65535/],
  ['port too large', `ingress:\n- ports: [{port: 70000}]`, /port 70000 must be between/],
  [
    'numeric string port',
    `ingress:\n- ports: [{port: "80"}]`,
    /port name "80" must contain at least one letter/,
  ],
  ['bad port name', `ingress:\n- ports: [{port: Http}]`, /port name "Http"/],
  ['unknown field (typo)', `ingress:\n- from: [{podselector: {}}]`, /unknown field "podselector"/],
  [
    'from in an egress rule',
    `policyTypes: [Egress]\negress:\n- from: [{podSelector: {}}]`,
    /unknown field "from"/,
  ],
  ['rules not a list', `ingress: {from: []}`, /spec\.ingress: must be a list/],
  ['invalid policy type', `policyTypes: [Ingres]`, /policyTypes\[0\]: unsupported policy type "Ingres"/],
  ['too many policy types', `policyTypes: [Ingress, Egress, Ingress]`, /may not list more than 2/],
];

describe('K-val: invalid policies give an error, are not enforced, and make pods uncertain', () => {
  it.each(INVALID)('%s', (_title, spec, message) => {
    const k = cluster(netpol('prod', 'bad', `podSelector: {matchLabels: {app: web}}\n${spec}`));
    const diagnostics = k.engine.diagnostics;
    for (const d of diagnostics) {
      expect(d).toMatchObject({
        severity: 'error',
        code: 'invalid-networkpolicy',
        dropped: 'NetworkPolicy prod/bad',
      });
      expect(d.message).toMatch(/^NetworkPolicy prod\/bad: spec/);
      expect(d.location?.file).toBe('policies.yaml');
    }
    expect(diagnostics.filter((d) => message.test(d.message))).toHaveLength(1);
    // Not enforced: nothing isolates the pod; but the cell is uncertain.
    const egressDirection = spec.includes('Egress') && !spec.includes('Ingress') ? 'egress' : 'ingress';
    const side =
      egressDirection === 'egress' ? k.egress('prod/web', 'dev/client') : k.ingress('prod/web', 'dev/client');
    expect(side.allowed.toString()).toBe(ALL);
    expect(side.isolatedBy).toEqual([]);
    expect(names(side.uncertainBy)).toEqual(['prod/bad']);
    expect(names(k.ingress('prod/db', 'dev/client').uncertainBy)).toEqual([]);
  });

  it('points at the offending node', () => {
    const k = cluster(
      netpol(
        'prod',
        'bad',
        `podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 10.0.0.0/8\n      except: [11.0.0.0/16]`,
      ),
    );
    // Line 1 is `---`; `spec:` adds two spaces: except[0] is on line 13, column 18.
    expect(k.engine.diagnostics[0]!.location).toMatchObject({ line: 13, column: 18 });
  });

  it('an invalid podSelector makes every pod of the namespace uncertain', () => {
    const k = cluster(netpol('prod', 'bad', `podSelector: {matchLabels: {"a/b/c": x}}`));
    for (const pod of ['prod/web', 'prod/db', 'prod/api']) {
      expect(names(k.ingress(pod, 'dev/client').uncertainBy)).toEqual(['prod/bad']);
      expect(k.egress(pod, 'dev/client').uncertainBy).toEqual([]);
    }
    expect(k.ingress('dev/web', 'dev/client').uncertainBy).toEqual([]);
    expect(k.ingress('kube-system/agent', 'dev/client').uncertainBy).toEqual([]);
  });

  it('invalid policyTypes: both directions are uncertain', () => {
    const k = cluster(netpol('prod', 'bad', `podSelector: {}\npolicyTypes: [Both]`));
    expect(names(k.ingress('prod/web', 'dev/client').uncertainBy)).toEqual(['prod/bad']);
    expect(names(k.egress('prod/web', 'dev/client').uncertainBy)).toEqual(['prod/bad']);
  });

  it('never silently opens: a valid deny stays, the invalid allow is not applied', () => {
    const k = cluster(
      netpol('prod', 'deny', `podSelector: {}`) +
        netpol('prod', 'allow', `podSelector: {}\ningress:\n- ports: [{port: 80, protocol: tcp}]`),
    );
    const v = k.ingress('prod/web', 'dev/client');
    expect(v.allowed.toString()).toBe(NONE);
    expect(names(v.isolatedBy)).toEqual(['prod/deny']);
    expect(names(v.uncertainBy)).toEqual(['prod/allow']);
  });

  it('reports every problem of a policy, each with the policy as dropped', () => {
    const k = cluster(
      netpol('prod', 'bad', `ingress:\n- from: [{}]\n  ports: [{port: 0}, {protocol: ICMP}]`),
    );
    expect(k.engine.diagnostics.map((d) => d.message.split(':')[1]!.trim())).toEqual([
      'spec.ingress[0].from[0]',
      'spec.ingress[0].ports[0].port',
      'spec.ingress[0].ports[1].protocol',
    ]);
  });

  it('an unserved built-in apiVersion is invalid; a foreign NetworkPolicy kind is unsupported', () => {
    const old = netpol('prod', 'old', `podSelector: {}`).replace(
      'networking.k8s.io/v1',
      'extensions/v1beta1',
    );
    const calico = netpol('prod', 'calico', `selector: all()`).replace(
      'networking.k8s.io/v1',
      'projectcalico.org/v3',
    );
    const k = cluster(old + calico);
    expect(k.engine.diagnostics.map((d) => [d.code, d.dropped])).toEqual([
      ['invalid-networkpolicy', 'NetworkPolicy prod/old'],
      ['unsupported-networkpolicy-api', 'NetworkPolicy prod/calico'],
    ]);
    expect(names(k.ingress('prod/web', 'dev/client').uncertainBy)).toEqual(['prod/old']);
    expect(k.ingress('prod/web', 'dev/client').allowed.toString()).toBe(ALL);
  });

  it('valid edge forms are accepted: null fields, empty selectors, IPv6, leading-zero octets', () => {
    const k = cluster(
      netpol(
        'prod',
        'ok',
        `podSelector: null
        policyTypes: null
        ingress:
        - from:
          - podSelector: null
            namespaceSelector: {}
          - ipBlock: {cidr: "2001:db8::/32", except: ["2001:db8::/64"]}
          - ipBlock: {cidr: 010.0.0.0/8}
          ports: null
        - null`,
      ),
    );
    expect(k.engine.diagnostics).toEqual([]);
    expect(k.ingress('prod/web', '10.0.0.0/8').allowed.toString()).toBe(ALL);
  });
});
