import { isRecord } from '../core/decode.js';
import type { K8sObject, Labels, ObjectPath } from '../manifests/types.js';
import {
  checkProtocol,
  isPortNumber,
  labelsAt,
  type ObjectDiagnostics,
  objectLabel,
  valueAt,
} from './read.js';
import type { Container, ContainerPort } from './types.js';

/** What a pod template (or a bare Pod) contributes to a workload. */
export interface PodTemplate {
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly containers: readonly Container[];
  readonly initContainers: readonly Container[];
  readonly ports: readonly ContainerPort[];
  readonly serviceAccountName: string;
  readonly hostNetwork: boolean;
}

/** Where each workload kind keeps its pod template; a Pod is its own template. */
export const TEMPLATE_PATHS: Readonly<Record<string, ObjectPath>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Pod: [],
};

function hasNonStringLabel(metadata: unknown): boolean {
  if (!isRecord(metadata)) return false;
  return [metadata.labels, metadata.annotations].some(
    (m) => isRecord(m) && Object.values(m).some((v) => typeof v !== 'string'),
  );
}

/** Thrown inside this module only: the template is unusable, the workload is dropped. */
class BrokenTemplate extends Error {}

function readPort(
  raw: unknown,
  path: ObjectPath,
  where: string,
  diag: ObjectDiagnostics,
): ContainerPort | undefined {
  if (!isRecord(raw)) {
    diag.error('invalid-port', path, `a port of ${where} is not an object`, `that port of ${where}`);
    return undefined;
  }
  const { containerPort, protocol = 'TCP', name } = raw;
  if (!isPortNumber(containerPort)) {
    const shown = JSON.stringify(containerPort) ?? 'nothing';
    diag.error(
      'invalid-port',
      [...path, 'containerPort'],
      `containerPort ${shown} of ${where} is not 1-65535`,
      `port ${shown} of ${where}`,
    );
    return undefined;
  }
  if (!checkProtocol(protocol, [...path, 'protocol'], where, `port ${containerPort} of ${where}`, diag))
    return undefined;
  return { ...(typeof name === 'string' ? { name } : {}), containerPort, protocol };
}

function readContainer(raw: unknown, path: ObjectPath, owner: string, diag: ObjectDiagnostics): Container {
  if (!isRecord(raw)) {
    diag.error('invalid-container', path, `a container of ${owner} is not an object`, owner);
    throw new BrokenTemplate();
  }
  const name = typeof raw.name === 'string' ? raw.name : '';
  const where = `container ${name || '(unnamed)'} of ${owner}`;
  const rawPorts = raw.ports ?? [];
  if (!Array.isArray(rawPorts)) {
    diag.error('invalid-container', [...path, 'ports'], `ports of ${where} is not a list`, owner);
    throw new BrokenTemplate();
  }
  const ports = rawPorts.flatMap((p, i) => readPort(p, [...path, 'ports', i], where, diag) ?? []);
  return {
    name,
    ...(typeof raw.image === 'string' ? { image: raw.image } : {}),
    ports,
    ...(isRecord(raw.resources) ? { resources: raw.resources } : {}),
    ...(typeof raw.restartPolicy === 'string' ? { restartPolicy: raw.restartPolicy } : {}),
  };
}

function readContainers(
  spec: Record<string, unknown>,
  path: ObjectPath,
  owner: string,
  diag: ObjectDiagnostics,
) {
  const field = path[path.length - 1];
  const raw = spec[String(field)] ?? [];
  if (!Array.isArray(raw)) {
    diag.error('invalid-template', path, `${String(field)} of ${owner} is not a list`, owner);
    throw new BrokenTemplate();
  }
  return raw.map((c, i) => readContainer(c, [...path, i], owner, diag));
}

/**
 * Reads the pod template of `obj` (its whole self for a Pod). Returns `undefined`, with an error,
 * when the template is missing or malformed: a workload whose pods cannot be described is dropped.
 * Bad single ports are dropped on their own so the rest of the workload stays in the analysis.
 */
export function readPodTemplate(obj: K8sObject, diag: ObjectDiagnostics): PodTemplate | undefined {
  const base = TEMPLATE_PATHS[obj.kind] ?? ['spec', 'template'];
  const owner = objectLabel(obj);
  const template = base.length === 0 ? obj.body : valueAt(obj.body, base);
  if (!isRecord(template)) {
    diag.error('invalid-template', base, `${owner} has no pod template at ${base.join('.')}`, owner);
    return undefined;
  }
  // Bare pods from cluster dumps sometimes carry no spec at all; they are still peers.
  const spec = template.spec ?? {};
  if (!isRecord(spec)) {
    diag.error('invalid-template', [...base, 'spec'], `pod spec of ${owner} is not an object`, owner);
    return undefined;
  }
  for (const field of ['labels', 'annotations']) {
    const value = valueAt(template, ['metadata', field]);
    // `labels: [app=web]`: the API server rejects the object, so none of its pods exist.
    if (value !== undefined && value !== null && !isRecord(value)) {
      const path = [...base, 'metadata', field];
      diag.error('invalid-template', path, `pod template ${field} of ${owner} is not a map`, owner);
      return undefined;
    }
  }
  // `version: 1` unquoted, in the template or the object's own metadata: the API server rejects the
  // object, so none of its pods exist; manifests/labels.ts reported it (non-string-label, its reach).
  const metadatas = [valueAt(template, ['metadata']), base.length === 0 ? undefined : obj.body.metadata];
  if (metadatas.some(hasNonStringLabel)) return undefined;
  try {
    const containers = readContainers(spec, [...base, 'spec', 'containers'], owner, diag);
    const initContainers = readContainers(spec, [...base, 'spec', 'initContainers'], owner, diag);
    const account = spec.serviceAccountName ?? spec.serviceAccount;
    return {
      labels: labelsAt(template, ['metadata', 'labels']),
      annotations: labelsAt(template, ['metadata', 'annotations']),
      containers,
      initContainers,
      ports: containers.flatMap((c) => c.ports),
      serviceAccountName: typeof account === 'string' && account !== '' ? account : 'default',
      hostNetwork: spec.hostNetwork === true,
    };
  } catch (e) {
    if (e instanceof BrokenTemplate) return undefined;
    throw e;
  }
}
