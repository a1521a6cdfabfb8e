import { gatewayProxies } from '../l7/gateway-egress.js';
import { type EgressHop, serviceEntryHops } from '../l7/service-entry-hops.js';
import { workloadPeer } from '../model/peers.js';
import type { Workload } from '../model/types.js';
import type { ConnSet } from '../values/conn-set.js';
import { listSome, policyResource, type RevisionContext, workloadResource } from './context.js';
import { sidecarGuessed } from './known-sidecar.js';
import type { RawFinding } from './types.js';

/** The revision's ServiceEntry hops with the mesh applied (Sidecar scope, egress gateways), and NetworkPolicy alone. */
function hops(ctx: RevisionContext): { mesh: EgressHop[]; direct: EgressHop[] } {
  const r = ctx.rev;
  const { istio, serviceEntries, gateways } = r.policies;
  const scope = istio.client
    ? { client: istio.client, root: istio.rootNamespace, injected: (w: Workload) => r.l7.sidecar(w).injected }
    : undefined;
  const reach = (client: Workload, pod: Workload, conns: ConnSet): ConnSet => {
    const allowed = conns
      .intersect(r.l4.egress(client, workloadPeer(pod)).allowed)
      .intersect(r.l4.ingress(pod, workloadPeer(client)).allowed);
    return allowed.isEmpty()
      ? allowed
      : r.l7.evaluate(workloadPeer(client), pod, allowed).effective.intersect(allowed);
  };
  return {
    mesh: serviceEntryHops(
      r.model,
      serviceEntries,
      r.l4,
      scope,
      scope ? { edges: gateways, reach } : undefined,
    ),
    direct: serviceEntryHops(r.model, serviceEntries, r.l4),
  };
}

function byDestination(list: readonly EgressHop[]): Map<string, EgressHop[]> {
  const out = new Map<string, EgressHop[]>();
  for (const h of list) {
    const key = `${h.entry.namespace}/${h.entry.name}\u0000${h.destinationId}`;
    out.set(key, [...(out.get(key) ?? []), h]);
  }
  return out;
}

/**
 * serviceentry-egress-blocked (issue 17 item 5, warning): every client whose sidecar routes a
 * ServiceEntry host port to the entry itself (exported to its namespace, imported by its Sidecar:
 * F9, F12) is blocked by its NetworkPolicy egress there, so the entry serves no one. Clients sent
 * through an egress gateway are not counted (blocking their direct egress is the point), nor are
 * uncertain answers (addresses resolved at runtime against egress open to some addresses only).
 *
 * egress-bypasses-gateway (warning): a host port that sidecars send through an egress gateway, while
 * NetworkPolicy egress lets workloads reach the host's addresses directly: a workload without a
 * sidecar, or one dialling the address, bypasses the gateway (F11: only NetworkPolicy enforces it).
 */
export function serviceEntryEgressFindings(ctx: RevisionContext): RawFinding[] {
  if (ctx.rev.policies.serviceEntries.length === 0) return [];
  const { mesh, direct } = hops(ctx);
  const proxies = gatewayProxies(ctx.rev.policies.gateways);
  const directByKey = byDestination(direct);
  const out: RawFinding[] = [];
  for (const [key, list] of byDestination(mesh)) {
    const entry = list[0]!.entry;
    const destination = list[0]!.destinationId;
    const label = `ServiceEntry ${entry.namespace}/${entry.name}`;
    const gatewayed = list.filter((h) => h.routes !== undefined);
    if (gatewayed.length > 0) {
      const bypass = (directByKey.get(key) ?? []).filter(
        (h) =>
          !proxies.has(h.client.id) && !h.verdict.effective.isEmpty() && h.uncertainBecause === undefined,
      );
      if (bypass.length === 0) continue;
      const routes = gatewayed[0]!.routes!;
      out.push({
        rule: 'egress-bypasses-gateway',
        subject: `${label} ${destination}`,
        message: `${destination} (${label}) is sent through an egress gateway by ${routes.map((r) => `${r.rule.policy.kind} ${r.rule.policy.namespace}/${r.rule.policy.name}`)[0]}, but NetworkPolicy egress lets ${bypass.length} workload${bypass.length > 1 ? 's' : ''} reach its addresses directly (${listSome(bypass.map((h) => h.client.id))}): a workload without a sidecar, or one dialling the address, bypasses the gateway (rule F11)`,
        locations: [routes[0]!.rule.location, entry.ref.location],
        destination,
        resources: [policyResource(routes[0]!.rule.policy), policyResource(entry.ref.policy)],
      });
      continue;
    }
    const users = list.filter(
      (h) => ctx.injected(h.client) && !proxies.has(h.client.id) && h.scopeBecause === undefined,
    );
    if (users.length === 0 || users.some((h) => h.uncertainBecause !== undefined)) continue;
    // A client whose sidecar is a guess (namespace not in the input, rule C2) that NetworkPolicy lets
    // through may be a user the entry serves.
    const maybe = list.filter((h) => sidecarGuessed(ctx, h.client) && !proxies.has(h.client.id));
    if (maybe.some((h) => !h.verdict.l4.allowed.isEmpty())) continue;
    if (users.some((h) => !h.verdict.l4.allowed.isEmpty())) continue;
    const policies = [
      ...new Set(
        users.flatMap((h) => (h.verdict.l4.egress?.isolatedBy ?? []).map((p) => `${p.namespace}/${p.name}`)),
      ),
    ];
    out.push({
      rule: 'serviceentry-egress-blocked',
      subject: `${label} ${destination}`,
      message: `${label} declares ${destination}, but NetworkPolicy egress (${listSome(policies)}) blocks it for every workload whose sidecar routes it (${users.length}: ${listSome(users.map((h) => h.client.id))}): the entry serves no one (rule F12)`,
      locations: [entry.ref.location],
      destination,
      resources: [
        policyResource(entry.ref.policy),
        ...users.slice(0, 5).map((h) => workloadResource(h.client)),
      ],
    });
  }
  return out;
}
