/**
 * Builds a ClusterModel for L4 tests without the real manifest parser and model builder: policies
 * from inline YAML (with real line/column locations), workloads and namespaces from plain values.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import type { SourceLocation } from '../../src/core/location.js';
import type { PolicyRef } from '../../src/core/refs.js';
import { compileNetworkPolicies } from '../../src/l4/engine.js';
import type { L4Engine, L4Options } from '../../src/l4/engine-api.js';
import type { SideVerdict } from '../../src/l4/verdict.js';
import { effectiveNamespace } from '../../src/manifests/namespace.js';
import type { K8sObject, Labels, ObjectPath } from '../../src/manifests/types.js';
import { externalPeer, type Peer, workloadPeer } from '../../src/model/peers.js';
import type { ClusterModel, ContainerPort, Namespace, Protocol, Workload } from '../../src/model/types.js';
import { parseCidr } from '../../src/values/ip-range.js';

export const REVISION = 'test';
export const FILE = 'policies.yaml';

/** Every document of `text` as a K8sObject whose locate() gives real positions. */
export function objectsFromYaml(text: string, file = FILE): K8sObject[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter });
  if (!Array.isArray(docs)) throw new Error('empty YAML stream');
  return docs
    .filter((doc) => doc.contents !== null)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
      const body = doc.toJS() as Record<string, unknown>;
      const metadata = (body.metadata ?? {}) as Record<string, unknown>;
      const written = metadata.namespace === undefined ? undefined : String(metadata.namespace);
      const at = (offset: number): SourceLocation => {
        const pos = lineCounter.linePos(offset);
        return { revision: REVISION, file, line: pos.line, column: pos.col };
      };
      const locate = (path: ObjectPath): SourceLocation => {
        for (let n = path.length; n >= 0; n--) {
          const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
          if (node?.range) return at(node.range[0]);
        }
        return at(0);
      };
      return {
        apiVersion: String(body.apiVersion ?? ''),
        kind: String(body.kind ?? ''),
        name: String(metadata.name ?? ''),
        namespace: effectiveNamespace(String(body.kind ?? ''), written),
        ...(written === undefined ? {} : { declaredNamespace: written }),
        labels: (metadata.labels ?? {}) as Labels,
        annotations: (metadata.annotations ?? {}) as Labels,
        ownerReferences: [],
        body,
        location: locate([]),
        locate,
      };
    });
}

export interface WorkloadSpec {
  /** `namespace/name`. */
  readonly id: string;
  readonly labels?: Labels;
  /** `name:number/PROTO`, `name:number` (TCP) or `number`. */
  readonly ports?: readonly string[];
  readonly hostNetwork?: boolean;
  /** Other label sets of the grouped pods (`podLabelVariants` is `[labels, ...these]`). */
  readonly otherLabels?: readonly Labels[];
}

export function parsePort(text: string): ContainerPort {
  const match = /^(?:([a-z0-9-]+):)?(\d+)(?:\/(TCP|UDP|SCTP))?$/.exec(text);
  if (!match) throw new Error(`bad port spec ${text}`);
  const protocol = (match[3] ?? 'TCP') as Protocol;
  const port = { containerPort: Number(match[2]), protocol };
  return match[1] ? { ...port, name: match[1] } : port;
}

export function workload(spec: WorkloadSpec): Workload {
  const [namespace, name] = spec.id.split('/') as [string, string];
  const ports = (spec.ports ?? []).map(parsePort);
  const location: SourceLocation = { revision: REVISION, file: 'workloads.yaml', line: 1, column: 1 };
  const object: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name,
    namespace,
    labels: {},
    annotations: {},
    ownerReferences: [],
    body: {},
    location,
    locate: () => location,
  };
  return {
    id: `${namespace}/${name}[Deployment]`,
    kind: 'Deployment',
    name,
    namespace,
    podLabels: spec.labels ?? {},
    podAnnotations: {},
    containers: [{ name: 'main', ports }],
    initContainers: [],
    ports,
    serviceAccountName: 'default',
    hostNetwork: spec.hostNetwork ?? false,
    location,
    object,
    ...(spec.otherLabels?.length ? { podLabelVariants: [spec.labels ?? {}, ...spec.otherLabels] } : {}),
  };
}

