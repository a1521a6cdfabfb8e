import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnalysedRevision, analyseRevision } from '../../src/analysis/analyze-revision.js';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { revisionContext } from '../../src/findings/context.js';
import { computeFindings, RULES, revisionFindings } from '../../src/findings/index.js';
import type { RawFinding } from '../../src/findings/types.js';
import type { Finding } from '../../src/report/types.js';
import { analyse, clusterWidePairArb, editedPairArb, type RandomRepo } from '../matrix/random-repo.js';
import { deployment, NAMESPACES } from './helpers.js';
import {
  deadEntryPairArb,
  leanClusterWidePairArb,
  pairArb,
  podEditPairArb,
  strictEditPairArb,
} from './lean-repo.js';

/** What a reader sees of a finding: everything but the order. */
function shown(f: Finding): string {
  return JSON.stringify([f.rule, f.status, f.title, f.message, f.locations, f.source, f.destination]);
}

/** Remembers nothing: every answer the rules would share or carry forward is computed again. */
class Forgetful extends Map<string, unknown> {
  override set(): this {
    return this;
  }
}

/**
 * The plain computation: each revision's rules from scratch (own matrices, nothing remembered within or
 * between the revisions), classified by rule and subject as computeFindings does (default config: no
 * severity changes, nothing accepted).
 */
function fromScratch(base: AnalysedRevision, head: AnalysedRevision): string[] {
  const fresh = buildLayerMatrices(base, head, 'effective');
  const [before, after] = [base, head].map((rev, i) =>
    revisionFindings(revisionContext(rev, fresh[i]!, DEFAULT_CONFIG, new Forgetful())),
  ) as [Map<string, RawFinding>, Map<string, RawFinding>];
  const finding = (f: RawFinding, status: Finding['status']): Finding => ({
    rule: f.rule,
    severity: RULES[f.rule].severity,
    status,
    title: `${RULES[f.rule].title}: ${f.about ?? f.subject}`,
    message: f.message,
    locations: f.locations,
    ...(f.source !== undefined ? { source: f.source } : {}),
    ...(f.destination !== undefined ? { destination: f.destination } : {}),
  });
  const out = [...after].map(([k, f]) => finding(f, before.has(k) ? 'existing' : 'new'));
  for (const [k, f] of before) if (!after.has(k)) out.push(finding(f, 'fixed'));
  return out.map(shown).sort();
}

const PAIR_RULES = new Set(['mesh-allows-network-blocks', 'network-allows-mesh-denies']);

/** Findings the law must see for it to say something: the pair rules', or STRICT pairs. */
type Counted = (f: Finding) => boolean;
const pairRules: Counted = (f) => PAIR_RULES.has(f.rule);
const strictPairs: Counted = (f) =>
  f.rule === 'identity-from-workload-without-sidecar' && f.title.endsWith('(STRICT mTLS)');

function law(
  pairs: fc.Arbitrary<readonly [RandomRepo, RandomRepo]>,
  runs: number,
  counted = pairRules,
): number {
  let pairFindings = 0;
  fc.assert(
    fc.property(pairs, ([b, h]) => {
      const [base, head] = [analyse(b, 'base'), analyse(h, 'head')];
      // The production path: base first, head reusing base's decisions where fingerprints agree.
      const incremental = computeFindings(
        base,
        head,
        buildLayerMatrices(base, head, 'effective'),
        DEFAULT_CONFIG,
      );
      const plain = fromScratch(base, head);
      pairFindings += incremental.findings.filter(counted).length;
      expect(incremental.findings.map(shown).sort()).toEqual(plain);
    }),
    { numRuns: runs },
  );
  return pairFindings;
}

