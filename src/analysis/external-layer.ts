import { digest } from '../core/digest.js';
import { externalBoundaries, externalCell } from '../l7/external-egress.js';
import type { L7Cell } from '../l7/types.js';
import type { L7Layer } from '../matrix/matrix.js';
import { formatRange, type IpRange } from '../values/ip-range.js';
import type { AnalysedRevision } from './analyze-revision.js';

const EXCLUDE_IPS = 'traffic.sidecar.istio.io/excludeOutboundIPRanges';

/**
 * The revision's L7 engine as the matrix's layer, with the answer toward addresses outside the
 * cluster (F10, src/l7/external-egress.ts). That answer reads the ServiceEntries and the
 * `excludeOutboundIPRanges` annotation, which the engine's signature and fingerprint leave out:
 * they are added here, and only when some sidecar may be REGISTRY_ONLY (otherwise nothing reads them).
 */
export function matrixLayer(r: AnalysedRevision): L7Layer<L7Cell> {
  const engine = r.l7;
  const client = r.policies.istio.client;
  const entries = r.policies.serviceEntries;
  if (!client || !mayBeRegistryOnly(r)) return engine;
  const ctx = {
    client,
    root: engine.rootNamespace,
    entries,
    sidecar: (w: Parameters<typeof engine.sidecar>[0]) => engine.sidecar(w),
  };
  const registry = digest(
    JSON.stringify(
      entries.map((e) => [e.namespace, e.name, e.hosts, e.addresses.map(formatRange), e.ports, e.exportTo]),
    ),
  );
  return {
    signature: (w) => `${engine.signature(w)}\u0000${w.podAnnotations[EXCLUDE_IPS] ?? ''}`,
    fingerprint: (w) => `${engine.fingerprint(w)}\u0000${registry}`,
    sourceFingerprint: (w) => `${engine.sourceFingerprint(w)}\u0000${registry}`,
    sourceKey: (src, dst) => engine.sourceKey(src, dst),
    externalKey: (src, dst) => engine.externalKey(src, dst),
    sourceNamesRead: (dst) => engine.sourceNamesRead(dst),
    sourceGroupKey: (src, patterns, inNamed) => engine.sourceGroupKey(src, patterns, inNamed),
    evaluate: (src, dst, allowed) => engine.evaluate(src, dst, allowed),
    external: (src, dst, allowed) => externalCell(ctx, src, dst.range, allowed),
  };
}

/** Where the external peers must be cut for matrixLayer's answers (none without REGISTRY_ONLY). */
export function layerBoundaries(r: AnalysedRevision): IpRange[] {
  return mayBeRegistryOnly(r) ? externalBoundaries(r.policies.serviceEntries, r.model.workloads) : [];
}

function mayBeRegistryOnly(r: AnalysedRevision): boolean {
  const client = r.policies.istio.client;
  return (
    client !== undefined &&
    (client.outbound === 'REGISTRY_ONLY' || client.sidecars.some((s) => s.outbound === 'REGISTRY_ONLY'))
  );
}
