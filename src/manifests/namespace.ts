import { HELM_VALUES_KIND } from './types.js';

/**
 * Kinds that live outside any namespace. Their `namespace` is '' (what the API server stores for
 * them), so they never land in `default` nor make it exist. A Helm values file is no object at all.
 */
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'APIService',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'GatewayClass',
  'ClusterIssuer',
  HELM_VALUES_KIND,
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

/**
 * The namespace an object of `kind` lands in: the one written, else `default` (where
 * `kubectl apply` puts a namespaced object that names none), or '' for a cluster-scoped kind.
 * Decided once when objects are read, so no reader defaults it again.
 */
export function effectiveNamespace(kind: string, written: string | undefined): string {
  if (isClusterScoped(kind)) return written ?? '';
  return written ?? 'default';
}

/** Objects of a file an Application applies, moved where it lands them (SourceFile.landing). */
export function landObjects<T extends { kind: string; namespace: string; declaredNamespace?: string }>(
  objects: readonly T[],
  landing: { readonly namespace: string; readonly override: boolean } | undefined,
): T[] {
  if (!landing) return [...objects];
  return objects.map((o) =>
    isClusterScoped(o.kind) || (!landing.override && o.declaredNamespace !== undefined)
      ? o
      : { ...o, namespace: landing.namespace },
  );
}
