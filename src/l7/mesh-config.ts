import type { Diagnostic } from '../core/diagnostics.js';

/**
 * What the L7 layer needs from `meshConfig` [I-mesh]. Read by src/compile/mesh-install.ts, the one
 * reader of the Istio install (which also holds what other consumers need).
 */
export interface MeshSettings {
  /** `meshConfig.rootNamespace`, when some object in the repository sets it. */
  readonly rootNamespace: string | undefined;
  /**
   * `meshConfig.extensionProviders` by name: `http` for envoyExtAuthzHttp (HTTP chains only, D17),
   * `grpc` for envoyExtAuthzGrpc (HTTP and TCP), `other` for anything else. `undefined` when no
   * mesh config was found at all (then providers cannot be checked, D22).
   */
  readonly providers: ReadonlyMap<string, 'http' | 'grpc' | 'other'> | undefined;
  /**
   * The trust domain identities carry, then the aliases principals are also matched with (D9):
   * config `mesh.trustDomain`, else `meshConfig.trustDomain` of the repository's install, else
   * `cluster.local`.
   */
  readonly trustDomains: readonly string[];
  /** The injector settings applied (C2e, C4), from the config, the repository's install or Istio's defaults. */
  readonly injector: AppliedInjector;
  readonly diagnostics: readonly Diagnostic[];
}

/** `global.proxy.autoInject` and `sidecarInjectorWebhook.enableNamespacesByDefault` as applied. */
export interface AppliedInjector {
  /** `enabled` (Istio's default), `disabled`, or any other value, which the injector treats as off. */
  readonly policy: string;
  readonly enableNamespacesByDefault: boolean;
  /** Where each comes from, for reasons: `IstioOperator istio-system/main`, `config`, `Istio's default`. */
  readonly policyFrom: string;
  readonly byDefaultFrom: string;
}