export function namespace(name: string, labels: Labels = {}): Namespace {
  return {
    name,
    labels: { ...labels, 'kubernetes.io/metadata.name': name },
    annotations: {},
    origin: 'manifest',
  };
}

export interface ModelSpec {
  readonly namespaces?: readonly Namespace[];
  readonly workloads: readonly Workload[];
  readonly policies?: string;
}

export function model(spec: ModelSpec): ClusterModel {
  const namespaces = new Map<string, Namespace>();
  for (const ns of spec.namespaces ?? []) namespaces.set(ns.name, ns);
  for (const w of spec.workloads)
    if (!namespaces.has(w.namespace)) namespaces.set(w.namespace, namespace(w.namespace));
  const objects = spec.policies ? objectsFromYaml(spec.policies) : [];
  return {
    revision: REVISION,
    namespaces: new Map([...namespaces].sort(([a], [b]) => (a < b ? -1 : 1))),
    workloads: [...spec.workloads].sort((a, b) => (a.id < b.id ? -1 : 1)),
    services: [],
    objectsByKind: new Map(
      ['NetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'].map(
        (kind) => [kind, objects.filter((o) => o.kind === kind)] as const,
      ),
    ),
  };
}

/** A small test cluster: look workloads up by `namespace/name`, peers by that or a CIDR. */
export class Cluster {
  readonly engine: L4Engine;
  readonly model: ClusterModel;

  constructor(spec: ModelSpec, options: L4Options = { ipBlockMatchesPods: false }) {
    this.model = model(spec);
    this.engine = compileNetworkPolicies(this.model, options);
  }

  workload(id: string): Workload {
    const w = this.model.workloads.find((x) => `${x.namespace}/${x.name}` === id);
    if (!w) throw new Error(`no workload ${id}`);
    return w;
  }

  /** `ns/name` or a CIDR/address for an external range. */
  peer(id: string): Peer {
    return /^[\d.:a-f]+(\/\d+)?$/.test(id) && /[.:]/.test(id)
      ? externalPeer(parseCidr(id))
      : workloadPeer(this.workload(id));
  }

  egress(src: string, dst: string): SideVerdict {
    return this.engine.egress(this.workload(src), this.peer(dst));
  }

  ingress(dst: string, src: string): SideVerdict {
    return this.engine.ingress(this.workload(dst), this.peer(src));
  }

  /** What A5 allows from `src` to `dst`: egress AND ingress (external ends are unconstrained). */
  allowed(src: string, dst: string): string {
    const srcPeer = this.peer(src);
    const dstPeer = this.peer(dst);
    const egress = srcPeer.kind === 'workload' ? this.engine.egress(srcPeer.workload, dstPeer).allowed : null;
    const ingress =
      dstPeer.kind === 'workload' ? this.engine.ingress(dstPeer.workload, srcPeer).allowed : null;
    if (egress && ingress) return egress.intersect(ingress).toString();
    return (egress ?? ingress)?.toString() ?? 'All Connections';
  }
}

export function names(refs: readonly PolicyRef[]): string[] {
  return refs.map((r) => `${r.namespace}/${r.name}`);
}

/** A SideVerdict as plain strings, for readable equality checks. */
export function summarize(v: SideVerdict): Record<string, unknown> {
  return {
    isolatedBy: names(v.isolatedBy),
    grants: v.grants.map((g) => `${g.rule.policy.name} ${g.rule.rule}: ${g.conns.toString()}`),
    uncertainBy: names(v.uncertainBy),
    allowed: v.allowed.toString(),
  };
}

/**
 * Removes the common indentation of a template literal (ignoring an unindented first line written
 * right after the backtick) and drops blank lines.
 */
export function dedent(text: string): string[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const indentOf = (l: string) => l.length - l.trimStart().length;
  const rest = lines.slice(1);
  const indent = rest.length > 0 ? Math.min(...rest.map(indentOf)) : 0;
  return lines.map((l, i) => (i === 0 && indentOf(l) === 0 ? l : l.slice(indent)));
}

/** One NetworkPolicy document; `spec` is the YAML under `spec:`, at any indentation. */
export function netpol(ns: string, name: string, spec: string): string {
  const body = dedent(spec)
    .map((l) => `  ${l}`)
    .join('\n');
  return `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
${body}
`;
}
