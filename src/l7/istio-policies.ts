import type { Diagnostic } from '../core/diagnostics.js';
import { contentDigest, specDigest } from '../l4/policy-index.js';
import type { K8sObject } from '../manifests/types.js';
import type { ClusterModel } from '../model/types.js';
import { compileAuthorizationPolicy } from './authz-compile.js';
import type { PolicyModel } from './authz-model.js';
import type { ClientSide } from './client-types.js';
import type { MeshSettings } from './mesh-config.js';
import { PeerAuthn } from './peer-authn.js';

const SECURITY_VERSIONS = new Set(['security.istio.io/v1', 'security.istio.io/v1beta1']);

/** One AuthorizationPolicy: compiled, with the object it came from (for locations and findings). */
export interface AuthorizationEntry {
  readonly model: PolicyModel;
  readonly object: K8sObject;
  /** Content digest of the object as written, comparable across revisions (fingerprints). */
  readonly digest: string;
  /** Digest of the spec alone (see specDigest): equal in two policies that act alike. */
  readonly specDigest: string;
}

/**
 * A revision's Istio security policies, compiled once: the L7 engine evaluates them and findings
 * read them, so neither compiles or decodes them again.
 */
export interface IstioPolicies {
  /** config.mesh.rootNamespace ?? meshConfig.rootNamespace from the repository ?? `istio-system`. */
  readonly rootNamespace: string;
  readonly mesh: MeshSettings;
  /** security.istio.io v1/v1beta1 AuthorizationPolicies, in input order. */
  readonly authorization: readonly AuthorizationEntry[];
  /** security.istio.io v1/v1beta1 PeerAuthentication objects, in input order. */
  readonly peerAuthentications: readonly K8sObject[];
  readonly peerAuthn: PeerAuthn;
  /** Content digests of the PeerAuthentications, by namespace. */
  readonly peerAuthnDigests: ReadonlyMap<string, readonly string[]>;
  /** The client side (DestinationRule TLS, Sidecars, RequestAuthentications); src/compile adds it. */
  readonly client?: ClientSide;
  /** Mesh settings' problems, ignored versions, invalid policies, ambiguous PeerAuthentications. */
  readonly diagnostics: readonly Diagnostic[];
}

export function compileIstioPolicies(
  model: ClusterModel,
  mesh: MeshSettings,
  configuredRoot: string | undefined,
): IstioPolicies {
  const diagnostics: Diagnostic[] = [...mesh.diagnostics];
  const rootNamespace = configuredRoot ?? mesh.rootNamespace ?? 'istio-system';
  const peerAuthentications = securityObjects(model, 'PeerAuthentication', diagnostics);
  const peerAuthn = new PeerAuthn(peerAuthentications, rootNamespace);
  diagnostics.push(...peerAuthn.diagnostics);
  const peerAuthnDigests = new Map<string, string[]>();
  for (const o of peerAuthentications) push(peerAuthnDigests, o.namespace, contentDigest(o));
  const authorization: AuthorizationEntry[] = [];
  for (const object of securityObjects(model, 'AuthorizationPolicy', diagnostics)) {
    const compiled = compileAuthorizationPolicy(object, rootNamespace);
    authorization.push({
      model: compiled.model,
      object,
      digest: contentDigest(object),
      specDigest: specDigest(object),
    });
    diagnostics.push(...compiled.diagnostics);
  }
  diagnostics.push(...workloadLevelDuplicates(model, peerAuthn));
  return {
    rootNamespace,
    mesh,
    authorization,
    peerAuthentications,
    peerAuthn,
    peerAuthnDigests,
    diagnostics,
  };
}

/**
 * Only security.istio.io v1/v1beta1 is read. Versions of that group the Istio release does not
 * serve never get here (compile/kinds.ts rejects them with an error); a same-named kind of another
 * group is no Istio policy: a warning, ignored.
 */
function securityObjects(model: ClusterModel, kind: string, diagnostics: Diagnostic[]): K8sObject[] {
  const out: K8sObject[] = [];
  for (const o of model.objectsByKind.get(kind) ?? []) {
    if (SECURITY_VERSIONS.has(o.apiVersion)) out.push(o);
    else {
      diagnostics.push({
        severity: 'warning',
        code: 'istio-unsupported-version',
        message: `${kind} ${o.namespace}/${o.name}: apiVersion ${o.apiVersion} is not security.istio.io v1/v1beta1; ignored`,
        location: o.location,
      });
    }
  }
  return out;
}

/** E3: several workload-level PeerAuthentications selecting one workload, said once per set. */
function workloadLevelDuplicates(model: ClusterModel, pa: PeerAuthn): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const w of model.workloads) {
    const list = pa.workloadPolicies(w);
    const key = `${w.namespace}/${list.map((m) => m.ref.name).join(',')}`;
    if (list.length < 2 || seen.has(key)) continue;
    seen.add(key);
    out.push({
      severity: 'warning',
      code: 'istio-peerauthentication-ambiguous',
      message: `${list.length} workload-level PeerAuthentications select ${w.id} (${list.map((m) => m.ref.name).join(', ')}); assuming ${list[0]!.ref.name} is the oldest (E3)`,
      location: list[0]!.ref.location,
    });
  }
  return out;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
