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
  const ports = internPorts(
    rawPorts.flatMap((p, i) => readPort(p, [...path, 'ports', i], where, diag) ?? []),
  );
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

const NO_PORTS: readonly ContainerPort[] = Object.freeze([]);

/** Distinct port lists kept (a bound, so a long-lived process does not grow without end). */
const MAX_PORT_LISTS = 100_000;
const PORT_LISTS = new Map<string, readonly ContainerPort[]>();

/** A text naming the list's ports (name, number, protocol) one to one: a name is length-prefixed. */
function portsKey(ports: readonly ContainerPort[]): string {
  let key = '';
  for (const p of ports) {
    key += `${p.name === undefined ? '-' : `${p.name.length}:${p.name}`} ${p.containerPort} ${p.protocol};`;
  }
  return key;
}

/**
 * One frozen array per distinct list of container ports: most workloads of a repository declare
 * the same few (`http 8080/TCP`), and each workload kept its own arrays (per container and per
 * pod, with a flatMap's room to spare: ~190 bytes where 70 do), 16 MiB at L. Equal lists are
 * interchangeable (ports are read-only values); test/model/shared-templates.test.ts checks that
 * lists differing in any field stay apart.
 */
export function internPorts(ports: readonly ContainerPort[]): readonly ContainerPort[] {
  if (ports.length === 0) return NO_PORTS;
  const key = portsKey(ports);
  const known = PORT_LISTS.get(key);
  if (known) return known;
  if (PORT_LISTS.size >= MAX_PORT_LISTS) PORT_LISTS.clear();
  const list = Object.freeze(ports.map((p) => Object.freeze({ ...p })));
  PORT_LISTS.set(key, list);
  return list;
}

/**
 * Templates already read, by the object's body: base and head share the bodies of every file the
 * pull request did not touch (manifests/parse-cache.ts), so head's workloads share base's labels,
 * containers and ports instead of reading the same template into copies. Only a template read
 * without a diagnostic is kept (a diagnostic names its revision, so head must report its own), and
 * what is read depends on the body alone (the kind is checked too). Weak: nothing outlives a body.
 */
const TEMPLATES = new WeakMap<object, { readonly kind: string; readonly template: PodTemplate }>();

/**
 * Reads the pod template of `obj` (its whole self for a Pod). Returns `undefined`, with an error,
 * when the template is missing or malformed: a workload whose pods cannot be described is dropped.
 * Bad single ports are dropped on their own so the rest of the workload stays in the analysis.
 */
export function readPodTemplate(obj: K8sObject, diag: ObjectDiagnostics): PodTemplate | undefined {
  const known = TEMPLATES.get(obj.body);
  if (known && known.kind === obj.kind) return known.template;
  const before = diag.reported;
  const template = readTemplate(obj, diag);
  if (template && diag.reported === before) TEMPLATES.set(obj.body, { kind: obj.kind, template });
  return template;
}

function readTemplate(obj: K8sObject, diag: ObjectDiagnostics): PodTemplate | undefined {
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
      // One container (the usual pod) has its ports list already.
      ports: containers.length === 1 ? containers[0]!.ports : internPorts(containers.flatMap((c) => c.ports)),
      serviceAccountName: typeof account === 'string' && account !== '' ? account : 'default',
      hostNetwork: spec.hostNetwork === true,
    };
  } catch (e) {
    if (e instanceof BrokenTemplate) return undefined;
    throw e;
  }
}
