import type { SourceLocation } from '../core/location.js';
import { policyLabel, ruleLabel } from '../core/refs.js';
import { matchesLabels } from '../manifests/label-match.js';
import type { K8sObject, Labels } from '../manifests/types.js';
import { workloadPeer } from '../model/peers.js';
import type { Service, Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { PortSet } from '../values/port-set.js';
import {
  listSome,
  objectResource,
  policyResource,
  type RevisionContext,
  workloadResource,
} from './context.js';
import type { RawFinding, ResourceRef } from './types.js';

type Json = Readonly<Record<string, unknown>>;
function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}
function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

const NETWORKING = /^networking\.istio\.io\//;

/** A host name as written, resolved in the namespace of the object that names it (F1). */
function fqdn(host: string, namespace: string): string {
  if (host.includes('*')) return host;
  const parts = host.split('.');
  if (parts.length === 1) return `${host}.${namespace}.svc.cluster.local`;
  if (parts.length === 2) return `${host}.svc.cluster.local`;
  return host;
}

function serviceOf(ctx: RevisionContext, name: string): Service | undefined {
  const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(name);
  if (!m) return undefined;
  return ctx.rev.model.services.find((s) => s.name === m[1] && s.namespace === m[2]);
}

interface Subset {
  readonly labels: Labels;
  readonly location: SourceLocation;
  readonly object: K8sObject;
}

/** Subsets by host FQDN, then name; for a duplicated subset the first definition wins (F5). */
function subsets(ctx: RevisionContext): Map<string, Map<string, Subset>> {
  const out = new Map<string, Map<string, Subset>>();
  for (const o of ctx.rev.model.objectsByKind.get('DestinationRule') ?? []) {
    if (!NETWORKING.test(o.apiVersion)) continue;
    const spec = obj(o.body.spec) ?? {};
    if (typeof spec.host !== 'string') continue;
    const host = fqdn(spec.host, o.namespace ?? 'default');
    const byName = out.get(host) ?? new Map<string, Subset>();
    out.set(host, byName);
    for (const [i, raw] of list(spec.subsets).entries()) {
      const s = obj(raw);
      if (!s || typeof s.name !== 'string' || byName.has(s.name)) continue;
      const labels = Object.fromEntries(Object.entries(obj(s.labels) ?? {}).map(([k, v]) => [k, String(v)]));
      byName.set(s.name, { labels, location: o.locate(['spec', 'subsets', i]), object: o });
    }
  }
  return out;
}

interface RouteDest {
  readonly host: string;
  readonly subset: string | undefined;
  readonly port: number | undefined;
  readonly weight: number;
  readonly location: SourceLocation;
}

interface MeshVirtualService {
  readonly object: K8sObject;
  readonly hosts: readonly string[];
  readonly destinations: readonly RouteDest[];
}

function meshVirtualServices(ctx: RevisionContext): MeshVirtualService[] {
  const out: MeshVirtualService[] = [];
  for (const o of ctx.rev.model.objectsByKind.get('VirtualService') ?? []) {
    if (!NETWORKING.test(o.apiVersion)) continue;
    const ns = o.namespace ?? 'default';
    const spec = obj(o.body.spec) ?? {};
    const gateways = list(spec.gateways);
    // F1: gateways omitted means `mesh`; a list without `mesh` does not apply to sidecars.
    if (gateways.length > 0 && !gateways.includes('mesh')) continue;
    const hosts = list(spec.hosts)
      .filter((h): h is string => typeof h === 'string')
      .map((h) => fqdn(h, ns));
    const destinations: RouteDest[] = [];
    for (const kind of ['http', 'tcp', 'tls'] as const) {
      for (const [i, r] of list(spec[kind]).entries()) {
        const route = list(obj(r)?.route);
        const weighted = route.some((d) => typeof obj(d)?.weight === 'number');
        for (const [j, d] of route.entries()) {
          const dest = obj(obj(d)?.destination);
          if (!dest || typeof dest.host !== 'string') continue;
          const w = obj(d)?.weight;
          const weight = route.length === 1 ? 100 : typeof w === 'number' ? w : weighted ? 0 : 1;
          const port = obj(dest.port)?.number;
          destinations.push({
            host: fqdn(dest.host, ns),
            subset: typeof dest.subset === 'string' ? dest.subset : undefined,
            port: typeof port === 'number' ? port : undefined,
            weight,
            location: o.locate(['spec', kind, i, 'route', j]),
          });
        }
      }
    }
    out.push({ object: o, hosts, destinations });
  }
  return out;
}

