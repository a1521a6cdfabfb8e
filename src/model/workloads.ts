import type { Diagnostic } from '../core/diagnostics.js';
import { flatCopy } from '../core/flat-text.js';
import type { K8sObject, Labels, OwnerReference } from '../manifests/types.js';
import { type PodTemplate, readPodTemplate } from './pod-template.js';
import { compareStrings, ObjectDiagnostics, objectLabel, sameLabels } from './read.js';
import { type ContainerPort, WORKLOAD_KINDS, type Workload, type WorkloadKind } from './types.js';

function isWorkloadKind(kind: string): kind is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

/**
 * The controller a bare pod is named after, as netpol-analyzer does: the ownerReference marked
 * `controller: true`, except a Node (static/mirror pods are individual pods, not replicas).
 */
export function podController(pod: K8sObject): OwnerReference | undefined {
  const ref = pod.ownerReferences.find((r) => r.controller === true);
  return ref && ref.kind !== 'Node' && ref.name !== '' ? ref : undefined;
}

/** `ns/name[Kind]`: a pod's controller (kind `Pod` when the reference has none), or the pod itself. */
export function podWorkloadId(pod: K8sObject): string {
  const ns = pod.namespace;
  const owner = podController(pod);
  return owner ? `${ns}/${owner.name}[${owner.kind || 'Pod'}]` : `${ns}/${pod.name}[Pod]`;
}

function workloadFrom(
  obj: K8sObject,
  t: PodTemplate,
  id: string,
  kind: WorkloadKind,
  name: string,
): Workload {
  return {
    id,
    kind,
    name,
    namespace: obj.namespace,
    podLabels: t.labels,
    podAnnotations: t.annotations,
    containers: t.containers,
    initContainers: t.initContainers,
    ports: t.ports,
    serviceAccountName: t.serviceAccountName,
    hostNetwork: t.hostNetwork,
    location: obj.location,
    object: obj,
  };
}

interface PodGroup {
  readonly pods: K8sObject[];
  readonly templates: PodTemplate[];
}

const portKey = (p: ContainerPort) => `${p.name ?? ''}/${p.containerPort}/${p.protocol}`;

/** Ports of all replicas, first-seen order: a named port any replica declares can be targeted. */
function unionPorts(templates: readonly PodTemplate[]): ContainerPort[] {
  const seen = new Map<string, ContainerPort>();
  for (const t of templates) for (const p of t.ports) if (!seen.has(portKey(p))) seen.set(portKey(p), p);
  return [...seen.values()];
}

function distinctLabels(sets: readonly Labels[]): Labels[] {
  const out: Labels[] = [];
  for (const s of sets) if (!out.some((o) => sameLabels(o, s))) out.push(s);
  return out;
}

function differingKeys(sets: readonly Labels[]): string[] {
  const keys = new Set(sets.flatMap((s) => Object.keys(s)));
  return [...keys].filter((k) => sets.some((s) => s[k] !== sets[0]?.[k])).sort();
}

/**
 * Replicas that disagree on labels are still one peer (netpol-analyzer names them by owner too);
 * the first one stands for all, like netpol-analyzer's representative pod, and the variants are
 * kept so an engine can tell when a selector splits them.
 */
function withReplicas(base: Workload, group: PodGroup, out: Diagnostic[]): Workload {
  const fromPods = base.object.kind === 'Pod';
  const variants = distinctLabels([base.podLabels, ...group.templates.map((t) => t.labels)]);
  const last = group.pods[group.pods.length - 1] ?? base.object;
  const diag = new ObjectDiagnostics(last, out);
  if (variants.length > 1) {
    const what = fromPods
      ? 'pods with the same owner'
      : `pods and the template of ${objectLabel(base.object)}`;
    diag.warning(
      'replica-labels-differ',
      ['metadata', 'labels'],
      `${what} have different labels (${differingKeys(variants).join(', ')}); ${base.id} is analysed with the labels of ${fromPods ? `pod ${base.object.name}` : 'the template'}`,
    );
  }
  const ports = fromPods ? unionPorts(group.templates) : base.ports;
  if (fromPods && group.templates.some((t) => t.ports.length !== ports.length)) {
    diag.warning(
      'replica-ports-differ',
      ['spec'],
      `pods of ${base.id} declare different container ports; their union is used`,
    );
  }
  return {
    ...base,
    ports,
    podObjects: group.pods,
    ...(variants.length > 1 ? { podLabelVariants: variants } : {}),
  };
}

function groupPods(pods: readonly K8sObject[], out: Diagnostic[]): Map<string, PodGroup> {
  const groups = new Map<string, PodGroup>();
  for (const pod of pods) {
    const template = readPodTemplate(pod, new ObjectDiagnostics(pod, out));
    if (!template) continue;
    const id = podWorkloadId(pod);
    const group = groups.get(id) ?? { pods: [], templates: [] };
    group.pods.push(pod);
    group.templates.push(template);
    groups.set(id, group);
  }
  return groups;
}

function podGroupWorkload(id: string, group: PodGroup): Workload | undefined {
  const first = group.pods[0];
  const template = group.templates[0];
  if (!first || !template) return undefined;
  const owner = podController(first);
  const kind = owner && isWorkloadKind(owner.kind) ? owner.kind : 'Pod';
  return workloadFrom(first, template, id, kind, owner?.name ?? first.name);
}

/**
 * Workloads from controller manifests and from bare pods (grouped by controller). `objects` must be
 * free of duplicates already. A controller and pods that name it are one workload: the template
 * is what the repository declares, the pods are its replicas.
 */
export function buildWorkloads(objects: readonly K8sObject[], out: Diagnostic[]): Workload[] {
  const byId = new Map<string, Workload>();
  for (const obj of objects) {
    if (obj.kind === 'Pod' || !isWorkloadKind(obj.kind)) continue;
    const template = readPodTemplate(obj, new ObjectDiagnostics(obj, out));
    // Flat: every stage keys maps by it, and a template literal's result is a tree of its pieces.
    const id = flatCopy(`${obj.namespace}/${obj.name}[${obj.kind}]`);
    if (template) byId.set(id, workloadFrom(obj, template, id, obj.kind, obj.name));
  }
  const groups = groupPods(
    objects.filter((o) => o.kind === 'Pod'),
    out,
  );
  for (const [id, group] of groups) {
    const base = byId.get(id) ?? podGroupWorkload(id, group);
    if (!base) continue;
    const merged = group.pods.length > 1 || byId.has(id) ? withReplicas(base, group, out) : base;
    byId.set(id, merged.podObjects ? merged : { ...merged, podObjects: group.pods });
  }
  return [...byId.values()].sort((a, b) => compareStrings(a.id, b.id));
}
