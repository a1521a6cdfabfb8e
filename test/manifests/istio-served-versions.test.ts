import { describe, expect, it } from 'vitest';
import { istioServedError } from '../../src/manifests/kinds.js';

/**
 * The versions each Istio CRD serves (`served: true`), read from `crd-all.gen.yaml` of istio/istio
 * at the tags 1.20.0 to 1.29.0 (manifests/charts/base/crds/ up to 1.23, manifests/charts/base/files/
 * from 1.24): per kind, the release a set of versions starts at, in force until the next entry.
 * Every tag in between was read too and changes nothing.
 */
const CRD_ALL: readonly [group: string, kind: string, served: Readonly<Record<string, string>>][] = [
  ['extensions.istio.io', 'WasmPlugin', { '1.20': 'v1alpha1' }],
  ['networking.istio.io', 'DestinationRule', { '1.20': 'v1alpha3,v1beta1', '1.22': 'v1,v1alpha3,v1beta1' }],
  ['networking.istio.io', 'EnvoyFilter', { '1.20': 'v1alpha3' }],
  ['networking.istio.io', 'Gateway', { '1.20': 'v1alpha3,v1beta1', '1.22': 'v1,v1alpha3,v1beta1' }],
  ['networking.istio.io', 'ProxyConfig', { '1.20': 'v1beta1' }],
  ['networking.istio.io', 'ServiceEntry', { '1.20': 'v1alpha3,v1beta1', '1.22': 'v1,v1alpha3,v1beta1' }],
  ['networking.istio.io', 'Sidecar', { '1.20': 'v1alpha3,v1beta1', '1.22': 'v1,v1alpha3,v1beta1' }],
  ['networking.istio.io', 'VirtualService', { '1.20': 'v1alpha3,v1beta1', '1.22': 'v1,v1alpha3,v1beta1' }],
  ['networking.istio.io', 'WorkloadEntry', { '1.20': 'v1alpha3,v1beta1', '1.22': 'v1,v1alpha3,v1beta1' }],
  ['networking.istio.io', 'WorkloadGroup', { '1.20': 'v1alpha3,v1beta1', '1.22': 'v1,v1alpha3,v1beta1' }],
  ['security.istio.io', 'AuthorizationPolicy', { '1.20': 'v1,v1beta1' }],
  ['security.istio.io', 'PeerAuthentication', { '1.20': 'v1beta1', '1.22': 'v1,v1beta1' }],
  ['security.istio.io', 'RequestAuthentication', { '1.20': 'v1,v1beta1' }],
  ['telemetry.istio.io', 'Telemetry', { '1.20': 'v1alpha1', '1.22': 'v1,v1alpha1' }],
];

const RELEASES = ['1.20', '1.21', '1.22', '1.23', '1.24', '1.25', '1.26', '1.27', '1.28', '1.29'];
/** Versions some Istio release of a group has served, so each kind is asked about all of them. */
const ASKED = ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1beta1', 'v1'];

function servedAt(served: Readonly<Record<string, string>>, release: string): string[] {
  const minor = (r: string): number => Number(r.split('.')[1]);
  const from = Object.keys(served)
    .filter((r) => minor(r) <= minor(release))
    .sort((a, b) => minor(b) - minor(a))[0]!;
  return served[from]!.split(',');
}

const cases = CRD_ALL.flatMap(([group, kind, served]) =>
  RELEASES.map((release) => [group, kind, release, servedAt(served, release)] as const),
);

describe('Istio served versions match the CRDs of each release (SEMANTICS V1)', () => {
  it.each(cases)('%s %s on Istio %s serves %s', (group, kind, release, served) => {
    const judged = ASKED.filter((v) => istioServedError(`${group}/${v}`, kind, release) === undefined);
    expect(judged.sort()).toEqual([...served].sort());
  });
});
