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

function readService(obj: K8sObject, out: Diagnostic[]): Service | undefined {
  const diag = new ObjectDiagnostics(obj, out);
  const owner = objectLabel(obj);
  const spec = obj.body.spec ?? {};
  const ports = isRecord(spec) ? (spec.ports ?? []) : undefined;
  if (!isRecord(spec) || !Array.isArray(ports)) {
    diag.error('invalid-service', ['spec'], `${owner}: spec or spec.ports is malformed`, owner);
    return undefined;
  }
  return {
    name: obj.name,
    namespace: obj.namespace,
    selector: selectorOf(obj),
    ports: ports.flatMap((p, i) => readServicePort(p, ['spec', 'ports', i], owner, diag) ?? []),
    type: typeof spec.type === 'string' ? spec.type : 'ClusterIP',
    location: obj.location,
    object: obj,
  };
}

/** Services sorted by namespace then name. */
export function buildServices(objects: readonly K8sObject[], out: Diagnostic[]): Service[] {
  return objects
    .filter((o) => o.kind === 'Service')
    .flatMap((o) => readService(o, out) ?? [])
    .sort((a, b) => compareStrings(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
}
