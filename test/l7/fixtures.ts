/**
 * Inline YAML goes through the real parser (test/helpers/yaml.ts); Namespaces, Workloads and Services
 * are built here by hand, a tiny stand-in for the model builder (written in parallel).
 */
import { type Config, DEFAULT_CONFIG } from '../../src/config/types.js';
import type { K8sObject, Labels } from '../../src/manifests/types.js';
import { type Peer, workloadPeer } from '../../src/model/peers.js';
import type {
  ClusterModel,
  Container,
  ContainerPort,
  Namespace,
  Protocol,
  Service,
  Workload,
  WorkloadKind,
} from '../../src/model/types.js';
import { ConnSet } from '../../src/values/conn-set.js';
import { PortSet } from '../../src/values/port-set.js';
import { objectsFromYaml } from '../helpers/yaml.js';

type Json = Record<string, unknown>;
const asObj = (v: unknown): Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
const asLabels = (v: unknown): Labels =>
  Object.fromEntries(Object.entries(asObj(v)).map(([k, x]) => [k, String(x)]));

/** Objects through the real manifest parser (test/helpers/yaml.ts). */
export function objects(text: string, file = 'test.yaml'): K8sObject[] {
  return objectsFromYaml(text, file);
}

function containers(raw: unknown): Container[] {
  return (Array.isArray(raw) ? raw : []).map((c) => {
    const o = asObj(c);
    const ports: ContainerPort[] = (Array.isArray(o.ports) ? o.ports : []).map((p) => {
      const po = asObj(p);
      return {
        name: po.name as string | undefined,
        containerPort: Number(po.containerPort),
        protocol: (po.protocol as Protocol) ?? 'TCP',
      };
    });
    return { name: String(o.name ?? ''), ports, restartPolicy: o.restartPolicy as string | undefined };
  });
}

function toWorkload(o: K8sObject): Workload | undefined {
  const kind = o.kind as WorkloadKind;
  if (kind !== 'Deployment' && kind !== 'Pod' && kind !== 'StatefulSet' && kind !== 'DaemonSet')
    return undefined;
  const spec = asObj(o.body.spec);
  const tpl = kind === 'Pod' ? { metadata: o.body.metadata, spec } : asObj(spec.template);
  const podSpec = asObj(asObj(tpl).spec);
  const podMeta = asObj(asObj(tpl).metadata);
  const cs = containers(podSpec.containers);
  const namespace = o.namespace;
  return {
    id: `${namespace}/${o.name}[${kind}]`,
    kind,
    name: o.name,
    namespace,
    podLabels: asLabels(podMeta.labels),
    podAnnotations: asLabels(podMeta.annotations),
    containers: cs,
    initContainers: containers(podSpec.initContainers),
    ports: cs.flatMap((c) => c.ports),
    serviceAccountName: String(podSpec.serviceAccountName ?? 'default'),
    hostNetwork: podSpec.hostNetwork === true,
    location: o.location,
    object: o,
  };
}

function toService(o: K8sObject): Service {
  const spec = asObj(o.body.spec);
  return {
    name: o.name,
    namespace: o.namespace,
    selector: spec.selector ? asLabels(spec.selector) : undefined,
    ports: (Array.isArray(spec.ports) ? spec.ports : []).map((p) => {
      const po = asObj(p);
      return {
        name: po.name as string | undefined,
        port: Number(po.port),
        targetPort: (po.targetPort as number | string | undefined) ?? Number(po.port),
        protocol: (po.protocol as Protocol) ?? 'TCP',
        appProtocol: po.appProtocol as string | undefined,
      };
    }),
    type: String(spec.type ?? 'ClusterIP'),
    location: o.location,
    object: o,
  };
}

export function modelFromYaml(text: string): ClusterModel {
  const objs = objects(text);
  const byKind = new Map<string, K8sObject[]>();
  for (const o of objs) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), o]);
  const namespaces = new Map<string, Namespace>();
  for (const o of byKind.get('Namespace') ?? []) {
    namespaces.set(o.name, {
      name: o.name,
      labels: { ...o.labels, 'kubernetes.io/metadata.name': o.name },
      annotations: o.annotations,
      origin: 'manifest',
      location: o.location,
    });
  }
  const workloads = objs.flatMap((o) => toWorkload(o) ?? []).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const w of workloads) {
    if (!namespaces.has(w.namespace)) {
      namespaces.set(w.namespace, {
        name: w.namespace,
        labels: { 'kubernetes.io/metadata.name': w.namespace },
        annotations: {},
        origin: 'implicit',
      });
    }
  }
  return {
    revision: 'test',
    namespaces: new Map([...namespaces].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
    workloads,
    services: (byKind.get('Service') ?? []).map(toService),
    objectsByKind: byKind,
  };
}

export function config(mesh: Partial<Config['mesh']> = {}, ipBlockMatchesPods = false): Config {
  return {
    ...DEFAULT_CONFIG,
    cni: { ...DEFAULT_CONFIG.cni, ipBlockMatchesPods },
    mesh: { ...DEFAULT_CONFIG.mesh, ...mesh },
  };
}

export function workload(model: ClusterModel, name: string): Workload {
  const w = model.workloads.find((x) => x.name === name);
  if (!w) throw new Error(`no workload ${name}`);
  return w;
}

export function peer(model: ClusterModel, name: string): Peer {
  return workloadPeer(workload(model, name));
}

export const tcp = (...ports: number[]): ConnSet =>
  ConnSet.from({ TCP: PortSet.of(ports.map((p) => ({ from: p, to: p }))) });

/** A Deployment in one YAML line-block: labels, annotations, SA, ports. */
export function deploy(
  name: string,
  ns: string,
  opts: {
    labels?: Labels;
    annotations?: Labels;
    sa?: string;
    ports?: number[];
    hostNetwork?: boolean;
    proxy?: boolean;
  } = {},
): string {
  const labels = { app: name, ...(opts.labels ?? {}) };
  const ports = (opts.ports ?? [80]).map((p) => ({ containerPort: p }));
  const cs = [{ name: 'app', ports }, ...(opts.proxy ? [{ name: 'istio-proxy' }] : [])];
  const pod = {
    metadata: { labels, annotations: opts.annotations ?? {} },
    spec: { serviceAccountName: opts.sa ?? name, hostNetwork: opts.hostNetwork ?? false, containers: cs },
  };
  return `---\n${JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns }, spec: { template: pod } })}\n`;
}

/** A Namespace with labels. */
export function namespace(name: string, labels: Labels = {}): string {
  return `---\n${JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } })}\n`;
}

/**
 * The standard mesh for engine tests: `app` and `other` are injected, `plain` is not.
 * server (app, sa server) has ports 80 (Service `http`), 9000 (Service `tcp-db`), 8080 (undeclared).
 */
export const BASE_MESH = `${namespace('app', { 'istio-injection': 'enabled' })}${namespace('other', { 'istio-injection': 'enabled' })}${namespace('plain')}${namespace('istio-system')}${deploy('server', 'app', { ports: [80, 8080, 9000] })}${deploy('client', 'app')}${deploy('client2', 'other')}${deploy('legacy', 'plain')}---
apiVersion: v1
kind: Service
metadata: {name: server, namespace: app}
spec:
  selector: {app: server}
  ports:
  - {name: http, port: 80}
  - {name: tcp-db, port: 9000}
`;
