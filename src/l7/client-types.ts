import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceLocation } from '../core/location.js';
import type { PolicyRef, RuleRef } from '../core/refs.js';
import type { K8sObject, Labels } from '../manifests/types.js';

/**
 * What the client sidecar decides (SEMANTICS 0.1, E6, E10, E11, F7-F10, F14, D12), compiled once
 * per revision by src/compile (client-side.ts) and evaluated by client-transport.ts.
 */

/** DestinationRule `tls.mode` (istio/api networking/v1alpha3 destination_rule.proto ClientTLSSettings). */
export type DrTlsMode = 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';
export const DR_TLS_MODES: readonly DrTlsMode[] = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'];

/** One `tls` setting of a DestinationRule, with the rule that wrote it (for explanations). */
export interface TlsSetting {
  readonly mode: DrTlsMode;
  readonly rule: RuleRef;
}

/** The TLS settings of one valid DestinationRule for its host. */
export interface DestinationTls {
  readonly ref: PolicyRef;
  /** FQDN (F1). */
  readonly host: string;
  readonly namespace: string;
  /** `exportTo` as written; `undefined` = every namespace. */
  readonly exportTo: readonly string[] | undefined;
  /** `workloadSelector.matchLabels`: the clients it applies to (its namespace's only). */
  readonly workloadSelector: Labels | undefined;
  /** `trafficPolicy.tls`. */
  readonly tls: TlsSetting | undefined;
  /** `trafficPolicy.portLevelSettings[].tls` by service port number. */
  readonly portTls: ReadonlyMap<number, TlsSetting>;
  /**
   * `subsets[].trafficPolicy.tls` and its `portLevelSettings[].tls` with the subset's labels (only
   * subsets that set one). A subset's cluster on port P takes its port level, then its top level,
   * then the rule's (Istio's MergeSubsetTrafficPolicy): `subsetTlsFor`.
   */
  readonly subsetTls: readonly SubsetTls[];
}

export interface SubsetTls {
  readonly name: string;
  readonly labels: Labels;
  readonly tls: TlsSetting | undefined;
  /** `portLevelSettings[].tls` by service port number (the first entry for a port wins). */
  readonly portTls: ReadonlyMap<number, TlsSetting>;
}

/** What the subset itself sets for its cluster on Service port `port`, if anything. */
export function subsetTlsFor(s: SubsetTls, port: number): TlsSetting | undefined {
  return s.portTls.get(port) ?? s.tls;
}

/** A mesh VirtualService as a Sidecar's egress.hosts see it (F9). */
export interface VirtualServiceImport {
  readonly ref: PolicyRef;
  readonly namespace: string;
  /** `exportTo` as written; when omitted, the mesh's `defaultVirtualServiceExportTo` (`*` by default). */
  readonly exportTo: readonly string[];
  /** Its hosts, FQDN (F1). */
  readonly hosts: readonly string[];
  /** The hosts its routes send to (weight above 0), FQDN. */
  readonly destinations: readonly string[];
}

/** One egress listener of a Sidecar: the hosts it imports, on one port or all. */
export interface SidecarEgress {
  /** `port.number`; `undefined`: every port. */
  readonly port: number | undefined;
  /** `ns/dnsName` as written (F9). */
  readonly hosts: readonly string[];
}

/** One valid Sidecar resource (F8-F10). */
export interface SidecarModel {
  readonly ref: PolicyRef;
  readonly object: K8sObject;
  /** `workloadSelector.labels`; `undefined` = the namespace's default. */
  readonly selector: Labels | undefined;
  /** Egress listeners; an omitted `egress` imports every host (`*\/*`). */
  readonly egress: readonly SidecarEgress[];
  /** `outboundTrafficPolicy.mode`, overriding the mesh setting (F10). */
  readonly outbound: OutboundMode | undefined;
  readonly outboundLocation: SourceLocation | undefined;
}

export type OutboundMode = 'ALLOW_ANY' | 'REGISTRY_ONLY';

/** One valid RequestAuthentication (D12): whom it selects. */
export interface RequestAuthnModel {
  readonly ref: PolicyRef;
  readonly object: K8sObject;
  /** `selector.matchLabels`; `undefined` = namespace-wide (mesh-wide in the root namespace). */
  readonly selector: Labels | undefined;
  /** Only `targetRef(s)` (gateways/waypoints): applies to no sidecar. */
  readonly targetRefOnly: boolean;
}

/** Everything of a revision the client side reads. */
export interface ClientSide {
  /** Valid DestinationRules by host FQDN, in input order. */
  readonly destinationTls: ReadonlyMap<string, readonly DestinationTls[]>;
  /** Hosts (FQDN) with an invalid DestinationRule: their TLS is unknown. */
  readonly unknownTls: ReadonlySet<string>;
  /** Subsets that mesh VirtualServices route each host to (for subset TLS). */
  readonly routedSubsets: ReadonlyMap<string, ReadonlySet<string>>;
  /** Mesh VirtualServices as a Sidecar scope imports them (F9: their destinations come along). */
  readonly virtualServiceImports?: readonly VirtualServiceImport[];
  readonly sidecars: readonly SidecarModel[];
  readonly requestAuthn: readonly RequestAuthnModel[];
  /** `meshConfig.outboundTrafficPolicy.mode` (ALLOW_ANY when the install does not say). */
  readonly outbound: OutboundMode;
  /** `meshConfig.defaultServiceExportTo` (`*` when the install does not say). */
  readonly defaultServiceExportTo: readonly string[];
  /** Revisions/tags with an injection webhook in the repository (C8); `undefined`: unknown, assumed installed. */
  readonly installedRevisions?: ReadonlySet<string>;
  /** Content digests (DestinationRules by host, Sidecars and RequestAuthentications by namespace). */
  readonly digests: ReadonlyMap<string, readonly string[]>;
  readonly diagnostics: readonly Diagnostic[];
}

export const NO_CLIENT_SIDE: ClientSide = {
  destinationTls: new Map(),
  unknownTls: new Set(),
  routedSubsets: new Map(),
  sidecars: [],
  requestAuthn: [],
  outbound: 'ALLOW_ANY',
  defaultServiceExportTo: ['*'],
  digests: new Map(),
  diagnostics: [],
};
