import { asRecord } from '../core/decode.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { HELM_VALUES_KIND, type K8sObject, type ObjectPath } from '../manifests/types.js';
import { kubeYamlValue } from '../manifests/yaml-json.js';
import type { ClusterModel } from '../model/types.js';

type Json = Readonly<Record<string, unknown>>;

/** One object of the repository that states part of the Istio install: a meshConfig or chart values. */
export interface InstallSource {
  readonly object: K8sObject;
  readonly json: Json;
  /** Where `json` sits inside the object. */
  readonly path: ObjectPath;
  /** How messages name that place: `spec.values`, `helm.valuesObject`, `data.values`, '' for a values file. */
  readonly label: string;
  /** `json` was parsed from a string field, so only `path` (the string) can be located. */
  readonly opaque: boolean;
}

function source(object: K8sObject, json: unknown, path: ObjectPath, label: string, opaque = false) {
  const found = asRecord(json);
  return found ? [{ object, json: found, path, label, opaque }] : [];
}

const objects = (model: ClusterModel, kind: string) => model.objectsByKind.get(kind) ?? [];

/** Each IstioOperator's `spec` (`profile`, `revision`, `tag`, `meshConfig`), in file order. */
export function operatorSources(model: ClusterModel): InstallSource[] {
  return objects(model, 'IstioOperator').flatMap((o) => source(o, o.body.spec, ['spec'], 'spec'));
}

/** Revisions and tags of the injection webhooks written out (MutatingWebhookConfiguration labels, C8). */
export function webhookRevisions(model: ClusterModel): string[] {
  return objects(model, 'MutatingWebhookConfiguration').flatMap((o) =>
    ['istio.io/rev', 'istio.io/tag'].map((k) => o.labels[k]).filter((v): v is string => !!v),
  );
}

/**
 * Versions of the istiod chart that Flux HelmReleases (`spec.chart.spec.version`) and Argo CD
 * Applications (`spec.source.targetRevision`) install, in file order.
 */
export function istiodChartVersions(model: ClusterModel): string[] {
  const out: string[] = [];
  for (const o of objects(model, 'HelmRelease')) {
    const chart = asRecord(asRecord(asRecord(o.body.spec)?.chart)?.spec);
    if (chart?.chart === 'istiod' && typeof chart.version === 'string') out.push(chart.version);
  }
  for (const o of objects(model, 'Application')) {
    const source = asRecord(asRecord(o.body.spec)?.source);
    if (source?.chart === 'istiod' && typeof source.targetRevision === 'string')
      out.push(source.targetRevision);
  }
  return out;
}

/** `^istio(-.+)?$`-style ConfigMaps of the Istio namespace only: other namespaces' are not the install's. */
function installConfigMaps(model: ClusterModel, istioNamespace: string, name: RegExp): K8sObject[] {
  return objects(model, 'ConfigMap').filter((o) => name.test(o.name) && o.namespace === istioNamespace);
}

/**
 * Where mesh config lives, in the order that decides which one wins: an IstioOperator
 * (`spec.meshConfig`), the `istio` ConfigMap (`data.mesh`, a YAML string), a Helm values file of the
 * istiod chart (`meshConfig`), a Flux HelmRelease or an Argo CD Application (`values.meshConfig`).
 */
export function meshConfigSources(
  model: ClusterModel,
  istioNamespace: string,
  diagnostics: Diagnostic[],
): InstallSource[] {
  const out: InstallSource[] = [];
  for (const o of objects(model, 'IstioOperator'))
    out.push(...source(o, asRecord(o.body.spec)?.meshConfig, ['spec', 'meshConfig'], 'spec.meshConfig'));
  for (const o of installConfigMaps(model, istioNamespace, /^istio(-.+)?$/)) {
    const text = asRecord(o.body.data)?.mesh;
    if (typeof text !== 'string') continue;
    try {
      out.push(...source(o, kubeYamlValue(text), ['data', 'mesh'], 'data.mesh', true));
    } catch {
      diagnostics.push({
        severity: 'warning',
        code: 'istio-mesh-config-unreadable',
        message: `ConfigMap ${o.namespace}/${o.name}: data.mesh is not valid YAML; mesh defaults assumed`,
        location: o.locate(['data', 'mesh']),
      });
    }
  }
  for (const o of objects(model, HELM_VALUES_KIND))
    out.push(...source(o, o.body.meshConfig, ['meshConfig'], 'meshConfig'));
  for (const o of objects(model, 'HelmRelease'))
    out.push(
      ...source(
        o,
        asRecord(asRecord(o.body.spec)?.values)?.meshConfig,
        ['spec', 'values', 'meshConfig'],
        'spec.values.meshConfig',
      ),
    );
  for (const o of objects(model, 'Application')) {
    const helm = asRecord(asRecord(asRecord(o.body.spec)?.source)?.helm);
    const path = ['spec', 'source', 'helm', 'valuesObject', 'meshConfig'];
    out.push(...source(o, asRecord(helm?.valuesObject)?.meshConfig, path, 'helm.valuesObject.meshConfig'));
  }
  return out;
}

/**
 * Where chart values live, in the order that decides which one wins: an IstioOperator
 * (`spec.values`), a Helm values file, a Flux HelmRelease (`spec.values`), an Argo CD Application
 * (`spec.source.helm.valuesObject`), the rendered `istio-sidecar-injector` ConfigMap (`data.values`, JSON).
 */
export function valuesSources(model: ClusterModel, istioNamespace: string): InstallSource[] {
  const out: InstallSource[] = [];
  for (const o of objects(model, 'IstioOperator'))
    out.push(...source(o, asRecord(o.body.spec)?.values, ['spec', 'values'], 'spec.values'));
  for (const o of objects(model, HELM_VALUES_KIND)) out.push(...source(o, o.body, [], ''));
  for (const o of objects(model, 'HelmRelease'))
    out.push(...source(o, asRecord(o.body.spec)?.values, ['spec', 'values'], 'spec.values'));
  for (const o of objects(model, 'Application')) {
    const values = asRecord(asRecord(asRecord(o.body.spec)?.source)?.helm)?.valuesObject;
    out.push(...source(o, values, ['spec', 'source', 'helm', 'valuesObject'], 'helm.valuesObject'));
  }
  for (const o of installConfigMaps(model, istioNamespace, /^istio-sidecar-injector(-.+)?$/)) {
    const text = asRecord(o.body.data)?.values;
    if (typeof text !== 'string') continue;
    // The injector reads it with sigs.k8s.io/yaml (NewValuesConfig): the chart writes JSON, but an
    // overlay may patch in block YAML (kubeflow's insecure overlay), which is the same values.
    try {
      out.push(...source(o, kubeYamlValue(text), ['data', 'values'], 'data.values', true));
    } catch {
      // Not YAML: ignored, the other sources (or the built-in default) apply.
    }
  }
  return out;
}

/** `IstioOperator istio-system/main`, `Helm values values.yaml`. */
export function sourceLabel(s: InstallSource): string {
  return s.object.kind === HELM_VALUES_KIND
    ? `Helm values ${s.object.name}`
    : `${s.object.kind} ${s.object.namespace}/${s.object.name}`;
}
