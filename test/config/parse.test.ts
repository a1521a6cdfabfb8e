import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { type Config, DEFAULT_CONFIG } from '../../src/config/types.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { RULE_IDS } from '../../src/findings/rules.js';

const FILE = 'repo/.policy-diff.yaml';
const location = { revision: 'working-tree', file: FILE, line: 1, column: 1 };

function parseError(text: string): string {
  try {
    parseConfig(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseConfig: defaults', () => {
  it.each([
    ['an empty file', ''],
    ['only comments', '# nothing yet\n'],
    ['explicit null', '~\n'],
    ['empty sections', 'include:\nexclude:\nnamespaces:\ncni:\nmesh:\nsidecar:\nfindings:\n'],
  ])('%s gives the defaults', (_name, text) => {
    expect(parseConfig(text, FILE)).toEqual({ ...DEFAULT_CONFIG, location });
  });

  it('merges a partial section with the defaults of the rest', () => {
    const config = parseConfig('mesh:\n  injection: all\nsidecar:\n  minCpuRequest: 50m\n', FILE);
    expect(config.mesh).toEqual({ ...DEFAULT_CONFIG.mesh, injection: 'all' });
    expect(config.sidecar).toEqual({ minCpuRequest: '50m', minMemoryRequest: '128Mi' });
    expect(config.include).toEqual(DEFAULT_CONFIG.include);
  });
});

describe('parseConfig: a full config', () => {
  it('reads every documented key', () => {
    const text = `
include: ["k8s/**/*.yaml"]
exclude: ["ci/**"]
namespaces:
  payments: { labels: { team: pay, istio-injection: enabled, version: "1" }, annotations: { owner: "Team Pay" } }
  legacy:
cni: { ipBlockMatchesPods: true, hostNetworkPods: 'node' }
cluster: { podCIDRs: [10.244.0.0/16, "fd00:10:244::/56"] }
mesh:
  rootNamespace: mesh-root
  istioNamespace: istio-system
  trustDomain: example.org
  trustDomainAliases: [old.example.org]
  injection: none
  enableNamespacesByDefault: true
  monitoringNamespaces: [monitoring]
  istioRelease: "1.22.3"
sidecar: { minCpuRequest: 100m, minMemoryRequest: 128Mi, defaultCpuRequest: 10m, defaultMemoryRequest: 40Mi }
findings:
  severity: { sidecar-cpu-request-low: warning, policy-selects-nothing: off }
  accept:
    - { rule: sidecar-cpu-request-low, resource: "batch/report[CronJob]", reason: "batch job, tiny proxy is fine" }
    - { rule: new-flow, source: "a/web", destination: "b/db", reason: "approved in TICKET-1" }
report:
  sensitiveNamespaces: [payments]
  sensitiveWorkloads: ["data/*", "*/postgres"]
`;
    const expected: Config = {
      include: ['k8s/**/*.yaml'],
      exclude: ['ci/**'],
      namespaces: {
        payments: {
          labels: { team: 'pay', 'istio-injection': 'enabled', version: '1' },
          annotations: { owner: 'Team Pay' },
        },
        legacy: { labels: {}, annotations: {} },
      },
      cni: { ipBlockMatchesPods: true, hostNetworkPods: 'node' },
      cluster: { podCIDRs: ['10.244.0.0/16', 'fd00:10:244::/56'] },
      mesh: {
        rootNamespace: 'mesh-root',
        istioNamespace: 'istio-system',
        trustDomain: 'example.org',
        trustDomainAliases: ['old.example.org'],
        injection: 'none',
        enableNamespacesByDefault: true,
        monitoringNamespaces: ['monitoring'],
        istioRelease: '1.22.3',
        undeclaredPorts: 'passthrough',
      },
      sidecar: {
        minCpuRequest: '100m',
        minMemoryRequest: '128Mi',
        defaultCpuRequest: '10m',
        defaultMemoryRequest: '40Mi',
      },
      findings: {
        severity: { 'sidecar-cpu-request-low': 'warning', 'policy-selects-nothing': 'off' },
        accept: [
          {
            rule: 'sidecar-cpu-request-low',
            resource: 'batch/report[CronJob]',
            reason: 'batch job, tiny proxy is fine',
          },
          { rule: 'new-flow', source: 'a/web', destination: 'b/db', reason: 'approved in TICKET-1' },
        ],
      },
      render: DEFAULT_CONFIG.render,
      report: { sensitiveNamespaces: ['payments'], sensitiveWorkloads: ['data/*', '*/postgres'] },
      location,
    };
    expect(parseConfig(text, FILE)).toEqual(expected);
  });

  it('validates report.sensitiveNamespaces and report.sensitiveWorkloads', () => {
    expect(parseError('report: { sensitiveNamespaces: [Pay] }\n')).toMatch(
      /report.sensitiveNamespaces\[0\]: invalid namespace 'Pay'/,
    );
    expect(parseError('report: { sensitiveWorkloads: [payments] }\n')).toMatch(
      /not a workload pattern 'namespace\/name'/,
    );
    expect(parseError('report: { sensitiveNamespace: [a] }\n')).toMatch(/sensitiveNamespaces/);
  });

  it('reads mesh.istioRelease as a quoted release, and says to quote an unquoted 1.20', () => {
    expect(parseError('mesh: { istioRelease: 1.20 }\n')).toMatch(/quote it: "1\.20"/);
    expect(parseError('mesh: { istioRelease: "one" }\n')).toMatch(/not an Istio release/);
  });

  it('resolves YAML aliases like the node they stand for', () => {
    const config = parseConfig('exclude: &skip ["ci/**"]\nmesh:\n  trustDomainAliases: *skip\n', FILE);
    expect(config.mesh.trustDomainAliases).toEqual(['ci/**']);
  });

  it('accepts an empty label value, as Kubernetes does', () => {
    const config = parseConfig('namespaces:\n  a:\n    labels:\n      flag: ""\n      other:\n', FILE);
    expect(config.namespaces.a?.labels).toEqual({ flag: '', other: '' });
  });
});

describe('parseConfig: errors name the file and line', () => {
  it.each([
    ['malformed YAML', 'mesh:\n  injection: [all\n', /^repo\/\.policy-diff\.yaml:3: invalid YAML: /],
    [
      'duplicate keys',
      'cni: {}\ncni: {}\n',
      /^repo\/\.policy-diff\.yaml:2: invalid YAML: Map keys must be unique/,
    ],
    ['two documents', 'cni: {}\n---\ncni: {}\n', /^repo\/\.policy-diff\.yaml:2: invalid YAML: /],
  ])('%s', (_name, text, message) => {
    expect(parseError(text)).toMatch(message);
  });

  it.each([
    ['a list at the top level', '- a\n', '1: the config: expected a mapping, got a list'],
    [
      'unknown top-level key',
      'cni: {}\nnamespace: {}\n',
      "2: unknown key 'namespace' at the top level; did you mean 'namespaces'?",
    ],
    [
      'unknown key far from any',
      'frobnicate: 1\n',
      "1: unknown key 'frobnicate' at the top level; expected 'include', 'exclude', 'namespaces', 'cni', 'cluster', 'mesh', 'sidecar', 'findings', 'render', 'targets', 'report' or 'allowEmptyRevision'",
    ],
    [
      'kebab-case key',
      'cni:\n  ip-block-matches-pods: true\n',
      "2: unknown key 'ip-block-matches-pods' in cni; did you mean 'ipBlockMatchesPods'?",
    ],
    [
      'include not a list',
      'include: "**/*.yaml"\n',
      "1: include: expected a list, got the string '**/*.yaml'",
    ],
    ['include empty', 'include: []\n', '1: include: must list at least one glob'],
    ['empty glob', 'exclude: ["ci/**", ""]\n', '1: exclude[1]: must not be empty'],
    [
      'numeric glob',
      'exclude:\n  - 42\n',
      '2: exclude[0]: expected a non-empty string, got the number 42; quote it: "42"',
    ],
    [
      'labels directly under a namespace',
      'namespaces:\n  payments:\n    namespace: x\n',
      "3: unknown key 'namespace' in namespaces.payments; expected 'labels' or 'annotations' (put labels under 'labels:')",
    ],
    [
      'invalid namespace name',
      'namespaces:\n  Payments: {}\n',
      "2: namespaces: invalid namespace 'Payments': a namespace name has lowercase letters, digits and -, and starts and ends with a letter or digit",
    ],
    [
      'namespace not a mapping',
      'namespaces:\n  payments: yes\n',
      "2: namespaces.payments: expected a mapping, got the string 'yes'",
    ],
    [
      'numeric label value',
      'namespaces:\n  payments:\n    labels:\n      version: 1\n',
      '4: namespaces.payments.labels.version: expected a string, got the number 1; quote it: "1"',
    ],
    [
      'boolean label value',
      'namespaces:\n  payments:\n    labels: { istio-injection: true }\n',
      '3: namespaces.payments.labels.istio-injection: expected a string, got the boolean true; quote it: "true"',
    ],
    [
      'invalid label value',
      'namespaces:\n  payments:\n    labels: { team: "pay team" }\n',
      "3: namespaces.payments.labels.team: invalid label value 'pay team': a label value has at most 63 characters: letters, digits, -, _ and ., starting and ending with a letter or digit",
    ],
    [
      'invalid label key',
      'namespaces:\n  payments:\n    labels: { "Example.com/team": pay }\n',
      "3: namespaces.payments.labels: invalid key 'Example.com/team': the prefix before / must be a lowercase DNS subdomain",
    ],
    [
      'numeric label key',
      'namespaces:\n  p:\n    labels: { 1: a }\n',
      '3: keys in namespaces.p.labels must be non-empty strings, got the number 1',
    ],
    [
      'cni flag as string',
      'cni:\n  ipBlockMatchesPods: "yes"\n',
      "2: cni.ipBlockMatchesPods: expected true or false, got the string 'yes'",
    ],
    [
      'injection enum',
      'mesh:\n  injection: labeled\n',
      "2: mesh.injection: expected one of 'labelled', 'all' or 'none', got 'labeled'",
    ],
    ['mesh typo', 'mesh:\n  injecton: all\n', "2: unknown key 'injecton' in mesh; did you mean 'injection'?"],
    ['empty trust domain', 'mesh:\n  trustDomain: " "\n', '2: mesh.trustDomain: must not be empty'],
    [
      'pod CIDR not a CIDR',
      'cluster:\n  podCIDRs: [10.244.0.0/33]\n',
      "2: cluster.podCIDRs[0]: '10.244.0.0/33' is not a CIDR (e.g. 10.244.0.0/16)",
    ],
    [
      'invalid monitoring namespace',
      'mesh:\n  monitoringNamespaces: [ok, Not_OK]\n',
      "2: mesh.monitoringNamespaces[1]: invalid namespace 'Not_OK': a namespace name has lowercase letters, digits and -, and starts and ends with a letter or digit",
    ],
    [
      'enableNamespacesByDefault not bool',
      'mesh:\n  enableNamespacesByDefault: 1\n',
      '2: mesh.enableNamespacesByDefault: expected true or false, got the number 1',
    ],
    [
      'numeric quantity',
      'sidecar:\n  minCpuRequest: 1\n',
      '2: sidecar.minCpuRequest: expected a quantity string, got the number 1; quote it: "1"',
    ],
    [
      'empty quantity',
      'sidecar:\n  minMemoryRequest: ""\n',
      '2: sidecar.minMemoryRequest: must not be empty',
    ],
    [
      'sidecar unknown key',
      'sidecar:\n  cpu: 1\n',
      "2: unknown key 'cpu' in sidecar; expected 'minCpuRequest', 'minMemoryRequest', 'defaultCpuRequest' or 'defaultMemoryRequest'",
    ],
    [
      'bad severity',
      'findings:\n  severity:\n    some-rule: fatal\n',
      "3: findings.severity.some-rule: expected one of 'error', 'warning', 'info' or 'off', got 'fatal'",
    ],
    [
      'missing severity',
      'findings:\n  severity:\n    some-rule:\n',
      '3: findings.severity.some-rule: missing severity',
    ],
    ['accept not a list', 'findings:\n  accept: {}\n', '2: findings.accept: expected a list, got a mapping'],
    [
      'accept without rule',
      'findings:\n  accept:\n    - { resource: "a/b[Pod]", reason: r }\n',
      "3: findings.accept[0]: missing 'rule'",
    ],
    [
      'accept without reason',
      'findings:\n  accept:\n    - rule: r\n      resource: "a/b[Pod]"\n',
      "3: findings.accept[0]: missing 'reason' (say why it is accepted)",
    ],
    [
      'accept without target',
      'findings:\n  accept:\n    - { rule: r, reason: why }\n',
      "3: findings.accept[0]: needs 'resource', or 'source' and/or 'destination'",
    ],
    [
      'accept with both',
      'findings:\n  accept:\n    - { rule: r, reason: why, resource: "a/b[Pod]", source: a/b }\n',
      "3: findings.accept[0]: use either 'resource' or 'source'/'destination', not both",
    ],
    [
      'accept unknown key',
      'findings:\n  accept:\n    - { rule: r, reasons: why }\n',
      "3: unknown key 'reasons' in findings.accept[0]; did you mean 'reason'?",
    ],
    [
      'accept empty reason',
      'findings:\n  accept:\n    - { rule: r, reason: "", resource: x }\n',
      '3: findings.accept[0].reason: must not be empty',
    ],
  ])('%s', (_name, text, message) => {
    expect(parseError(text)).toBe(`${FILE}:${message}`);
  });
});

describe("parseConfig: rule ids are the findings' rules", () => {
  const parse = (text: string) => () => parseConfig(text, FILE, { ruleIds: RULE_IDS });

  it.each([
    [
      'a misspelt severity rule',
      'findings:\n  severity:\n    policy-select-nothing: off\n',
      "3: unknown key 'policy-select-nothing' in findings.severity; did you mean 'policy-selects-nothing'? (finding rule ids)",
    ],
    [
      'a misspelt accepted rule',
      'findings:\n  accept:\n    - { rule: sidecar-dns-block, resource: a/b, reason: why }\n',
      "3: findings.accept[0].rule: unknown rule 'sidecar-dns-block'; did you mean 'sidecar-dns-blocked'?",
    ],
    [
      'an accepted rule far from any',
      'findings:\n  accept:\n    - { rule: frobnicate, resource: a/b, reason: why }\n',
      "3: findings.accept[0].rule: unknown rule 'frobnicate'; expected a finding rule id (docs/findings.md) or '*'",
    ],
  ])('%s is a config error with a suggestion', (_name, text, message) => {
    expect(parse(text)).toThrow(new ConfigurationError(`${FILE}:${message}`));
  });

  it('accepts every rule id, and * in accept', () => {
    const severity = RULE_IDS.map((id) => `    ${id}: info`).join('\n');
    const config = parse(
      `findings:\n  severity:\n${severity}\n  accept:\n    - { rule: '*', resource: a/b, reason: why }\n`,
    )();
    expect(Object.keys(config.findings.severity)).toEqual(RULE_IDS);
  });
});

describe('parseConfig: allowEmptyRevision', () => {
  it('is absent by default and read as a boolean', () => {
    expect(parseConfig('', FILE).allowEmptyRevision).toBeUndefined();
    expect(parseConfig('allowEmptyRevision: true\n', FILE).allowEmptyRevision).toBe(true);
    expect(parseError('allowEmptyRevision: yes please\n')).toMatch(/expected true or false/);
  });
});
