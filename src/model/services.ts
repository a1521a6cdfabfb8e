import { isRecord } from '../core/decode.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { K8sObject, Labels, ObjectPath } from '../manifests/types.js';
import {
  checkProtocol,
  compareStrings,
  isPortNumber,
  labelsAt,
  ObjectDiagnostics,
  objectLabel,
} from './read.js';
import type { Service, ServicePort } from './types.js';

function readServicePort(
  raw: unknown,
  path: ObjectPath,
  owner: string,
  diag: ObjectDiagnostics,
): ServicePort | undefined {
  if (!isRecord(raw)) {
    diag.error('invalid-port', path, `a port of ${owner} is not an object`, `that port of ${owner}`);
    return undefined;
  }
  const { port, targetPort = port, protocol = 'TCP', name, appProtocol } = raw;
  if (!isPortNumber(port)) {
    const shown = JSON.stringify(port) ?? 'nothing';
    diag.error(
      'invalid-port',
      [...path, 'port'],
      `port ${shown} of ${owner} is not 1-65535`,
      `port ${shown} of ${owner}`,
    );
    return undefined;
  }
  const validTarget = isPortNumber(targetPort) || (typeof targetPort === 'string' && targetPort !== '');
  if (!validTarget) {
    const shown = JSON.stringify(targetPort);
    diag.error(
      'invalid-port',
      [...path, 'targetPort'],
      `targetPort ${shown} of ${owner} is neither 1-65535 nor a name`,
      `port ${port} of ${owner}`,
    );
    return undefined;
  }
  if (!checkProtocol(protocol, [...path, 'protocol'], owner, `port ${port} of ${owner}`, diag))
    return undefined;
  return {
    ...(typeof name === 'string' ? { name } : {}),
    port,
    targetPort,
    protocol,
    ...(typeof appProtocol === 'string' ? { appProtocol } : {}),
  };
}

/** An empty selector selects nothing for a Service (no endpoints are managed), same as none. */
function selectorOf(obj: K8sObject): Labels | undefined {
  const selector = labelsAt(obj.body, ['spec', 'selector']);
  return Object.keys(selector).length > 0 ? selector : undefined;
}

type ServiceSpec = Pick<Service, 'selector' | 'ports' | 'type'>;

/**
 * What a Service's body says, by body: head shares base's bodies (manifests/parse-cache.ts), so its
 * Services share base's selector and ports. Kept only when read without a diagnostic (those name
 * their revision); it depends on the body alone. Weak: nothing outlives a body.
 */
const SPECS = new WeakMap<object, ServiceSpec>();

function readSpec(obj: K8sObject, diag: ObjectDiagnostics): ServiceSpec | undefined {
  const owner = objectLabel(obj);
  const spec = obj.body.spec ?? {};
  const ports = isRecord(spec) ? (spec.ports ?? []) : undefined;
  if (!isRecord(spec) || !Array.isArray(ports)) {
    diag.error('invalid-service', ['spec'], `${owner}: spec or spec.ports is malformed`, owner);
    return undefined;
  }
  return {
    selector: selectorOf(obj),
    // slice: a flatMap's array keeps room to spare (~190 bytes for one port, against ~70).
    ports: ports.flatMap((p, i) => readServicePort(p, ['spec', 'ports', i], owner, diag) ?? []).slice(),
    type: typeof spec.type === 'string' ? spec.type : 'ClusterIP',
  };
}

function readService(obj: K8sObject, out: Diagnostic[]): Service | undefined {
  let spec = SPECS.get(obj.body);
  if (!spec) {
    const diag = new ObjectDiagnostics(obj, out);
    spec = readSpec(obj, diag);
    if (!spec) return undefined;
    if (diag.reported === 0) SPECS.set(obj.body, spec);
  }
  return { name: obj.name, namespace: obj.namespace, ...spec, location: obj.location, object: obj };
}

/** Services sorted by namespace then name. */
export function buildServices(objects: readonly K8sObject[], out: Diagnostic[]): Service[] {
  return objects
    .filter((o) => o.kind === 'Service')
    .flatMap((o) => readService(o, out) ?? [])
    .sort((a, b) => compareStrings(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
}
