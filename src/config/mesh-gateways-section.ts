import { namespaceNameError } from '../core/k8s-names.js';
import { labelKeyProblem, labelValueProblem } from './k8s-names.js';
import type { GatewayPodsConfig } from './types.js';
import type { Field, YamlReader } from './yaml-reader.js';

const GATEWAY_KEYS = ['name', 'namespace', 'labels', 'serviceAccount'] as const;

/** DNS-1123 subdomain: what a Deployment or ServiceAccount name must be. */
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * `mesh.gateways:` — gateway pods installed outside the repository (a list of `{ name, namespace,
 * labels, serviceAccount }`): a Gateway whose selector matches no workload of the repository is
 * served by the first of these whose labels its selector matches, instead of assumed pods.
 * `serviceAccount` defaults to `name` (the Istio gateway charts name the account after the
 * Deployment); the account is the identity AuthorizationPolicy sees.
 */
export function readMeshGateways(r: YamlReader, field: Field): GatewayPodsConfig[] {
  const seen = new Set<string>();
  return r.items(field).map((item) => {
    const s = r.section(item, GATEWAY_KEYS);
    const required = (key: (typeof GATEWAY_KEYS)[number], what: string): Field =>
      s.get(key) ?? r.fail(item.node, `${item.path}.${key}: missing ${what}`);
    const nameField = required('name', 'the gateway Deployment name');
    const name = subdomain(r, nameField, 'a Deployment name');
    const nsField = required('namespace', 'the namespace the gateway pods run in');
    const namespace = r.string(nsField);
    const nsProblem = namespaceNameError(namespace);
    if (nsProblem) r.fail(nsField.node, `${nsField.path}: invalid namespace '${namespace}': ${nsProblem}`);
    const key = `${namespace}/${name}`;
    if (seen.has(key)) r.fail(nameField.node, `${item.path}: gateway ${key} is listed twice`);
    seen.add(key);
    const labelsField = required('labels', "the gateway pods' labels");
    const labels: Record<string, string> = {};
    for (const entry of r.entries(labelsField)) {
      const keyProblem = labelKeyProblem(entry.key);
      if (keyProblem) r.fail(entry.keyNode, `${labelsField.path}: invalid key '${entry.key}': ${keyProblem}`);
      const value = entry.value ? r.string(entry.value, 'a string', { allowEmpty: true }) : '';
      const valueProblem = labelValueProblem(value);
      if (valueProblem && entry.value)
        r.fail(entry.value.node, `${entry.value.path}: invalid label value '${value}': ${valueProblem}`);
      labels[entry.key] = value;
    }
    // No labels: no Gateway selector could choose these pods, which is surely a mistake.
    if (Object.keys(labels).length === 0)
      r.fail(labelsField.node, `${labelsField.path}: list at least one label`);
    const saField = s.get('serviceAccount');
    const serviceAccount = saField ? subdomain(r, saField, 'a service account name') : name;
    return { name, namespace, labels, serviceAccount };
  });
}

function subdomain(r: YamlReader, field: Field, what: string): string {
  const value = r.string(field);
  if (value.length > 253 || !SUBDOMAIN.test(value))
    r.fail(field.node, `${field.path}: '${value}' is not ${what} (lower-case DNS-1123 subdomain)`);
  return value;
}
