import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { diffRevisions } from '../../src/analysis/diff-revisions.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';

/** Random small repositories: a few pods with labels in two namespaces, a few policies. (Not `y`: kubectl reads it as true.) */
const label = fc.constantFrom('a', 'b', 'c');
const pod = fc.record({ ns: fc.constantFrom('x', 'z'), app: label, port: fc.constantFrom(80, 443, 8080) });
const policy = fc.record({
  ns: fc.constantFrom('x', 'z'),
  target: fc.option(label, { nil: undefined }),
  types: fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress']),
  peerApp: fc.option(label, { nil: undefined }),
  peerNs: fc.option(fc.constantFrom('x', 'z'), { nil: undefined }),
  port: fc.option(fc.constantFrom(80, 443, 8080), { nil: undefined }),
});
const repo = fc.record({
  pods: fc.array(pod, { minLength: 1, maxLength: 6 }),
  policies: fc.array(policy, { maxLength: 4 }),
});

type RandomRepo = typeof repo extends fc.Arbitrary<infer T> ? T : never;

function toYaml(r: RandomRepo): string {
  const docs = r.pods.map(
    (p, i) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: ${p.ns}, labels: {app: ${p.app}}}\nspec:\n  containers: [{name: c, ports: [{containerPort: ${p.port}}]}]`,
  );
  r.policies.forEach((p, i) => {
    const peer = [
      p.peerApp ? `podSelector: {matchLabels: {app: ${p.peerApp}}}` : '',
      p.peerNs ? `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${p.peerNs}}}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const rule = (t: string) => {
      const peers = peer ? `${t === 'Ingress' ? 'from' : 'to'}: [{${peer}}]` : '';
      const ports = p.port ? `ports: [{port: ${p.port}}]` : '';
      return `  - {${[peers, ports].filter(Boolean).join(', ')}}`;
    };
    const body = p.types.map((t) => `  ${t.toLowerCase()}:\n  ${rule(t)}`).join('\n');
    docs.push(
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np${i}, namespace: ${p.ns}}\nspec:\n  podSelector: ${p.target ? `{matchLabels: {app: ${p.target}}}` : '{}'}\n  policyTypes: [${p.types.join(', ')}]\n${body}`,
    );
  });
  return docs.join('\n---\n');
}

function analyse(text: string, label: string) {
  return analyseRevision({ label, files: [{ path: 'all.yaml', text }], diagnostics: [] }, DEFAULT_CONFIG);
}

describe('diff laws', () => {
  it('a revision diffed with itself is empty', () => {
    fc.assert(
      fc.property(repo, (r) => {
        const text = toYaml(r);
        const report = diffRevisions(analyse(text, 'a'), analyse(text, 'b'), { layer: 'l4' });
        expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(report.changes).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('diff(a, b) opens exactly what diff(b, a) closes', () => {
    fc.assert(
      fc.property(repo, repo, (ra, rb) => {
        const a = analyse(toYaml(ra), 'a');
        const b = analyse(toYaml(rb), 'b');
        const forward = diffRevisions(a, b, { layer: 'l4' });
        const backward = diffRevisions(b, a, { layer: 'l4' });
        const pairs = (changes: typeof forward.changes, kind: string) =>
          changes
            .filter((c) => c.kind === kind)
            .map((c) => `${c.source.id}>${c.destination.id}`)
            .sort();
        expect(pairs(forward.changes, 'opened')).toEqual(pairs(backward.changes, 'closed'));
        expect(pairs(forward.changes, 'changed')).toEqual(pairs(backward.changes, 'changed'));
      }),
      { numRuns: 100 },
    );
  });
});
