import type { Config } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { isClusterScoped } from '../manifests/namespace.js';
import type { K8sObject, Labels } from '../manifests/types.js';
import { compareStrings } from './read.js';
import type { Namespace } from './types.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function sortedLabels(labels: Record<string, string>): Labels {
  const out: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) out[key] = labels[key] as string;
  return out;
}

/** The API server always sets this label to the name; a manifest cannot override it. */
function withNameLabel(name: string, labels: Labels): Labels {
  return sortedLabels({ ...labels, [NAMESPACE_NAME_LABEL]: name });
}

function fromObject(obj: K8sObject, config: Config, out: Diagnostic[]): Namespace {
  const declared = config.namespaces[obj.name];
  const labels: Record<string, string> = { ...declared?.labels };
  for (const [key, value] of Object.entries(obj.labels)) {
    const configured = labels[key];
    if (configured !== undefined && configured !== value) {
      out.push({
        severity: 'warning',
        code: 'namespace-label-conflict',
        message: `namespace ${obj.name}: label ${key}=${value} in the repository overrides ${key}=${configured} from the config`,
        location: obj.locate(['metadata', 'labels', key]),
      });
    }
    labels[key] = value;
  }
  return {
    name: obj.name,
    labels: withNameLabel(obj.name, labels),
    annotations: sortedLabels({ ...declared?.annotations, ...obj.annotations }),
    location: obj.location,
    origin: 'manifest',
  };
}

function fromConfig(name: string, config: Config): Namespace {
  const declared = config.namespaces[name];
  return {
    name,
    labels: withNameLabel(name, declared?.labels ?? {}),
    annotations: sortedLabels({ ...declared?.annotations }),
    ...(config.location ? { location: config.location } : {}),
    origin: 'config',
  };
}

/**
 * Namespaces from Namespace objects, the config, and every namespace an object lives in (objects
 * without one are in `default`). Sorted by name.
 */
export function buildNamespaces(
  objects: readonly K8sObject[],
  config: Config,
  out: Diagnostic[],
): Map<string, Namespace> {
  const found = new Map<string, Namespace>();
  for (const obj of objects) if (obj.kind === 'Namespace') found.set(obj.name, fromObject(obj, config, out));
  for (const name of Object.keys(config.namespaces))
    if (!found.has(name)) found.set(name, fromConfig(name, config));
  for (const obj of objects) {
    // Cluster-scoped kinds make no namespace exist, `default` included.
    if (isClusterScoped(obj.kind)) continue;
    const name = obj.namespace;
    if (!found.has(name))
      found.set(name, { name, labels: withNameLabel(name, {}), annotations: {}, origin: 'implicit' });
  }
  return new Map([...found].sort(([a], [b]) => compareStrings(a, b)));
}