/** TCP container ports a Service port (or every port) reaches on one pod. */
function targetPorts(svc: Service, port: number | undefined, w: Workload): ConnSet {
  const ranges = svc.ports
    .filter((p) => p.protocol === 'TCP' && (port === undefined || p.port === port))
    .flatMap((p) => {
      if (typeof p.targetPort === 'number') return [p.targetPort];
      const named = w.ports.find((c) => c.name === p.targetPort);
      return named ? [named.containerPort] : [];
    })
    .map((n) => ({ from: n, to: n }));
  return ConnSet.of('TCP', PortSet.of(ranges));
}

interface Target {
  readonly dest: RouteDest;
  readonly pods: readonly Workload[];
  readonly svc: Service;
  readonly subset?: Subset;
}

/**
 * route-to-blocked-destination, route-to-undefined-subset, duplicate-virtualservice (SEMANTICS F1–F6).
 * A route's weighted destinations are compared with each other: a client sidecar that reaches the pods
 * of one destination but not those of another loses that share of its requests.
 */
export function routingFindings(ctx: RevisionContext): RawFinding[] {
  const out: RawFinding[] = [];
  const dr = subsets(ctx);
  const vss = meshVirtualServices(ctx);
  const clients = ctx.rev.model.workloads.filter((w) => ctx.injected(w));
  for (const vs of vss) {
    const vsRes = objectResource(vs.object);
    const vsLabel = `VirtualService ${vsRes.namespace}/${vsRes.name}`;
    const targets: Target[] = [];
    for (const dest of vs.destinations) {
      if (dest.weight <= 0) continue;
      const svc = serviceOf(ctx, dest.host);
      if (!svc?.selector) continue;
      const selector = svc.selector;
      let subset: Subset | undefined;
      if (dest.subset !== undefined) {
        subset = dr.get(dest.host)?.get(dest.subset);
        if (!subset) {
          out.push({
            rule: 'route-to-undefined-subset',
            subject: `${vsLabel} ${dest.host} subset ${dest.subset}`,
            message:
              `${vsLabel} routes ${dest.weight}% of its traffic to subset "${dest.subset}" of ${dest.host}, which no DestinationRule defines: those requests fail with 503 (SEMANTICS F6). ` +
              'Fix: define the subset in the DestinationRule of that host, or fix the subset name.',
            locations: [dest.location],
            resources: [vsRes],
          });
          continue;
        }
      }
      const pods = ctx.rev.model.workloads.filter(
        (w) =>
          w.namespace === svc.namespace &&
          matchesLabels(selector, w.podLabels) &&
          (!subset || matchesLabels(subset.labels, w.podLabels)),
      );
      if (pods.length === 0 && subset) {
        out.push({
          rule: 'route-to-undefined-subset',
          subject: `${vsLabel} ${dest.host} subset ${dest.subset}`,
          message:
            `${vsLabel} routes ${dest.weight}% of its traffic to subset "${dest.subset}" of ${dest.host}, whose labels ${JSON.stringify(subset.labels)} match no pod of the Service: those requests fail with 503 (SEMANTICS F6). ` +
            'Fix: correct the subset labels, or deploy the version the route expects.',
          locations: [dest.location, subset.location],
          resources: [vsRes, objectResource(subset.object)],
        });
        continue;
      }
      targets.push({ dest, pods, svc, ...(subset ? { subset } : {}) });
    }
    out.push(...blockedTargets(ctx, vsLabel, vsRes, targets, clients));
  }
  out.push(...duplicateVirtualServices(vss));
  return out;
}

