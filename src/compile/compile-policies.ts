import type { Config } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { buildPolicyIndex, type PolicyIndex } from '../l4/policy-index.js';
import type { GatewayModel } from '../l7/gateway-types.js';
import { compileIstioPolicies, type IstioPolicies } from '../l7/istio-policies.js';
import type { ServiceEntryModel } from '../l7/service-entry-types.js';
import type { ClusterModel } from '../model/types.js';
import { compileClientSide } from './client-side.js';
import { decodeIngresses } from './gateway-ingresses.js';
import { compileGateways } from './gateways.js';
import { checkKinds, withoutRejected } from './kinds.js';
import { type MeshInstall, readMeshInstall } from './mesh-install.js';
import { decodeServiceEntries } from './service-entries.js';
import { decodeTraffic, type TrafficPolicies } from './traffic.js';

/**
 * Every policy of one revision, decoded and compiled once: the L4 and L7 engines evaluate it, and
 * findings, diff and report read it. Nothing downstream reads policy YAML again.
 */
export interface CompiledPolicies {
  /** NetworkPolicies, compiled and indexed by namespace. */
  readonly networkPolicies: PolicyIndex;
  /** AuthorizationPolicies (with their objects) and PeerAuthentications. */
  readonly istio: IstioPolicies;
  /** VirtualServices and DestinationRules. */
  readonly traffic: TrafficPolicies;
  /** Istio Gateways, the VirtualServices bound to them and their pods: the ingress edges. */
  readonly gateways: GatewayModel;
  /** Valid ServiceEntries: their hosts are destinations (F12). */
  readonly serviceEntries: readonly ServiceEntryModel[];
  /** The Istio install: root namespace, proxy defaults, injector, providers, release. */
  readonly mesh: MeshInstall;
  /** Every problem found while decoding and compiling, in stage order (L4, kinds, Istio, traffic). */
  readonly diagnostics: readonly Diagnostic[];
}

export function compilePolicies(model: ClusterModel, config: Config): CompiledPolicies {
  const networkPolicies = buildPolicyIndex(model, config.cni);
  const mesh = readMeshInstall(model, config.mesh);
  // What the Istio release does not serve takes no effect: the Istio stages never see it.
  const root = config.mesh.rootNamespace ?? mesh.rootNamespace ?? 'istio-system';
  const kinds = checkKinds(model, config.mesh.istioRelease ?? mesh.release, root);
  const served = withoutRejected(model, kinds.rejected);
  const traffic = decodeTraffic(served);
  const client = compileClientSide(served, traffic, mesh, root);
  const istio = { ...compileIstioPolicies(served, mesh, config.mesh.rootNamespace), client };
  const ingresses = decodeIngresses(served, root);
  const gateways = compileGateways(
    served,
    [...traffic.gatewayVirtualServices, ...ingresses.virtualServices],
    root,
    config.mesh.gateways,
    ingresses,
  );
  const serviceEntries = decodeServiceEntries(served);
  return {
    networkPolicies,
    istio,
    traffic,
    gateways,
    serviceEntries: serviceEntries.entries,
    mesh,
    diagnostics: [
      ...networkPolicies.diagnostics,
      ...kinds.diagnostics,
      ...istio.diagnostics,
      ...traffic.diagnostics,
      ...gateways.diagnostics,
      ...serviceEntries.diagnostics,
      ...client.diagnostics,
    ],
  };
}
