import type { MeshVirtualService, RouteDest, Subset } from '../compile/traffic.js';
import type { SourceLocation } from '../core/location.js';
import { policyLabel, ruleLabel } from '../core/refs.js';
import { isolations, l7Parts } from '../explain/policies.js';
import { matchesLabels } from '../manifests/label-match.js';
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
import { knownInjected } from './known-sidecar.js';
import type { RawFinding, ResourceRef } from './types.js';

function serviceOf(ctx: RevisionContext, name: string): Service | undefined {
  const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(name);
  if (!m) return undefined;
  return ctx.rev.model.services.find((s) => s.name === m[1] && s.namespace === m[2]);
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
  const dr = ctx.rev.policies.traffic.subsets;
  const vss = ctx.rev.policies.traffic.meshVirtualServices;
  // Only sidecars follow the route; a guessed one (namespace not in the input, rule C2) may not.
  const clients = ctx.rev.model.workloads.filter((w) => knownInjected(ctx, w));
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
        // An invalid DestinationRule of that host is an error already: its subsets are unknown.
        if (!subset && ctx.rev.policies.traffic.unknownSubsets.has(dest.host)) continue;
        if (!subset) {
          out.push({
            rule: 'route-to-undefined-subset',
            subject: `${vsLabel} ${dest.host} subset ${dest.subset}`,
            message:
              `${vsLabel} routes ${dest.weight}% of its traffic to subset "${dest.subset}" of ${dest.host}, which no DestinationRule defines: those requests fail with 503 (rule F6). ` +
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
            `${vsLabel} routes ${dest.weight}% of its traffic to subset "${dest.subset}" of ${dest.host}, whose labels ${JSON.stringify(subset.labels)} match no pod of the Service: those requests fail with 503 (rule F6). ` +
            'Fix: correct the subset labels, or deploy the version the route expects.',
          locations: [dest.location, subset.location],
          resources: [vsRes, objectResource(subset.object)],
        });
        continue;
      }
      targets.push({ dest, pods, svc, ...(subset ? { subset } : {}) });
    }
    for (const f of blockedTargets(ctx, vsLabel, vsRes, targets, clients)) out.push(f);
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
        for (const [dir, iso] of isolations(v.l4, ports, { whole: true }))
          for (const p of iso.by)
            blockers.push({
              text: `${policyLabel(p)} (${dir})`,
              location: p.location,
              ref: policyResource(p),
            });
        for (const { rule, reason, effect } of l7Parts(v.l7))
          if (reason && effect === 'denies')
            blockers.push({
              text: `${ruleLabel(rule)} (Istio)`,
              location: rule.location,
              ref: policyResource(rule.policy),
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
            'Those requests fail (the client sidecar connects to the final pods, rule F2). Fix: make the policies cover the pods of every subset (select them by the labels the versions share, e.g. app, not version).',
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
    const names = list.map((v) => `${v.object.namespace}/${v.object.name}`).sort();
    out.push({
      rule: 'duplicate-virtualservice',
      subject: `host ${host}`,
      message:
        `${list.length} VirtualServices apply to host ${host} in sidecars (${names.join(', ')}). Sidecars do not merge them: one wins and which one is undefined (rule F5). ` +
        'Fix: merge the routes into one VirtualService per host.',
      locations: list.map((v) => v.object.location),
      resources: list.map((v) => objectResource(v.object)),
    });
  }
  return out;
}
