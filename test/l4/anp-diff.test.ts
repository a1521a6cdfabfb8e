import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { diffRevisions } from '../../src/analysis/diff-revisions.js';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { renderMatrixText } from '../../src/render/matrix.js';

/** The diff over AdminNetworkPolicy / BaselineAdminNetworkPolicy changes (issue 20), end to end. */

const side = (label: string, yaml: string) =>
  analyseRevision({ label, files: [{ path: 'all.yaml', text: yaml }], diagnostics: [] }, DEFAULT_CONFIG);
const diff = (base: string, head: string) =>
  diffRevisions(side('base', base), side('head', head), { layer: 'l4', config: DEFAULT_CONFIG });

const NAMESPACES = ['a', 'b', 'c'];
const pod = (ns: string, app: string) => `
---
apiVersion: v1
kind: Pod
metadata: { name: ${app}, namespace: ${ns}, labels: { app: ${app} } }
spec: { containers: [{ name: c, image: i, ports: [{ name: http, containerPort: 8080 }] }] }
`;
const PODS = NAMESPACES.flatMap((ns) => [pod(ns, 'web'), pod(ns, 'db')]).join('');
const nsSelector = (ns: string) => `{ matchLabels: { kubernetes.io/metadata.name: ${ns} } }`;

interface RuleSpec {
  readonly action: 'Allow' | 'Deny' | 'Pass';
  readonly direction: 'ingress' | 'egress';
  readonly peer: string;
  readonly port?: number;
}

const anp = (name: string, priority: number, subject: string, rules: readonly RuleSpec[]) => {
  const dir = (d: 'ingress' | 'egress') => {
    const list = rules.filter((r) => r.direction === d);
    if (list.length === 0) return '';
    const field = d === 'ingress' ? 'from' : 'to';
    return `  ${d}:\n${list
      .map(
        (r) =>
          `  - action: ${r.action}\n    ${field}: [{ namespaces: ${nsSelector(r.peer)} }]${r.port ? `\n    ports: [{ portNumber: { port: ${r.port} } }]` : ''}`,
      )
      .join('\n')}\n`;
  };
  return `
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: { name: ${name} }
spec:
  priority: ${priority}
  subject: { namespaces: ${nsSelector(subject)} }
${dir('ingress')}${dir('egress')}`;
};
const banp = (subject: string, rules: readonly RuleSpec[]) =>
  anp('default', 0, subject, rules)
    .replace('kind: AdminNetworkPolicy', 'kind: BaselineAdminNetworkPolicy')
    .replace('  priority: 0\n', '');
const netpolAllowFrom = (ns: string, from: string) => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-${from}, namespace: ${ns} }
spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: ${nsSelector(from)} }] }] }
`;

const DENY_INTO_A = `
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: { name: cluster-deny }
spec:
  priority: 10
  subject: { namespaces: ${nsSelector('a')} }
  ingress:
  - { name: all, action: Deny, from: [{ namespaces: {} }] }
`;

describe('a deny-all AdminNetworkPolicy added in a pull request', () => {
  it('the matrix names the tier, the rule and its line for each side', () => {
    const rev = side(
      'head',
      PODS +
        DENY_INTO_A.replace(
          'from: [{ namespaces: {} }]',
          'from: [{ namespaces: {} }], ports: [{ portNumber: { port: 8080 } }]',
        ),
    );
    const [m] = buildLayerMatrices(rev, rev, 'l4');
    const text = renderMatrixText(m, 'l4');
    expect(text).toContain(
      'b/web[Pod] => a/db[Pod] : SCTP 1-65535,TCP 1-8079,8081-65535,UDP 1-65535\n    egress: not isolated\n    ingress: AdminNetworkPolicy cluster-deny ingress[0] denies [TCP 8080] (all.yaml:46)\n',
    );
  });

  it('closes every path into its subjects, each naming the ANP rule and its line; the run is complete', () => {
    const deny = `
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: { name: cluster-deny }
spec:
  priority: 10
  subject: { namespaces: ${nsSelector('a')} }
  ingress:
  - { name: all, action: Deny, from: [{ namespaces: {} }] }
`;
    const r = diff(PODS, PODS + deny);
    expect(r.incomplete).toBe(false);
    const closed = r.changes.filter((c) => c.kind === 'closed');
    // Every other pod into both pods of a (a's own included): 5 x 2; external sources are not pods.
    expect(closed.map((c) => `${c.source.id} -> ${c.destination.id}`)).toHaveLength(10);
    expect(r.changes.every((c) => c.destination.namespace === 'a' && c.kind === 'closed')).toBe(true);
    expect(closed[0]?.causes).toEqual([
      expect.objectContaining({
        revision: 'head',
        effect: 'denies',
        direction: 'ingress',
        rule: 'AdminNetworkPolicy cluster-deny ingress[0]',
        conns: 'All Connections',
        location: expect.objectContaining({ file: 'all.yaml', line: expect.any(Number) }),
      }),
    ]);
    expect(closed.every((c) => !c.uncertain)).toBe(true);
  });
});

const ruleArb = fc.record({
  action: fc.constantFrom<'Allow' | 'Deny' | 'Pass'>('Allow', 'Deny', 'Pass'),
  direction: fc.constantFrom<'ingress' | 'egress'>('ingress', 'egress'),
  peer: fc.constantFrom(...NAMESPACES),
  port: fc.option(fc.constant(8080), { nil: undefined }),
});
const anpArb = fc.record({
  subject: fc.constantFrom(...NAMESPACES),
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 3 }),
});
const repoArb = fc.record({
  anps: fc.array(anpArb, { maxLength: 2 }),
  banp: fc.option(
    anpArb.map((a) => ({
      ...a,
      rules: a.rules.map((r) => ({ ...r, action: r.action === 'Pass' ? ('Deny' as const) : r.action })),
    })),
    { nil: undefined },
  ),
  netpols: fc.array(fc.tuple(fc.constantFrom(...NAMESPACES), fc.constantFrom(...NAMESPACES)), {
    maxLength: 2,
  }),
});
type Repo = typeof repoArb extends fc.Arbitrary<infer T> ? T : never;

const render = (repo: Repo, extra = '') =>
  PODS +
  repo.anps.map((a, i) => anp(`p${i}`, (i + 1) * 10, a.subject, a.rules)).join('') +
  (repo.banp ? banp(repo.banp.subject, repo.banp.rules) : '') +
  repo.netpols.map(([ns, from]) => netpolAllowFrom(ns, from)).join('') +
  extra;

describe('laws', () => {
  it('adding a Deny rule to an AdminNetworkPolicy never opens a path', () => {
    fc.assert(
      fc.property(repoArb, ruleArb, fc.constantFrom(...NAMESPACES), (repo, rule, subject) => {
        const deny = anp('zz-deny', 5, subject, [{ ...rule, action: 'Deny' }]);
        const r = diff(render(repo), render(repo, deny));
        expect(r.changes.filter((c) => c.kind === 'opened' || c.added !== '')).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it('removing the BaselineAdminNetworkPolicy never closes a path', () => {
    fc.assert(
      fc.property(repoArb, (repo) => {
        fc.pre(repo.banp !== undefined);
        const r = diff(render(repo), render({ ...repo, banp: undefined }));
        expect(r.changes.filter((c) => c.kind === 'closed' || c.removed !== '')).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});
