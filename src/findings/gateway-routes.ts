import { ruleLabel } from '../core/refs.js';
import { gatewayHops, ingressPeerId } from '../l7/gateway-hops.js';
import { policyResource, type RevisionContext, workloadResource } from './context.js';
import type { RawFinding } from './types.js';

/**
 * gateway-route-blocked (issue 17 item 5): a Gateway route sends requests to a backend that the
 * backend's or the gateway pods' NetworkPolicy, PeerAuthentication or AuthorizationPolicy blocks for
 * the gateway, on every port the route uses: the route is dead (the client sees 503 or 403).
 */
export function gatewayRouteFindings(ctx: RevisionContext): RawFinding[] {
  const { traffic, gateways } = ctx.rev.policies;
  const subsets = (host: string, name: string) =>
    traffic.subsets.get(host)?.get(name)?.labels ?? (traffic.unknownSubsets.has(host) ? {} : undefined);
  const hops = gatewayHops(ctx.rev.model, gateways, subsets, { l4: ctx.rev.l4, l7: ctx.rev.l7 });
  return (
    hops
      // Assumed gateway pods (neither in the repository nor in config mesh.gateways) are a guess:
      // no finding rests on them.
      .filter((h) => h.verdict.effective.isEmpty() && !gateways.assumedPods.has(h.pods.id))
      .map((h): RawFinding => {
        const layer = h.verdict.l4.allowed.isEmpty()
          ? 'NetworkPolicy'
          : 'Istio (mTLS or AuthorizationPolicy)';
        const routes = h.rules.map((r) => ruleLabel(r.rule));
        return {
          rule: 'gateway-route-blocked',
          subject: `${ingressPeerId(h.gateway)} -> ${h.backend.id}`,
          message: `${routes.join(', ')} send requests from outside through Gateway ${h.gateway.key} to ${h.backend.id}, but ${layer} blocks the gateway pods ${h.pods.id} there: the route is dead`,
          locations: h.rules.map((r) => r.rule.location),
          source: ingressPeerId(h.gateway),
          destination: h.backend.id,
          resources: [
            ...h.rules.map((r) => policyResource(r.rule.policy)),
            workloadResource(h.pods),
            workloadResource(h.backend),
          ],
        };
      })
  );
}
