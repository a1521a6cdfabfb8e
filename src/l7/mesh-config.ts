import { parse as parseYaml } from 'yaml';
import type { Diagnostic } from '../core/diagnostics.js';
import { HELM_VALUES_KIND, type K8sObject } from '../manifests/types.js';
import type { ClusterModel } from '../model/types.js';

/** What the L7 layer needs from `meshConfig` [I-mesh]. */
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

type Json = Readonly<Record<string, unknown>>;

function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

/**
 * Where mesh config lives in a GitOps repository: an IstioOperator (`spec.meshConfig`), the `istio`
 * ConfigMap (`data.mesh`, a YAML string), a Flux HelmRelease or an Argo CD Application for the istiod
 * chart (`values.meshConfig`), or a Helm values file of that chart (`meshConfig`). The first one found in file order wins; more than one is a warning.
 */
export function readMeshSettings(model: ClusterModel, istioNamespace: string): MeshSettings {
  const found: { meshConfig: Json; from: K8sObject }[] = [];
  const diagnostics: Diagnostic[] = [];
  const add = (o: K8sObject, m: unknown) => {
    const meshConfig = obj(m);
    if (meshConfig) found.push({ meshConfig, from: o });
  };
  for (const o of model.objectsByKind.get('IstioOperator') ?? []) add(o, obj(o.body.spec)?.meshConfig);
  for (const o of model.objectsByKind.get('ConfigMap') ?? []) {
    if (!/^istio(-.+)?$/.test(o.name) || (o.namespace ?? 'default') !== istioNamespace) continue;
    const text = obj(o.body.data)?.mesh;
    if (typeof text !== 'string') continue;
    try {
      add(o, parseYaml(text));
    } catch {
      diagnostics.push({
        severity: 'warning',
        code: 'istio-mesh-config-unreadable',
        message: `ConfigMap ${o.namespace}/${o.name}: data.mesh is not valid YAML; mesh defaults assumed`,
        location: o.locate(['data', 'mesh']),
      });
    }
  }
  for (const o of model.objectsByKind.get(HELM_VALUES_KIND) ?? []) add(o, o.body.meshConfig);
  for (const o of model.objectsByKind.get('HelmRelease') ?? [])
    add(o, obj(obj(o.body.spec)?.values)?.meshConfig);
  for (const o of model.objectsByKind.get('Application') ?? []) {
    const helm = obj(obj(obj(o.body.spec)?.source)?.helm);
    add(o, obj(helm?.valuesObject)?.meshConfig);
  }
  const first = found[0];
  if (found.length > 1) {
    diagnostics.push({
      severity: 'warning',
      code: 'istio-mesh-config-ambiguous',
      message: `${found.length} mesh configurations found; using ${first!.from.kind} ${first!.from.namespace ?? ''}/${first!.from.name}`,
      location: found[1]!.from.location,
    });
  }
  const root = first?.meshConfig.rootNamespace;
  return {
    rootNamespace: typeof root === 'string' && root !== '' ? root : undefined,
    providers: first ? readProviders(first.meshConfig) : undefined,
    diagnostics,
  };
}

function readProviders(meshConfig: Json): Map<string, 'http' | 'grpc' | 'other'> {
  const out = new Map<string, 'http' | 'grpc' | 'other'>();
  const list = meshConfig.extensionProviders;
  if (!Array.isArray(list)) return out;
  for (const p of list) {
    const entry = obj(p);
    if (!entry || typeof entry.name !== 'string') continue;
    out.set(entry.name, entry.envoyExtAuthzHttp ? 'http' : entry.envoyExtAuthzGrpc ? 'grpc' : 'other');
  }
  return out;
}
