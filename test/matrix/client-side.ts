import fc from 'fast-check';
import { type AnalysedRevision, analyseRevision } from '../../src/analysis/analyze-revision.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { type RandomRepo, toYaml } from './random-repo.js';

/**
 * Client-side objects for a random repository (as source-key.test.ts adds them): a Sidecar, a
 * DestinationRule, a Service exported to its namespace only, outbound capture annotations.
 */
export const clientSideArb = fc.record({
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

export type ClientSide = typeof clientSideArb extends fc.Arbitrary<infer T> ? T : never;

/** `r` with the client-side objects of `extra`, analysed as revision `label`. */
export function withClientSide(r: RandomRepo, extra: ClientSide, label = 'head'): AnalysedRevision {
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
    { label, files: [{ path: 'all.yaml', text: docs.join('\n---\n') }], diagnostics: [] },
    DEFAULT_CONFIG,
  );
}
