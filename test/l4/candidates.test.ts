import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import type { Candidates } from '../../src/l4/engine-api.js';
import { workloadPeer } from '../../src/model/peers.js';
import { analyse, repoArb } from '../matrix/random-repo.js';

function l4Cluster(yaml: string) {
  const rev = analyseRevision(
    { label: 'r', files: [{ path: 'a.yaml', text: yaml }], diagnostics: [] },
    DEFAULT_CONFIG,
  );
  const workload = (name: string) => rev.model.workloads.find((w) => `${w.namespace}/${w.name}` === name)!;
  return { l4: rev.l4, workload };
}

describe('ingress and egress candidates', () => {
  it('contain every workload that a rule lets through (a superset of the allowed pairs)', () => {
    fc.assert(
      fc.property(repoArb, (r) => {
        const { model, l4 } = analyse(r, 'r');
        for (const a of model.workloads) {
          const inCandidates = l4.ingressCandidates!(a);
          const outCandidates = l4.egressCandidates!(a);
          for (const b of model.workloads) {
            if (a === b) continue;
            if (inCandidates !== 'all' && !l4.ingress(a, workloadPeer(b)).allowed.isEmpty()) {
              expect(inCandidates.list().map((w) => w.id)).toContain(b.id);
              expect(inCandidates.has(b)).toBe(true);
            }
            if (outCandidates !== 'all' && !l4.egress(a, workloadPeer(b)).allowed.isEmpty()) {
              expect(outCandidates.list().map((w) => w.id)).toContain(b.id);
              expect(outCandidates.has(b)).toBe(true);
            }
            // Membership and the list agree.
            for (const c of [inCandidates, outCandidates])
              if (c !== 'all') expect(c.has(b)).toBe(c.list().includes(b));
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('listOnce lists what list does, however often and in whatever order it is asked (its recent lists are shared)', () => {
    fc.assert(
      fc.property(repoArb, fc.array(fc.nat(), { minLength: 1, maxLength: 60 }), (r, picks) => {
        const walked = analyse(r, 'r');
        const fresh = analyse(r, 'r');
        const ws = walked.model.workloads;
        if (ws.length === 0) return;
        for (const pick of picks) {
          const i = pick % ws.length;
          for (const direction of ['ingress', 'egress'] as const) {
            const ask = (l4: typeof walked.l4, w: (typeof ws)[number]) =>
              direction === 'ingress' ? l4.ingressCandidates!(w) : l4.egressCandidates!(w);
            const once = ask(walked.l4, ws[i]!);
            const listed = ask(fresh.l4, fresh.model.workloads[i]!);
            if (once === 'all' || listed === 'all') {
              expect(once).toBe(listed);
              continue;
            }
            expect(once.listOnce!().map((w) => w.id)).toEqual(listed.list().map((w) => w.id));
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('ingressAdmitting is exactly the reverse of ingressCandidates (a property)', () => {
    fc.assert(
      fc.property(repoArb, (r) => {
        const { model, l4 } = analyse(r, 'r');
        for (const s of model.workloads) {
          const reverse = model.workloads.filter((d) => {
            const c = l4.ingressCandidates!(d);
            return c === 'all' || c.has(s);
          });
          expect(l4.ingressAdmitting!(s).map((w) => w.id)).toEqual(reverse.map((w) => w.id));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('are all workloads when not isolated, and only the named pods otherwise', () => {
    const { l4, workload } = l4Cluster(`
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: a}}
---
apiVersion: v1
kind: Namespace
metadata: {name: ops, labels: {team: b}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: prom, namespace: ops, labels: {app: prom}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: web}}}]
    - from: [{namespaceSelector: {matchLabels: {team: b}}}]
`);
    const ids = (c: 'all' | Candidates) => (c === 'all' ? c : c.list().map((w) => w.id));
    expect(ids(l4.ingressCandidates!(workload('shop/db')))).toEqual(['ops/prom[Pod]', 'shop/web[Pod]']);
    expect(ids(l4.ingressCandidates!(workload('shop/web')))).toBe('all');
    expect(ids(l4.egressCandidates!(workload('shop/db')))).toBe('all');
  });
});
