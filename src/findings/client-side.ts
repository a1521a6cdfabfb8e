import { policyLabel, type RuleRef, ruleLabel } from '../core/refs.js';
import { mostSpecific, rulesNaming } from '../l7/client-dr-hosts.js';
import { clientRoutes } from '../l7/client-transport.js';
import { type DestinationTls, subsetTlsFor, type TlsSetting } from '../l7/client-types.js';
import { chooseSidecar, exportedTo, outboundMode } from '../l7/sidecar-scope.js';
import { type ClientTls, checkTransport } from '../l7/transport.js';
import { istioSelectorMatches } from '../manifests/label-match.js';
import type { Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { formatRange, type IpRange, rangesOverlap } from '../values/ip-range.js';
import { policyResource, type RevisionContext, workloadResource } from './context.js';
import type { RawFinding } from './types.js';

/**
 * destinationrule-tls-mismatch (issue 16 item 7, rules E5, E6, F7): a DestinationRule's `tls.mode`
 * that the server rejects on a port it sets it for, whatever the client: DISABLE (plaintext) or
 * SIMPLE/MUTUAL (no Istio client certificate) toward STRICT, ISTIO_MUTUAL toward DISABLE, and
 * ISTIO_MUTUAL toward a pod without a sidecar (nobody answers the Istio handshake). Every sidecar
 * client the rule applies to is refused there. A subset's TLS counts where a mesh VirtualService
 * routes to the subset, on the pods its labels select.
 */
export function destinationTlsFindings(ctx: RevisionContext): RawFinding[] {
  const { rev } = ctx;
  const { client, peerAuthn, rootNamespace } = rev.policies.istio;
  const out: RawFinding[] = [];
  for (const rules of client?.destinationTls.values() ?? []) {
    for (const dr of rules) {
      if (!dr.tls && dr.portTls.size === 0 && dr.subsetTls.length === 0) continue;
      // Services this rule names (by wildcard too) where no more specific rule names them (F5).
      const services = rev.model.services.filter((s) => {
        const host = `${s.name}.${s.namespace}.svc.cluster.local`;
        return mostSpecific(rulesNaming(client!.destinationTls, host), host).includes(dr);
      });
      for (const w of rev.model.workloads) {
        const own = services.filter((s) => s.namespace === w.namespace);
        if (own.length === 0) continue;
        for (const port of containerPorts(w)) {
          for (const route of clientRoutes(own, w, port)) {
            for (const tls of settingsFor(dr, client?.routedSubsets.get(route.host), w, route.port)) {
              const problem = rejection(ctx, tls, w, port, rootNamespace, peerAuthn);
              if (!problem) continue;
              const via = `${route.service.namespace}/${route.service.name}:${route.port}`;
              const subset = tls.rule.rule.startsWith('subsets[') ? ` ${tls.rule.rule}` : '';
              out.push({
                rule: 'destinationrule-tls-mismatch',
                subject: `${policyLabel(dr.ref)}${subset} -> ${w.id}:${port}`,
                about: `${policyLabel(dr.ref)} -> ${w.id}`,
                message: `${ruleLabel(tls.rule)} sets tls.mode ${tls.mode} toward ${via}, but ${problem.why} on port ${port} of ${w.id}: every sidecar client this rule applies to is refused there (rules E5, F7)`,
                locations: [tls.rule.location, ...(problem.at ? [problem.at] : [])],
                destination: w.id,
                resources: [policyResource(dr.ref), workloadResource(w)],
              });
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * The TLS a client of `dr` uses toward pod `w` on Service `port`, as client-transport.ts decides
 * it: the subsets a mesh VirtualService routes to whose labels select `w` (each route its own
 * cluster), else the port level, else the top level.
 */
function settingsFor(
  dr: DestinationTls,
  routed: ReadonlySet<string> | undefined,
  w: Workload,
  port: number,
): TlsSetting[] {
  const subsets = dr.subsetTls
    .filter((s) => routed?.has(s.name) && istioSelectorMatches(s.labels, w.podLabels))
    .flatMap((s) => subsetTlsFor(s, port) ?? []);
  if (subsets.length > 0) return subsets;
  const base = dr.portTls.get(port) ?? dr.tls;
  return base ? [base] : [];
}

function containerPorts(w: Workload): number[] {
  return [...new Set(w.ports.map((p) => p.containerPort))];
}

const SENDS: Record<TlsSetting['mode'], ClientTls['send']> = {
  DISABLE: 'plaintext',
  SIMPLE: 'tls',
  MUTUAL: 'tls',
  ISTIO_MUTUAL: 'mtls',
};

/** Why the server refuses what the DestinationRule makes clients send, or undefined when it accepts. */
function rejection(
  ctx: RevisionContext,
  tls: TlsSetting,
  w: Workload,
  port: number,
  root: string,
  peerAuthn: RevisionContext['rev']['policies']['istio']['peerAuthn'],
): { why: string; at?: DestinationTls['ref']['location'] } | undefined {
  // Whether the server has a sidecar rests on namespace labels not in the input (rule C2): no error on a guess.
  if (ctx.rev.l7.sidecar(w).unknown !== undefined) return undefined;
  if (!ctx.rev.l7.sidecar(w).injected) {
    // F7: no sidecar answers the Istio handshake; plaintext and app-level TLS reach the app.
    return tls.mode === 'ISTIO_MUTUAL'
      ? { why: 'the pod has no sidecar to complete the Istio mTLS handshake' }
      : undefined;
  }
  const mode = peerAuthn.portMode(w, port, root);
  const send = SENDS[tls.mode];
  const client: ClientTls =
    send === 'mtls' ? { send, identity: '' } : { send, why: `DestinationRule tls.mode ${tls.mode}` };
  if (checkTransport(client, mode).accepted) return undefined;
  const by = mode.rule ? ruleLabel(mode.rule) : 'the mesh default';
  return { why: `${by} makes it ${mode.mode}`, ...(mode.rule ? { at: mode.rule.location } : {}) };
}

/**
 * registry-only-external-blocked (issue 16 item 7, rule F10): a NetworkPolicy egress rule lets a
 * sidecar client reach addresses outside the cluster, but its outbound policy is REGISTRY_ONLY and
 * no ServiceEntry exported to its namespace registers those addresses, so the sidecar blackholes
 * the calls: the egress rule is dead. Only rules of an isolating egress policy are reported (without one nothing names the
 * addresses); a ServiceEntry without addresses (it claims every address on its ports, F12) or an
 * `excludeOutboundIPRanges` annotation (the call may bypass the sidecar) silences it.
 */
export function registryOnlyFindings(ctx: RevisionContext): RawFinding[] {
  const { rev, matrix } = ctx;
  const { client, rootNamespace } = rev.policies.istio;
  if (!client) return [];
  const out: RawFinding[] = [];
  for (const src of matrix.workloads) {
    const w = src.workload;
    const info = rev.l7.sidecar(w);
    if (!info.injected || info.unknown !== undefined || EXCLUDE_IPS in w.podAnnotations) continue;
    // Only the entries exported to the client's namespace are in its registry (F12).
    const entries = rev.policies.serviceEntries.filter((e) =>
      exportedTo(e.exportTo, e.namespace, w.namespace),
    );
    if (entries.some((e) => e.addresses.length === 0)) continue;
    const registered = (r: IpRange) => entries.some((e) => e.addresses.some((a) => rangesOverlap(a, r)));
    const choice = chooseSidecar(client, w, rootNamespace);
    if (outboundMode(client, choice.sidecar) !== 'REGISTRY_ONLY') continue;
    const by = choice.sidecar?.outbound
      ? `Sidecar ${choice.sidecar.ref.namespace}/${choice.sidecar.ref.name} sets REGISTRY_ONLY`
      : 'the mesh outboundTrafficPolicy is REGISTRY_ONLY';
    const byRule = new Map<string, { rule: RuleRef; ranges: string[]; conns: ConnSet }>();
    for (const ext of matrix.externals) {
      if (registered(ext.range)) continue;
      const v = matrix.verdict(src, ext);
      const egress = v.l4.egress;
      if (!egress || egress.isolatedBy.length === 0) continue;
      for (const g of egress.grants) {
        const conns = g.conns.intersect(v.l4.allowed);
        if (conns.isEmpty()) continue;
        const key = ruleLabel(g.rule);
        const found = byRule.get(key) ?? { rule: g.rule, ranges: [], conns: ConnSet.none };
        found.ranges.push(formatRange(ext.range));
        byRule.set(key, { ...found, conns: found.conns.union(conns) });
      }
    }
    for (const [key, f] of byRule) {
      out.push({
        rule: 'registry-only-external-blocked',
        subject: `${key} -> ${src.id}`,
        message: `${key} lets ${src.id} reach ${f.ranges.join(', ')} (${f.conns.toString()}) outside the cluster, but ${by} and no ServiceEntry exported to its namespace registers those addresses: its sidecar blackholes the calls, so the rule is dead (rule F10)`,
        locations: [
          f.rule.location,
          ...(choice.sidecar?.outboundLocation ? [choice.sidecar.outboundLocation] : []),
        ],
        source: src.id,
        resources: [policyResource(f.rule.policy), workloadResource(w)],
      });
    }
  }
  return out;
}

const EXCLUDE_IPS = 'traffic.sidecar.istio.io/excludeOutboundIPRanges';

/**
 * sidecar-scope-blocks-egress (issue 16 item 7, rules F9, F10): an isolating NetworkPolicy egress
 * rule lets a sidecar client reach a workload, but the client's Sidecar `egress.hosts` does not
 * import it, and what the outbound policy then does (REGISTRY_ONLY's blackhole, or ALLOW_ANY's
 * plaintext passthrough toward a STRICT server) leaves nothing through on ports the rule allows:
 * the egress rule is dead. Decided by the L7 cell, so it says what the matrix says.
 */
export function sidecarScopeFindings(ctx: RevisionContext): RawFinding[] {
  const { rev, matrix } = ctx;
  const { client, rootNamespace } = rev.policies.istio;
  if (!client || client.sidecars.length === 0) return [];
  const out: RawFinding[] = [];
  for (const src of matrix.workloads) {
    const w = src.workload;
    const info = rev.l7.sidecar(w);
    if (!info.injected || info.unknown !== undefined) continue;
    const { sidecar } = chooseSidecar(client, w, rootNamespace);
    // No egress listener imports every host: no scope to fall out of.
    if (!sidecar || sidecar.egress.every((e) => e.hosts.includes('*/*'))) continue;
    for (const dst of matrix.workloads) {
      if (dst === src) continue;
      const v = matrix.verdict(src, dst);
      const egress = v.l4.egress;
      if (!v.l7 || !egress || egress.isolatedBy.length === 0) continue;
      const granted = egress.grants.filter((g) => g.conns.overlaps(v.l4.allowed));
      if (granted.length === 0) continue;
      const dead = v.l7.segments.filter(
        (s) =>
          s.verdict === 'none' &&
          s.outcomes.some((o) =>
            o.reasons.some((r) => r.rule?.policy.kind === 'Sidecar' && r.rule.rule === 'egress'),
          ),
      );
      if (dead.length === 0) continue;
      const why = dead[0]!.outcomes.flatMap((o) => o.reasons).find((r) => r.code !== 'client-plaintext');
      const ports = dead.map((s) => `${s.protocol} ${s.ports.toString()}`).join(', ');
      out.push({
        rule: 'sidecar-scope-blocks-egress',
        subject: `${src.id} -> ${dst.id}`,
        message: `${granted.map((g) => ruleLabel(g.rule)).join(', ')} lets ${src.id} reach ${dst.id}, but Sidecar ${sidecar.ref.namespace}/${sidecar.ref.name} egress.hosts does not import it, so nothing gets through on ${ports}${why ? `: ${why.message}` : ''} (rules F9, F10)`,
        locations: [...granted.map((g) => g.rule.location), sidecar.object.locate(['spec', 'egress'])],
        source: src.id,
        destination: dst.id,
        resources: [
          ...granted.map((g) => policyResource(g.rule.policy)),
          policyResource(sidecar.ref, sidecar.object),
          workloadResource(w),
          workloadResource(dst.workload),
        ],
      });
    }
  }
  return out;
}
