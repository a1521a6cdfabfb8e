import type { Config } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { fileLine } from '../core/location.js';
import type { K8sObject } from '../manifests/types.js';
import { buildNamespaces } from './namespaces.js';
import { objectLabel } from './read.js';
import { buildServices } from './services.js';
import type { ClusterModel } from './types.js';
import { buildWorkloads } from './workloads.js';

export interface BuiltModel {
  model: ClusterModel;
  diagnostics: Diagnostic[];
}

/** Identity of an object in a cluster: API group, kind, namespace, name (`v1` core has no group). */
function identity(obj: K8sObject): string {
  const slash = obj.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : obj.apiVersion.slice(0, slash);
  return `${group}/${obj.kind}/${obj.namespace}/${obj.name}`;
}

/** `base/np.yaml:3 rendered by clusters/prod`: two copies of one base file differ by their root. */
function where(obj: K8sObject): string {
  const root = obj.rendered ? ` rendered by ${obj.rendered.root}` : '';
  return `${fileLine(obj.location)}${root}`;
}

/** The later copy's place, when the diagnostic's own location does not tell the two apart. */
function later(earlier: K8sObject, obj: K8sObject): string {
  return obj.rendered || fileLine(earlier.location) === fileLine(obj.location) ? ` (${where(obj)})` : '';
}

/**
 * The same object declared twice: the later one wins, as with `kubectl apply` of the files in
 * order, and a warning names both places. The earlier copy is removed everywhere (workloads,
 * policies), so it cannot add connections the cluster would never have. An identical copy (a
 * file read again through a symlink, as `kubectl apply -R` reads it) changes nothing: no warning.
 */
function dropDuplicates(objects: readonly K8sObject[], out: Diagnostic[]): K8sObject[] {
  const last = new Map<string, K8sObject>();
  for (const obj of objects) {
    const earlier = last.get(identity(obj));
    if (earlier && JSON.stringify(earlier.body) !== JSON.stringify(obj.body)) {
      out.push({
        severity: 'warning',
        code: 'duplicate-object',
        message: `${objectLabel(obj)} is declared again (first at ${where(earlier)}); this later one${later(earlier, obj)} is used`,
        location: obj.location,
      });
    }
    last.set(identity(obj), obj);
  }
  const winners = new Set(last.values());
  return objects.filter((o) => winners.has(o));
}

function groupByKind(objects: readonly K8sObject[]): Map<string, K8sObject[]> {
  const byKind = new Map<string, K8sObject[]>();
  for (const obj of objects) {
    const list = byKind.get(obj.kind) ?? [];
    list.push(obj);
    byKind.set(obj.kind, list);
  }
  return new Map([...byKind].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Normalises one revision's objects into the cluster model. Never throws on bad input: each
 * problem is a diagnostic, the broken piece is dropped and the rest is still modelled.
 */
export function buildModel(objects: readonly K8sObject[], config: Config, revision: string): BuiltModel {
  const diagnostics: Diagnostic[] = [];
  const unique = dropDuplicates(objects, diagnostics);
  const namespaces = buildNamespaces(unique, config, diagnostics);
  const workloads = buildWorkloads(unique, diagnostics);
  const services = buildServices(unique, diagnostics);
  const objectsByKind = groupByKind(unique);
  return { model: { revision, namespaces, workloads, services, objectsByKind }, diagnostics };
}
