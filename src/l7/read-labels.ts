import type { Labels } from '../manifests/types.js';
import type { Service } from '../model/types.js';
import type { PolicyModel } from './authz-model.js';
import type { ClientSide } from './client-types.js';
import type { PeerAuthn } from './peer-authn.js';

/** The pod labels injection reads (injection.ts, client-side.ts), whatever the selectors say. */
const INJECTION_KEYS = ['sidecar.istio.io/inject', 'istio.io/rev'];

/**
 * The pod label keys some Istio-side selector of the revision reads: AuthorizationPolicy,
 * PeerAuthentication, Sidecar, RequestAuthentication and DestinationRule workload selectors,
 * DestinationRule subsets, Service selectors, and the injection labels. A label outside them
 * changes no L7 answer, so fingerprints keep only these (a label nobody reads costs nothing).
 */
export function labelKeysRead(
  policies: readonly PolicyModel[],
  pa: PeerAuthn,
  client: ClientSide,
  services: readonly Service[],
): ReadonlySet<string> {
  const keys = new Set<string>(INJECTION_KEYS);
  const add = (labels: Labels | undefined) => {
    for (const k of Object.keys(labels ?? {})) keys.add(k);
  };
  for (const p of policies)
    if (p.scope.kind === 'mesh-selector' || p.scope.kind === 'namespace') add(p.scope.matchLabels);
  for (const m of [...pa.policies(), ...pa.invalid]) add(m.matchLabels);
  for (const s of client.sidecars) add(s.selector);
  for (const ra of client.requestAuthn) add(ra.selector);
  for (const list of client.destinationTls.values()) {
    for (const dr of list) {
      add(dr.workloadSelector);
      for (const subset of dr.subsetTls) add(subset.labels);
    }
  }
  for (const svc of services) add(svc.selector);
  return keys;
}

/** `labels` restricted to `keys`, in key order (comparable across revisions). */
export function projectLabels(labels: Labels, keys: ReadonlySet<string>): [string, string][] {
  return Object.keys(labels)
    .filter((k) => keys.has(k))
    .sort()
    .map((k) => [k, labels[k]!]);
}