describe('findings carried from base to head equal findings computed from scratch', () => {
  it('after cluster-wide changes (random repositories)', () => {
    law(clusterWidePairArb, 150);
  });

  it('after cluster-wide changes on repositories where the pair rules find something', () => {
    // The pair rules must have something to carry, else the law says nothing about them.
    expect(law(leanClusterWidePairArb, 200)).toBeGreaterThan(20);
  });

  it('after one pod added, removed or replaced (the lists an entry names change)', () => {
    expect(law(podEditPairArb, 150)).toBeGreaterThan(20);
    expect(law(deadEntryPairArb, 150)).toBeGreaterThan(20);
  });

  it('after one plaintext client added, removed or replaced (STRICT pairs carried by stability)', () => {
    // Only the pairs with a changed end are asked again: a client head adds must be found.
    expect(law(strictEditPairArb, 150, strictPairs)).toBeGreaterThan(20);
  });

  it('after random edits', () => {
    law(editedPairArb, 100);
    expect(law(pairArb, 150)).toBeGreaterThan(20);
  });

  // The random repositories hold one rule per policy, and rarely a new source that revives a dead
  // entry at a destination that did not change: what the carried decisions rest on is exercised here.
  const entryRepo = (rulePorts: readonly string[], extra = '') => `${NAMESPACES}
---
apiVersion: v1
kind: Namespace
metadata: { name: shop2, labels: { istio-injection: enabled } }
${deployment('shop', 'api')}${deployment('shop2', 'web')}${deployment('shop2', 'batch')}${extra}
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 80, targetPort: 80 }, { name: http-alt, port: 8080 }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-ingress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress:
    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: shop2 } } }]
      ports: [{ port: 8080 }]
    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: shop2 } }, podSelector: { matchLabels: { app: web2 } } }]
      ports: [{ port: 80 }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  action: ALLOW
  rules:
${rulePorts.map((p) => `    - from: [{ source: { namespaces: ["shop2"] } }]\n      to: [{ operation: { ports: ["${p}"] } }]`).join('\n')}
`;
  const side = (label: string, text: string) =>
    analyseRevision({ label, files: [{ path: 'all.yaml', text }], diagnostics: [] }, DEFAULT_CONFIG);
  const deadEntries = (baseYaml: string, headYaml: string) => {
    const [base, head] = [side('base', baseYaml), side('head', headYaml)];
    const incremental = computeFindings(
      base,
      head,
      buildLayerMatrices(base, head, 'effective'),
      DEFAULT_CONFIG,
    );
    expect(incremental.findings.map(shown).sort()).toEqual(fromScratch(base, head));
    return incremental.findings
      .filter((f) => f.rule === 'mesh-allows-network-blocks')
      .map((f) => `${f.status} ${f.title.replace(/.*: /, '')}`);
  };

  it('two rules of one policy naming the same source on different ports are decided apart', () => {
    // NetworkPolicy opens 8080 to shop2 (80 to a web2 only, which base and head lack): the rule on
    // port 80 is dead, the one on 8080 alive, whichever comes first. Head moves batch: the entry's
    // lists change, the policy and api do not.
    const moved = (yaml: string) =>
      yaml.replace('name: batch, namespace: shop2', 'name: batch, namespace: shop');
    for (const [ports, dead] of [
      [['80', '8080'], 'rules[0]'],
      [['8080', '80'], 'rules[1]'],
    ] as const) {
      expect(deadEntries(entryRepo(ports), moved(entryRepo(ports)))).toEqual([
        `existing AuthorizationPolicy shop/api ${dead} namespaces=shop2`,
      ]);
    }
  });

  // The entry's representative source decides whether Istio would let it through (the entry is
  // dead only then); base's answer is carried only for the same, stable representative.
  const excludingRepo = (workloads: string) => `${NAMESPACES}
---
apiVersion: v1
kind: Namespace
metadata: { name: shop2, labels: { istio-injection: enabled } }
${deployment('shop', 'api')}${workloads}
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 80, targetPort: 80 }, { name: http-alt, port: 8080 }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-ingress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress:
    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: shop2 } } }]
      ports: [{ port: 8080 }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  action: ALLOW
  rules:
    - from: [{ source: { namespaces: ["shop2"], notPrincipals: ["cluster.local/ns/shop2/sa/other"] } }]
      to: [{ operation: { ports: ["80"] } }]
`;

  it('a representative whose identity changed is asked again (the destination did not change)', () => {
    // alpha represents shop2 (first of its workloads); NetworkPolicy blocks port 80 from shop2.
    // Base: the rule lets alpha in, so the entry is dead; head: alpha runs as `other`, which the
    // rule leaves out, so it is not.
    const shop2 = (sa: string) =>
      deployment('shop2', 'alpha', { sa }) + deployment('shop2', 'beta', { sa: 'other' });
    expect(deadEntries(excludingRepo(shop2('alpha')), excludingRepo(shop2('other')))).toEqual([
      'fixed AuthorizationPolicy shop/api rules[0] namespaces=shop2',
    ]);
  });

  it('another representative is asked again, even a stable one', () => {
    // Head removes alpha: beta (stable, running as `other`) now represents shop2, and the rule leaves it out.
    const beta = deployment('shop2', 'beta', { sa: 'other' });
    expect(deadEntries(excludingRepo(deployment('shop2', 'alpha') + beta), excludingRepo(beta))).toEqual([
      'fixed AuthorizationPolicy shop/api rules[0] namespaces=shop2',
    ]);
  });

  it('a source added where nothing changed revives a dead entry, among more changed workloads than it names', () => {
    // Five more new workloads elsewhere: the unstable outnumber the entry's sources, so they are walked instead.
    const others = [1, 2, 3, 4, 5].map((i) => deployment('legacy', `job${i}`)).join('');
    expect(
      deadEntries(entryRepo(['80']), entryRepo(['80'], `${others}${deployment('shop2', 'web2')}`)),
    ).toEqual(['fixed AuthorizationPolicy shop/api rules[0] namespaces=shop2']);
  });

  it('a source added where nothing changed revives a dead entry', () => {
    // web2 is new: the only source that gets through on 80, at a destination whose fingerprint is the same.
    const ports = ['80'];
    expect(deadEntries(entryRepo(ports), entryRepo(ports, deployment('shop2', 'web2')))).toEqual([
      'fixed AuthorizationPolicy shop/api rules[0] namespaces=shop2',
    ]);
  });
});
