import { parsePattern } from '../l7/pattern.js';
import { StringSet } from '../l7/string-set.js';
import { policyResource, type RevisionContext } from './context.js';
import type { RawFinding } from './types.js';

/** Servers that serve without a VirtualService: every request redirected, or SNI passed through to the mesh. */
const NEEDS_NO_ROUTE = new Set(['AUTO_PASSTHROUGH', 'ISTIO_AUTO_PASSTHROUGH']);

/**
 * gateway-host-unrouted (issue 17 item 5, info): a host of an Istio Gateway server that no
 * VirtualService bound to the Gateway serves (with the server's namespace restriction): requests
 * for it reach no backend (404 on HTTP, a reset on TLS/TCP). Info, not warning: the routes of a
 * shared Gateway may live in another repository.
 */
export function gatewayHostFindings(ctx: RevisionContext): RawFinding[] {
  const { gateways, virtualServices } = ctx.rev.policies.gateways;
  const out: RawFinding[] = [];
  for (const gw of gateways) {
    if (gw.ingress) continue; // an Ingress's listeners are made from its own rules
    const bound = virtualServices.filter((vs) => vs.gateways.includes(gw.key));
    gw.servers.forEach((server, i) => {
      if ((server.protocol === 'HTTP' && server.httpsRedirect) || NEEDS_NO_ROUTE.has(server.tlsMode ?? ''))
        return;
      for (const h of server.hosts) {
        const want = StringSet.fromPatterns([parsePattern(h.host)]);
        const served = bound.some(
          (vs) =>
            (h.namespace === '*' || h.namespace === vs.namespace) &&
            !StringSet.fromPatterns(vs.hosts.map(parsePattern)).intersect(want).isEmpty(),
        );
        if (served) continue;
        const host = h.namespace === '*' ? h.host : `${h.namespace}/${h.host}`;
        out.push({
          rule: 'gateway-host-unrouted',
          subject: `Gateway ${gw.key} port ${server.port} host ${host}`,
          message: `Gateway ${gw.key} servers[${i}] accepts ${host} on port ${server.port} (${server.protocol}), but no VirtualService bound to the Gateway serves that host${h.namespace === '*' ? '' : ` from namespace ${h.namespace}`}: its requests reach no backend (rule F1)`,
          locations: [server.rule.rule.location],
          source: `outside via ${gw.key}[Gateway]`,
          resources: [policyResource(gw.rule.policy)],
        });
      }
    });
  }
  return out;
}
