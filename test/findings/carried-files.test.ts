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
import { leanClusterWidePairArb, pairArb, podEditPairArb } from './lean-repo.js';

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

const PER_WORKLOAD = new Set([
  'sidecar-port-blocked',
  'sidecar-control-plane-blocked',
  'sidecar-dns-blocked',
]);

/** Incremental (one parse cache, base's findings carried) equals plain; returns the per-workload findings in both. */
function law(pairs: fc.Arbitrary<readonly [RandomRepo, RandomRepo]>, runs: number): number {
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
      existing += incremental.findings.filter(
        (f) => PER_WORKLOAD.has(f.rule) && f.status === 'existing',
      ).length;
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

  it('after cluster-wide changes (the first policies dropped: every line after them moves)', () => {
    law(clusterWidePairArb, 100);
    expect(law(leanClusterWidePairArb, 150)).toBeGreaterThan(20);
  });
});
