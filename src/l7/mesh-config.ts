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
  readonly diagnostics: readonly Diagnostic[];
}