function blockedTargets(
  ctx: RevisionContext,
  vsLabel: string,
  vsRes: ResourceRef,
  targets: readonly Target[],
  clients: readonly Workload[],
): RawFinding[] {
  const out: RawFinding[] = [];
  if (targets.length < 2) return out;
  const seen = new Set<string>();
  const reach = (c: Workload, t: Target, pod: Workload) => {
    if (c.id === pod.id) return true;
    const ports = targetPorts(t.svc, t.dest.port, pod);
    return ctx.matrix.verdict(workloadPeer(c), workloadPeer(pod)).effective.overlaps(ports);
  };
  const isClient = new Set(clients);
  for (const t of targets) {
    const others = targets.filter((o) => o !== t && o.pods.some((p) => !t.pods.includes(p)));
    // Only clients NetworkPolicy may let reach another destination's pods can be in question.
    const candidates = new Set<Workload>();
    for (const o of others)
      for (const p of o.pods)
        if (!t.pods.includes(p))
          for (const c of ctx.possibleSources(p)) if (isClient.has(c)) candidates.add(c);
    for (const c of clients) {
      if (!candidates.has(c)) continue;
      const reachesOther = others.some((o) =>
        o.pods.some((p) => p.id !== c.id && !t.pods.includes(p) && reach(c, o, p)),
      );
      if (!reachesOther) continue;
      for (const pod of t.pods) {
        if (reach(c, t, pod)) continue;
        const subject = `${vsLabel} ${t.dest.host}${t.dest.subset ? `/${t.dest.subset}` : ''} ${c.id} -> ${pod.id}`;
        if (seen.has(subject)) continue;
        seen.add(subject);
        const ports = targetPorts(t.svc, t.dest.port, pod);
        const v = ctx.matrix.verdict(workloadPeer(c), workloadPeer(pod));
        const blockers: { text: string; location: SourceLocation; ref: ResourceRef }[] = [];
        for (const [dir, side] of [
          ['egress', v.l4.egress],
          ['ingress', v.l4.ingress],
        ] as const) {
          if (side && side.isolatedBy.length > 0 && !side.allowed.overlaps(ports))
            for (const p of side.isolatedBy)
              blockers.push({
                text: `${policyLabel(p)} (${dir})`,
                location: p.location,
                ref: policyResource(p),
              });
        }
        for (const seg of v.l7?.segments ?? [])
          for (const o of seg.outcomes)
            for (const r of o.reasons)
              if (r.rule)
                blockers.push({
                  text: `${ruleLabel(r.rule)} (Istio)`,
                  location: r.rule.location,
                  ref: policyResource(r.rule.policy),
                });
        const unique = [...new Map(blockers.map((b) => [b.text, b])).values()];
        const target = t.dest.subset ? `subset "${t.dest.subset}" of ${t.dest.host}` : t.dest.host;
        out.push({
          rule: 'route-to-blocked-destination',
          subject,
          message:
            `${vsLabel} sends ${t.dest.weight}% of ${c.id}'s requests to ${target} (pods of ${pod.id}), but ${ports.toString() || 'its ports'} to ${pod.id} ` +
            `${
              unique.length
                ? `is blocked by ${listSome(
                    unique.map((b) => b.text),
                    3,
                  )}`
                : 'is blocked'
            }, while ${c.id} can reach the other destinations of the route. ` +
            'Those requests fail (the client sidecar connects to the final pods, SEMANTICS F2). Fix: make the policies cover the pods of every subset (select them by the labels the versions share, e.g. app, not version).',
          locations: [
            t.dest.location,
            ...(t.subset ? [t.subset.location] : []),
            ...unique.map((b) => b.location),
          ],
          source: c.id,
          destination: pod.id,
          resources: [vsRes, workloadResource(c), workloadResource(pod), ...unique.map((b) => b.ref)],
        });
      }
    }
  }
  return out;
}

function duplicateVirtualServices(vss: readonly MeshVirtualService[]): RawFinding[] {
  const byHost = new Map<string, MeshVirtualService[]>();
  for (const vs of vss) for (const h of new Set(vs.hosts)) byHost.set(h, [...(byHost.get(h) ?? []), vs]);
  const out: RawFinding[] = [];
  for (const [host, list] of byHost) {
    if (list.length < 2) continue;
    const names = list.map((v) => `${v.object.namespace ?? 'default'}/${v.object.name}`).sort();
    out.push({
      rule: 'duplicate-virtualservice',
      subject: `host ${host}`,
      message:
        `${list.length} VirtualServices apply to host ${host} in sidecars (${names.join(', ')}). Sidecars do not merge them: one wins and which one is undefined (SEMANTICS F5). ` +
        'Fix: merge the routes into one VirtualService per host.',
      locations: list.map((v) => v.object.location),
      resources: list.map((v) => objectResource(v.object)),
    });
  }
  return out;
}
