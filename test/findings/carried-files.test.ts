import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnalysedRevision, analyseRevision } from '../../src/analysis/analyze-revision.js';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { revisionContext } from '../../src/findings/context.js';
import { computeFindings, RULES, revisionFindings } from '../../src/findings/index.js';
import type { RawFinding } from '../../src/findings/types.js';
import { ParseCache } from '../../src/manifests/parse-cache.js';
import type { SourceFile } from '../../src/manifests/types.js';
import type { Finding } from '../../src/report/types.js';
import { clusterWidePairArb, editedPairArb, type RandomRepo, toYaml } from '../matrix/random-repo.js';
import { deployment, NAMESPACES } from './helpers.js';
import { deadEntryPairArb, leanClusterWidePairArb, pairArb, podEditPairArb } from './lean-repo.js';

/*
 * Findings carried whole from base to head (per-workload rules: carry-forward.ts workloadCarry) rest
 * on what the parse cache shares between the revisions: a file with the same text gives head base's
 * objects. The random repositories of incremental-findings.test.ts are one file each and parsed
 * apart, so nothing is shared there; here they are split into files by kind and namespace and parsed
 * with one cache, as runDiff does: an edit leaves most files as they were, and moves the lines of
 * what follows it in its own file.
 */

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

function plain(base: AnalysedRevision, head: AnalysedRevision): string[] {
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

/**
 * The repository's documents, one file each, but NetworkPolicies one file per namespace (in order):
 * a policy added, removed or renamed moves the lines of the others in its file.
 */
function splitFiles(r: RandomRepo): SourceFile[] {
  const files = new Map<string, string[]>();
  for (const doc of toYaml(r).split('\n---\n')) {
    const kind = /kind: (\w+)/.exec(doc)?.[1] ?? 'Other';
    const ns = /namespace: "?([\w-]+)/.exec(doc)?.[1] ?? 'cluster';
    const name = /name: "?([\w-]+)/.exec(doc)?.[1] ?? '';
    const path =
      kind === 'NetworkPolicy' ? `networkpolicy/${ns}.yaml` : `${kind.toLowerCase()}/${ns}-${name}.yaml`;
    files.set(path, [...(files.get(path) ?? []), doc]);
  }
  return [...files].map(([path, docs]) => ({ path, text: docs.join('\n---\n') }));
}

/** Rules whose findings are carried whole (workloadCarry, mesh-network-carry.ts ruleCarry). */
const PER_WORKLOAD = new Set([
  'sidecar-port-blocked',
  'sidecar-control-plane-blocked',
  'sidecar-dns-blocked',
]);
const PER_RULE = new Set(['mesh-allows-network-blocks']);

/** Incremental (one parse cache, base's findings carried) equals plain; returns the `counted` findings in both. */
function law(
  pairs: fc.Arbitrary<readonly [RandomRepo, RandomRepo]>,
  runs: number,
  counted: ReadonlySet<string> = PER_WORKLOAD,
): number {
  let existing = 0;
  // Head's files, some with a comment added at the top: every line below it moves, nothing else
  // changes (no fingerprint sees it), so what is carried must not name a line of such a file.
  const moved = fc.array(fc.boolean(), { minLength: 12, maxLength: 12 });
  fc.assert(
    fc.property(pairs, moved, ([b, h], move) => {
      const cache = new ParseCache();
      const side = (files: SourceFile[], label: string) =>
        analyseRevision({ label, files, diagnostics: [], parseCache: cache }, DEFAULT_CONFIG);
      const headFiles = splitFiles(h).map((f, i) =>
        move[i % move.length] ? { ...f, text: `# moved\n${f.text}` } : f,
      );
      const [base, head] = [side(splitFiles(b), 'base'), side(headFiles, 'head')];
      const incremental = computeFindings(
        base,
        head,
        buildLayerMatrices(base, head, 'effective'),
        DEFAULT_CONFIG,
      );
      existing += incremental.findings.filter((f) => counted.has(f.rule) && f.status === 'existing').length;
      expect(incremental.findings.map(shown).sort()).toEqual(plain(base, head));
    }),
    { numRuns: runs },
  );
  return existing;
}

describe('findings carried from files both revisions share equal findings computed from scratch', () => {
  it('after random edits', () => {
    expect(law(editedPairArb, 120)).toBeGreaterThan(20);
    expect(law(pairArb, 120)).toBeGreaterThan(20);
  });

  it('after one pod added, removed or replaced (lines move in its namespace file)', () => {
    expect(law(podEditPairArb, 150)).toBeGreaterThan(20);
  });

  it('dead entries of ALLOW rules, after one pod added, removed or replaced, or random edits', () => {
    // Few of these repositories keep a dead entry as it was: counted together.
    const existing =
      law(podEditPairArb, 120, PER_RULE) + law(deadEntryPairArb, 120, PER_RULE) + law(pairArb, 80, PER_RULE);
    expect(existing).toBeGreaterThan(10);
  });

  it('after cluster-wide changes (the first policies dropped: every line after them moves)', () => {
    law(clusterWidePairArb, 100);
    expect(law(leanClusterWidePairArb, 150)).toBeGreaterThan(20);
  });
});

// What ruleCarry rests on, each with a change that only it sees: shop/api's AuthorizationPolicy lets
// shop/web in on port 80, which NetworkPolicy closes (it opens 8080 only): a dead principals entry.
describe('a dead entry carried whole is asked again when', () => {
  const np = (ports: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-ingress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress:
    - from: [{ podSelector: { matchLabels: { app: web } } }]
      ports: [${ports}]`;
  const ap = (name: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ${name}, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  action: ALLOW
  rules:
    - from: [{ source: { principals: ["cluster.local/ns/shop/sa/web"] } }]
      to: [{ operation: { ports: ["80"] } }]`;
  const files = (over: Record<string, string> = {}): SourceFile[] =>
    Object.entries({
      'namespaces.yaml': NAMESPACES,
      'api.yaml': `${deployment('shop', 'api', { port: 80 })}---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 80, targetPort: 80 }] }`,
      'web.yaml': deployment('shop', 'web'),
      'policies/np.yaml': np('{ port: 8080 }'),
      'policies/z-ap.yaml': ap('z-api'),
      ...over,
    })
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, text]) => ({ path, text }));
  const dead = (head: SourceFile[]) => {
    const cache = new ParseCache();
    const side = (list: SourceFile[], label: string) =>
      analyseRevision({ label, files: list, diagnostics: [], parseCache: cache }, DEFAULT_CONFIG);
    const [base, head_] = [side(files(), 'base'), side(head, 'head')];
    const incremental = computeFindings(
      base,
      head_,
      buildLayerMatrices(base, head_, 'effective'),
      DEFAULT_CONFIG,
    );
    expect(incremental.findings.map(shown).sort()).toEqual(plain(base, head_));
    return incremental.findings
      .filter((f) => f.rule === 'mesh-allows-network-blocks')
      .map(
        (f) =>
          `${f.status} ${f.title.replace(/.*: /, '')} ${f.locations.map((l) => `${l.file}:${l.line}`).join(' ')}${/ for (\d+ pairs)/.exec(f.message)?.[1] ? ` (${/ for (\d+ pairs)/.exec(f.message)?.[1]})` : ''}`,
      );
  };

  it('nothing changed (carried)', () => {
    expect(dead(files())).toEqual([
      'existing AuthorizationPolicy shop/z-api rules[0] principals=cluster.local/ns/shop/sa/web policies/z-ap.yaml:8 policies/np.yaml:1',
    ]);
  });

  it('the NetworkPolicy it names moved in its file (its line is head’s)', () => {
    expect(dead(files({ 'policies/np.yaml': `# moved\n\n${np('{ port: 8080 }')}` }))).toEqual([
      'existing AuthorizationPolicy shop/z-api rules[0] principals=cluster.local/ns/shop/sa/web policies/z-ap.yaml:8 policies/np.yaml:3',
    ]);
  });

  it('an earlier policy now reports its pair (each pair once)', () => {
    expect(dead(files({ 'policies/a-ap.yaml': ap('a-api') }))).toEqual([
      'new AuthorizationPolicy shop/a-api rules[0] principals=cluster.local/ns/shop/sa/web policies/a-ap.yaml:8 policies/np.yaml:1',
      'fixed AuthorizationPolicy shop/z-api rules[0] principals=cluster.local/ns/shop/sa/web policies/z-ap.yaml:8 policies/np.yaml:1',
    ]);
  });

  it('another workload runs as the principal (the entry names one more)', () => {
    expect(dead(files({ 'web2.yaml': deployment('shop', 'web2', { sa: 'web' }) }))).toEqual([
      'existing AuthorizationPolicy shop/z-api rules[0] principals=cluster.local/ns/shop/sa/web policies/z-ap.yaml:8 policies/np.yaml:1 (2 pairs)',
    ]);
  });

  it('its destination changed in a file the finding does not name (a new NetworkPolicy opens the port)', () => {
    const opens = np('{ port: 80 }').replace('api-ingress', 'api-80');
    expect(dead(files({ 'policies/np2.yaml': opens }))).toEqual([
      'fixed AuthorizationPolicy shop/z-api rules[0] principals=cluster.local/ns/shop/sa/web policies/z-ap.yaml:8 policies/np.yaml:1',
    ]);
  });

  it('its destination changed (NetworkPolicy opens the port now)', () => {
    expect(dead(files({ 'policies/np.yaml': np('{ port: 8080 }, { port: 80 }') }))).toEqual([
      'fixed AuthorizationPolicy shop/z-api rules[0] principals=cluster.local/ns/shop/sa/web policies/z-ap.yaml:8 policies/np.yaml:1',
    ]);
  });
});
