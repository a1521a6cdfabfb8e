import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnalysedRevision, analyseRevision } from '../../src/analysis/analyze-revision.js';
import { matrixLayer } from '../../src/analysis/external-layer.js';
import { buildLayerMatrices, lensFor } from '../../src/analysis/layers.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { ruleKey } from '../../src/core/refs.js';
import { explainPair } from '../../src/diff/explain-pair.js';
import { diffMatrices, type PairDiff } from '../../src/diff/pair-diff.js';
import type { L7Cell } from '../../src/l7/types.js';
import type { CellVerdict } from '../../src/matrix/matrix.js';
import { type Peer, workloadPeer } from '../../src/model/peers.js';
import { L7_WORDS } from '../../src/render/l7-scope.js';
import { verdictJson } from '../../src/render/matrix.js';
import { ConnSet } from '../../src/values/conn-set.js';
import { PortSet } from '../../src/values/port-set.js';
import {
  analyse,
  clusterWidePairArb,
  editedPairArb,
  type RandomRepo,
  repoArb,
  toYaml,
} from './random-repo.js';

/**
 * A cell as the report reads it, reason messages verbatim: a shared cell's messages must hold for
 * every pair it serves, so they name no workload the key does not share.
 */
const shape = (c: L7Cell | undefined) =>
  c
    ? JSON.stringify([
        c.effective.toString(),
        c.conditional,
        c.external,
        c.approximate,
        c.uncertain,
        c.segments.map((s) => [
          s.protocol,
          s.ports.toString(),
          s.portClass,
          s.verdict,
          s.approximate,
          s.uncertain,
          s.outcomes.map((o) => [
            o.chain,
            o.verdict,
            o.requests.key(),
            o.rules.map(ruleKey),
            o.reasons.map((r) => [r.code, r.message, r.rule ? ruleKey(r.rule) : '']),
          ]),
        ]),
      ])
    : '-';

/**
 * Every pair of a random repository (and of its cluster-wide edits): the matrix's verdict, whose L7
 * cell is shared per (destination L7 class, source key, L4-allowed connections), equals the plain
 * computation of that very pair (L4 engine, then the L7 engine on the pair's own ends).
 */
