import type { Config } from '../config/types.js';
import { digest } from '../core/digest.js';
import { serviceSelectorMatches } from '../manifests/label-match.js';
import type { Namespace, Service, Workload } from '../model/types.js';
import type { DestInfo } from './cell.js';
import type { ClientSide } from './client-types.js';
import type { MeshSettings } from './mesh-config.js';
import { projectLabels } from './read-labels.js';
import { serviceDigest } from './service-digest.js';

/** What a workload's L7 fingerprints read of its revision (the L7 engine's compiled state). */
export interface FingerprintReads {
  readonly rootNamespace: string;
  readonly mesh: MeshSettings;
  readonly trustDomains: readonly string[];
  readonly config: Config;
  readonly client: ClientSide;
  readonly paDigests: ReadonlyMap<string, readonly string[]>;
  readonly namespaces: ReadonlyMap<string, Namespace>;
  readonly servicesByNamespace: ReadonlyMap<string, readonly Service[]>;
  labelKeys(): ReadonlySet<string>;
  dest(w: Workload): DestInfo;
  /** The digests of the AuthorizationPolicies that apply to `w` (dry-run and unusable ones too). */
  applyingDigests(w: Workload): readonly (string | undefined)[];
  servicesOf(w: Workload): readonly Service[];
}

/** The mesh-wide part of every workload's fingerprint, digested once (else copied into each). */
export function meshFingerprint(r: FingerprintReads): string {
  const { client } = r;
  return digest(
    JSON.stringify([
      r.rootNamespace,
      r.mesh.rootNamespace ?? null,
      r.mesh.providers ? [...r.mesh.providers] : null,
      r.trustDomains,
      r.mesh.injector,
      r.config.cluster.podCIDRs,
      r.config.mesh,
      r.paDigests.get(r.rootNamespace) ?? [],
      client.outbound,
      client.installedRevisions ? [...client.installedRevisions].sort() : null,
      client.defaultServiceExportTo,
      // Mesh VirtualServices: what a Sidecar import brings along (F9) and the subsets routed to.
      (client.virtualServiceImports ?? []).map((v) => [
        v.ref.namespace,
        v.ref.name,
        v.exportTo,
        v.hosts,
        v.destinations,
      ]),
      [...client.routedSubsets].map(([h, s]) => [h, [...s].sort()]),
      // Wildcard DestinationRule hosts name Services of any namespace: read mesh-wide.
      [...client.digests].filter(([k]) => k.startsWith('dr:') && k.includes('*')),
      client.digests.get(`sidecar:${r.rootNamespace}`) ?? [],
      client.digests.get(`ra:${r.rootNamespace}`) ?? [],
    ]),
  );
}

/**
 * L7Engine.fingerprint (`asSource` false), or L7Engine.sourceFingerprint: the same without what only
 * `w` as a destination reads (the AuthorizationPolicies, PeerAuthentications and
 * RequestAuthentications applying to it, its ports, its Services and their DestinationRules). A
 * cell reads of its source the client side and identity (sourceKey: its namespace and its labels'
 * Sidecar and DestinationRules, sidecar, outbound capture annotations, account); what it dials, and
 * how (the destination's Services, their DestinationRules, its PeerAuthentication), is the
 * destination's fingerprint's.
 */
export function workloadFingerprint(
  r: FingerprintReads,
  mesh: string,
  w: Workload,
  asSource: boolean,
): string {
  const d = r.dest(w);
  const ns = r.namespaces.get(w.namespace);
  const { location: _, ...sidecar } = d.sidecar;
  const client = [
    mesh,
    w.namespace,
    ns ? [ns.labels, ns.annotations, ns.origin] : null,
    w.kind,
    w.serviceAccountName,
    // Only the labels some Istio-side selector of this revision reads (see L4's fingerprint for
    // why that is comparable across revisions).
    projectLabels(w.podLabels, r.labelKeys()),
    w.podAnnotations,
    w.hostNetwork,
    sidecar,
    r.client.digests.get(`sidecar:${w.namespace}`) ?? [],
  ];
  if (asSource) return JSON.stringify(['source', ...client]);
  return JSON.stringify([
    ...client,
    w.ports,
    r.applyingDigests(w),
    r.paDigests.get(w.namespace) ?? [],
    (r.servicesByNamespace.get(w.namespace) ?? [])
      .filter((svc) => serviceSelectorMatches(svc.selector, w.podLabels))
      .map(serviceDigest),
    r.client.digests.get(`ra:${w.namespace}`) ?? [],
    r
      .servicesOf(w)
      .map((svc) => r.client.digests.get(`dr:${svc.name}.${svc.namespace}.svc.cluster.local`) ?? []),
  ]);
}