describe('L7 cells keyed by the source as the destination distinguishes it', () => {
  it('give every pair the cell computed for it alone', () => {
    // Principals and namespaces match only over mTLS: two thirds of the repos put both namespaces
    // in the mesh, every app behind a Service, so sources differing only by account or namespace
    // meet the policies that name them (or do not).
    const meshed = repoArb.map((r) => ({
      ...r,
      injected: { x: true, y: true },
      services: (['x', 'y'] as const).flatMap((ns) =>
        (['a', 'b', 'c'] as const).map((app) => ({ ns, app, name: 'http' as const })),
      ),
    }));
    const repos = fc.oneof(
      { arbitrary: repoArb, weight: 1 },
      { arbitrary: meshed, weight: 4 },
      { arbitrary: clusterWidePairArb.map(([, head]) => head), weight: 1 },
    );
    fc.assert(
      fc.property(repos, (r) => expectEveryPairPlain(analyse(r, 'head'))),
      { numRuns: 200 },
    );
  });

  it('give every pair the cell computed for it alone, with client-side objects', () => {
    // Sidecars, DestinationRules, a Service exported to its namespace only and outbound capture
    // annotations: what the client side reads, and what its reasons quote.
    fc.assert(
      fc.property(repoArb, clientSideArb, (r, extra) => expectEveryPairPlain(withClientSide(r, extra))),
      { numRuns: 150 },
    );
  });

  it('words a no-sidecar reason for the pair shown, not for the class member computed first', () => {
    // Outside the mesh, x/d0 has no label and x/d1 a pod label that is not exactly "true": both
    // without a sidecar, for different reasons, alike to every selector. As destinations the cells
    // quote why each has none; as clients of the PERMISSIVE m/d2, why each speaks plaintext.
    const deployment = (ns: string, name: string, labels: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}${labels}}}\n    spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}`;
    const yaml = [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: m, labels: {istio-injection: enabled}}',
      deployment('x', 'd0', ''),
      deployment('x', 'd1', ', sidecar.istio.io/inject: "maybe"'),
      deployment('m', 'd2', ''),
    ].join('\n---\n');
    const rev = analyseRevision(
      { label: 'head', files: [{ path: 'all.yaml', text: yaml }], diagnostics: [] },
      DEFAULT_CONFIG,
    );
    const injected = rev.model.workloads.map((w) => `${w.id} ${rev.l7.sidecar(w).injected}`);
    expect(injected).toEqual(['m/d2[Deployment] true', 'x/d0[Deployment] false', 'x/d1[Deployment] false']);
    expectEveryPairPlain(rev);
  });

  it('shares one cell among plaintext clients of different namespaces, each named in the pair shown', () => {
    // p/c and q/c have no sidecar for the same reason in their own namespace; m/d is PERMISSIVE and
    // names neither namespace: one cell, which says "its namespace", and matches each pair alone.
    const deployment = (ns: string, name: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}`;
    const yaml = [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: p}',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: q}',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: m, labels: {istio-injection: enabled}}',
      deployment('p', 'c'),
      deployment('q', 'c'),
      deployment('m', 'd'),
    ].join('\n---\n');
    const rev = analyseRevision(
      { label: 'head', files: [{ path: 'all.yaml', text: yaml }], diagnostics: [] },
      DEFAULT_CONFIG,
    );
    const [matrix] = buildLayerMatrices(rev, rev, 'effective');
    const [d, pc, qc] = matrix.workloads;
    expect([d, pc, qc].map((w) => w?.id)).toEqual(['m/d[Deployment]', 'p/c[Deployment]', 'q/c[Deployment]']);
    const cell = matrix.verdict(pc!, d!).l7!;
    expect(matrix.verdict(qc!, d!).l7).toBe(cell);
    const messages = cell.segments.flatMap((s) => s.outcomes.flatMap((o) => o.reasons.map((r) => r.message)));
    expect(messages.join('\n')).toContain(
      'the client has no sidecar (its namespace has neither istio-injection nor istio.io/rev)',
    );
    expect(messages.join('\n')).not.toMatch(/namespace [pq] /);
    expectEveryPairPlain(rev);
  });

  it('shares one cell among address ranges that lie alike against the blocks the destination reads', () => {
    // m/d lets 10.0.0.0/8 in but not 10.1.0.0/16; a NetworkPolicy ipBlock cuts 192.168.0.0/16 out of
    // the rest. Ranges outside 10/8 share a cell, the inside ones do not; every pair matches its own.
    const yaml = [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: m, labels: {istio-injection: enabled}}',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: m}\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: m}\nspec:\n  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [192.168.0.0/16]}}]}]',
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ap, namespace: m}\nspec:\n  action: ALLOW\n  rules:\n  - from: [{source: {ipBlocks: [10.0.0.0/8]}}]\n    when: [{key: source.ip, notValues: [10.1.0.0/16]}]',
    ].join('\n---\n');
    const rev = analyseRevision(
      { label: 'head', files: [{ path: 'all.yaml', text: yaml }], diagnostics: [] },
      DEFAULT_CONFIG,
    );
    const [matrix] = buildLayerMatrices(rev, rev, 'effective');
    const d = matrix.workloads[0]!;
    const range = (from: string) => matrix.externals.find((e) => e.id.startsWith(`${from}-`))!;
    const cell = (from: string) => matrix.verdict(range(from), d).l7;
    expect(cell('0.0.0.0')).toBe(cell('11.0.0.0'));
    expect(cell('10.0.0.0')).not.toBe(cell('0.0.0.0'));
    expect(cell('10.1.0.0')).not.toBe(cell('10.0.0.0'));
    const port80 = (from: string) =>
      !cell(from)!
        .effective.intersect(ConnSet.of('TCP', PortSet.range(80)))
        .isEmpty();
    expect(['0.0.0.0', '10.0.0.0', '10.1.0.0', '10.2.0.0'].map(port80)).toEqual([false, true, false, true]);
    expectEveryPairPlain(rev);
  });

  it('keeps apart destinations that only a DestinationRule subset tells apart', () => {
    // m/d0 (version v1) and m/d1 (v2) behind one Service, alike to every other selector; the
    // routed subset v2 sends plaintext, which STRICT rejects: only the client's calls to d0 pass.
    const deployment = (name: string, labels: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: m}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {${labels}}}\n    spec: {containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}`;
    const yaml = [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: m, labels: {istio-injection: enabled}}',
      deployment('d0', 'app: api, version: v1'),
      deployment('d1', 'app: api, version: v2'),
      deployment('d2', 'app: client'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: m}\nspec:\n  selector: {app: api}\n  ports: [{name: http, port: 80, targetPort: http}]',
      'apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata: {name: strict, namespace: m}\nspec: {mtls: {mode: STRICT}}',
      'apiVersion: networking.istio.io/v1beta1\nkind: DestinationRule\nmetadata: {name: api, namespace: m}\nspec:\n  host: api.m.svc.cluster.local\n  subsets:\n  - {name: v1, labels: {version: v1}}\n  - {name: v2, labels: {version: v2}, trafficPolicy: {tls: {mode: DISABLE}}}',
      'apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {name: api, namespace: m}\nspec:\n  hosts: [api]\n  http: [{route: [{destination: {host: api, subset: v1}, weight: 50}, {destination: {host: api, subset: v2}, weight: 50}]}]',
    ].join('\n---\n');
    const rev = analyseRevision(
      { label: 'head', files: [{ path: 'all.yaml', text: yaml }], diagnostics: [] },
      DEFAULT_CONFIG,
    );
    const [d0, d1, d2] = rev.model.workloads.map(workloadPeer);
    const port80 = (v: { effective: ConnSet }) =>
      !v.effective.intersect(ConnSet.of('TCP', PortSet.range(80))).isEmpty();
    expect([port80(plainVerdict(rev, d2!, d0!)), port80(plainVerdict(rev, d2!, d1!))]).toEqual([true, false]);
    expectEveryPairPlain(rev);
  });

  it('shares one cell among sources whose accounts the destination does not name', () => {
    // Three accounts in one namespace, one destination whose policy names s1 only: s2 and s3 share.
    const r = {
      injected: { x: true, y: false },
      teamX: 't1' as const,
      pods: (['s1', 's2', 's3', 's3'] as const).map((sa, i) => ({
        ns: 'x' as const,
        app: (['a', 'b', 'b', 'c'] as const)[i]!,
        tier: 'front' as const,
        sa,
        port: 80 as const,
        metrics: false,
        exclude: false,
      })),
      netpols: [],
      authz: [
        {
          ns: 'x' as const,
          target: 'c' as const,
          action: 'ALLOW' as const,
          principal: 's1' as const,
          fromNs: undefined,
          path: undefined,
          method: undefined,
          port: undefined,
        },
        {
          ns: 'x' as const,
          target: 'a' as const,
          action: 'ALLOW' as const,
          principal: 's2' as const,
          fromNs: undefined,
          path: undefined,
          method: undefined,
          port: undefined,
        },
      ],
      peerAuthn: [],
      services: [{ ns: 'x' as const, app: 'c' as const, name: 'http' as const }],
    };
    const rev = analyse(r, 'head');
    const [matrix] = buildLayerMatrices(rev, rev, 'effective');
    const [d0, d1, d2, d3] = matrix.workloads;
    // Toward d3 (app c, names s1) on port 80: d0 (s1) is allowed, d1 (s2) and d2 (s3) are not, with one cell
    // (d1's account is named, but by d0's policy only).
    const port80 = (v: { effective: ConnSet }) => v.effective.toString().includes('TCP 80,');
    expect(port80(matrix.verdict(d0!, d3!))).toBe(true);
    expect(port80(matrix.verdict(d1!, d3!))).toBe(false);
    expect(matrix.verdict(d1!, d3!).l7).toBe(matrix.verdict(d2!, d3!).l7);
  });

  it('keeps apart sources of the namespaces a destination names, and only those', () => {
    const pod = (ns: 'x' | 'y', app: 'a' | 'b' | 'c') => ({
      ns,
      app,
      tier: 'front' as const,
      sa: 's3' as const,
      port: 80 as const,
      metrics: false,
      exclude: false,
    });
    const r = {
      injected: { x: true, y: true },
      teamX: 't1' as const,
      pods: [pod('x', 'a'), pod('y', 'b'), pod('x', 'c')],
      netpols: [],
      authz: [
        {
          ns: 'x' as const,
          target: 'c' as const,
          action: 'ALLOW' as const,
          principal: undefined,
          fromNs: 'x' as const,
          path: undefined,
          method: undefined,
          port: undefined,
        },
      ],
      peerAuthn: [],
      services: [{ ns: 'x' as const, app: 'c' as const, name: 'http' as const }],
    };
    const rev = analyse(r, 'head');
    const [matrix] = buildLayerMatrices(rev, rev, 'effective');
    const [xa, xc, yb] = matrix.workloads;
    const port80 = (v: { effective: ConnSet }) => v.effective.toString().includes('TCP 80,');
    expect([xa!.id, xc!.id, yb!.id]).toEqual(['x/d0[Deployment]', 'x/d2[Deployment]', 'y/d1[Deployment]']);
    // Toward x/c (from namespace x only): x/a is allowed, y/b is not.
    expect(port80(matrix.verdict(xa!, xc!))).toBe(true);
    expect(port80(matrix.verdict(yb!, xc!))).toBe(false);
    // Toward x/a (no policy, no Sidecar or DestinationRule): the namespace is not read, one cell.
    expect(matrix.verdict(yb!, xa!).l7).toBe(matrix.verdict(xc!, xa!).l7);
  });
});

const clientSideArb = fc.record({
  sidecar: fc.option(
    fc.record({
      ns: fc.constantFrom('x', 'y'),
      hosts: fc.constantFrom('["./*"]', '["./*", "istio-system/*"]', '["*/*"]', '["y/*"]'),
      outbound: fc.option(fc.constantFrom('REGISTRY_ONLY', 'ALLOW_ANY'), { nil: undefined }),
    }),
    { nil: undefined },
  ),
  dr: fc.option(
    fc.record({
      ns: fc.constantFrom('x', 'y'),
      host: fc.constantFrom('s0.x.svc.cluster.local', '*.y.svc.cluster.local', 's1.y.svc.cluster.local'),
      mode: fc.constantFrom('DISABLE', 'ISTIO_MUTUAL', 'SIMPLE'),
    }),
    { nil: undefined },
  ),
  exportLocal: fc.boolean(),
  outbound: fc.array(
    fc.record({
      pod: fc.nat(5),
      annotation: fc.constantFrom(
        'excludeOutboundPorts: "80"',
        'excludeOutboundPorts: "8080,80"',
        'includeOutboundIPRanges: ""',
      ),
    }),
    { maxLength: 2 },
  ),
});

/** A random repository with client-side objects added (and annotations on some pod templates). */
function withClientSide(
  r: RandomRepo,
  extra: typeof clientSideArb extends fc.Arbitrary<infer T> ? T : never,
) {
  const docs = toYaml(r).split('\n---\n');
  for (const { pod, annotation } of extra.outbound) {
    const i = docs.findIndex((d) => d.includes(`metadata: {name: d${pod % r.pods.length}, namespace:`));
    if (i < 0) continue;
    // Into the pod template's metadata (with or without the inbound annotation already there).
    docs[i] = docs[i]!.replace(/(\n {4}metadata: \{)(annotations: \{)?/, (_, m, a) =>
      a
        ? `${m}${a}traffic.sidecar.istio.io/${annotation}, `
        : `${m}annotations: {traffic.sidecar.istio.io/${annotation}}, `,
    );
  }
  if (extra.exportLocal)
    docs.forEach((d, i) => {
      if (d.includes('kind: Service\nmetadata: {name: s0,'))
        docs[i] = d.replace(
          'metadata: {name: s0,',
          'metadata: {annotations: {networking.istio.io/exportTo: "."}, name: s0,',
        );
    });
  const sc = extra.sidecar;
  if (sc)
    docs.push(
      `apiVersion: networking.istio.io/v1beta1\nkind: Sidecar\nmetadata: {name: default, namespace: "${sc.ns}"}\nspec:\n  egress: [{hosts: ${sc.hosts}}]${sc.outbound ? `\n  outboundTrafficPolicy: {mode: ${sc.outbound}}` : ''}`,
    );
  const dr = extra.dr;
  if (dr)
    docs.push(
      `apiVersion: networking.istio.io/v1beta1\nkind: DestinationRule\nmetadata: {name: dr, namespace: "${dr.ns}"}\nspec:\n  host: "${dr.host}"\n  trafficPolicy: {tls: {mode: ${dr.mode}}}`,
    );
  return analyseRevision(
    { label: 'head', files: [{ path: 'all.yaml', text: docs.join('\n---\n') }], diagnostics: [] },
    DEFAULT_CONFIG,
  );
}

/** The verdict of one pair computed on its own: L4 engine, then the L7 engine on the pair's own ends. */
function plainVerdict(rev: AnalysedRevision, src: Peer, dst: Peer): CellVerdict<L7Cell> {
  const egress = src.kind === 'workload' ? rev.l4.egress(src.workload, dst) : null;
  const ingress = dst.kind === 'workload' ? rev.l4.ingress(dst.workload, src) : null;
  const allowed = (egress?.allowed ?? ConnSet.all).intersect(ingress?.allowed ?? ConnSet.all);
  const l4 = { allowed, egress, ingress };
  if (allowed.isEmpty()) return { l4, effective: allowed };
  if (dst.kind !== 'workload') {
    // Toward outside addresses the layer may answer too (a REGISTRY_ONLY sidecar, F10).
    const out = src.kind === 'workload' ? matrixLayer(rev).external?.(src.workload, dst, allowed) : undefined;
    return out ? { l4, l7: out, effective: out.effective.intersect(allowed) } : { l4, effective: allowed };
  }
  const l7 = rev.l7.evaluate(src, dst.workload, allowed);
  return { l4, l7, effective: l7.effective.intersect(allowed) };
}

/**
 * Every pair of `rev`: the matrix's verdict, whose L7 cell is shared per (destination L7 class,
 * source key, L4-allowed connections) and whose verdict per class pair, equals the plain
 * computation of that very pair, as a cell and as `matrix --format json` prints it.
 */
function expectEveryPairPlain(rev: AnalysedRevision): void {
  const [matrix] = buildLayerMatrices(rev, rev, 'effective');
  const peers: Peer[] = [...matrix.workloads, ...matrix.externals];
  for (const src of peers) {
    for (const dst of peers) {
      if (src.id === dst.id || (src.kind === 'external' && dst.kind === 'external')) continue;
      const plain = plainVerdict(rev, src, dst);
      const got = matrix.verdict(src, dst);
      const pair = `${src.id} > ${dst.id}`;
      expect(`${pair} ${shape(got.l7)}`).toBe(`${pair} ${shape(plain.l7)}`);
      expect(`${pair} ${JSON.stringify(verdictJson(got))}`).toBe(
        `${pair} ${JSON.stringify(verdictJson(plain))}`,
      );
    }
  }
}

/** A listed pair with both verdicts computed on their own (undefined where a workload is missing). */
function plainPair(base: AnalysedRevision, head: AnalysedRevision, p: PairDiff<L7Cell>): PairDiff<L7Cell> {
  const side = (rev: AnalysedRevision) => {
    const peer = (q: Peer): Peer | undefined => {
      if (q.kind === 'external') return q;
      const w = rev.model.workloads.find((x) => x.id === q.id);
      return w ? workloadPeer(w) : undefined;
    };
    const [src, dst] = [peer(p.src), peer(p.dst)];
    return src && dst ? plainVerdict(rev, src, dst) : undefined;
  };
  const [before, after] = [side(base), side(head)];
  return {
    ...p,
    before,
    after,
    beforeConns: before?.effective ?? ConnSet.none,
    afterConns: after?.effective ?? ConnSet.none,
  };
}

describe('explanations of shared cells', () => {
  it('explain every listed pair as the plain per-pair evaluation does, reason messages included', () => {
    const pairs = fc.oneof(
      { arbitrary: clusterWidePairArb, weight: 1 },
      { arbitrary: editedPairArb, weight: 1 },
    );
    fc.assert(
      fc.property(pairs, ([b, h]) => {
        const [base, head] = [analyse(b, 'base'), analyse(h, 'head')];
        const [bm, hm] = buildLayerMatrices(base, head, 'effective');
        for (const p of diffMatrices(bm, hm, lensFor('effective')).pairs) {
          const plain = plainPair(base, head, p);
          const name = `${p.src.id} > ${p.dst.id}`;
          expect(`${name} ${p.afterConns} ${p.beforeConns}`).toBe(
            `${name} ${plain.afterConns} ${plain.beforeConns}`,
          );
          const got = JSON.stringify(explainPair(p, L7_WORDS));
          expect(`${name} ${got}`).toBe(`${name} ${JSON.stringify(explainPair(plain, L7_WORDS))}`);
        }
      }),
      { numRuns: 100 },
    );
  });
});
