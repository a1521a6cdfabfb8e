import type { SourceLocation } from '../core/location.js';
import { policyLabel, type RuleRef, ruleLabel } from '../core/refs.js';
import { ConnSet } from '../l4/conn-set.js';
import { PortSet } from '../l4/port-set.js';
import type { L4Cell } from '../l4/verdict.js';
import type { RuleModel } from '../l7/authz-model.js';
import { workloadPeer } from '../matrix/peers.js';
import type { Workload } from '../model/types.js';
import {
  enforced,
  listSome,
  objectResource,
  policyResource,
  type RevisionContext,
  workloadResource,
} from './context.js';
import { namespaceValueMatches, principalValueMatches } from './identity.js';
import { classes } from './sidecar-presence.js';
import type { RawFinding } from './types.js';

/** The TCP ports an ALLOW rule is about: its `to.operation.ports`, else the destination's container ports. */
function rulePorts(rule: RuleModel, d: Workload): ConnSet {
  const named = (rule.to ?? []).flatMap((op) => op.ports ?? []);
  if (named.length > 0) return ConnSet.of('TCP', PortSet.of(named.map((p) => ({ from: p, to: p }))));
  const own = d.ports
    .filter((p) => p.protocol === 'TCP')
    .map((p) => ({ from: p.containerPort, to: p.containerPort }));
  return own.length > 0 ? ConnSet.of('TCP', PortSet.of(own)) : ConnSet.of('TCP', PortSet.all);
}

function l4Uncertain(c: L4Cell): boolean {
  return (c.egress?.uncertainBy.length ?? 0) > 0 || (c.ingress?.uncertainBy.length ?? 0) > 0;
}

/** Policies that isolate a side of the cell without allowing `part`. */
function isolation(
  c: L4Cell,
  part: ConnSet,
): { text: string; location: SourceLocation; ref: RuleRef['policy'] }[] {
  const out: { text: string; location: SourceLocation; ref: RuleRef['policy'] }[] = [];
  for (const [dir, side] of [
    ['egress', c.egress],
    ['ingress', c.ingress],
  ] as const) {
    if (!side || side.isolatedBy.length === 0 || side.allowed.overlaps(part)) continue;
    for (const ref of side.isolatedBy)
      out.push({ text: `${policyLabel(ref)} (${dir})`, location: ref.location, ref });
  }
  return out;
}

/**
 * mesh-allows-network-blocks: an ALLOW rule names S (principal or namespace) for destination D, Istio
 * would let S through, but NetworkPolicy blocks every port of the rule from S to D. Only sources a
 * rule names are considered, and verdicts are computed once per pair of matrix classes.
 */
export function meshAllowsNetworkBlocksFindings(ctx: RevisionContext): RawFinding[] {
  const out: RawFinding[] = [];
  const trustDomains = [ctx.config.mesh.trustDomain, ...ctx.config.mesh.trustDomainAliases];
  const seen = new Set<string>();
  for (const { model, object } of ctx.authz) {
    if (!enforced(model) || model.action !== 'ALLOW') continue;
    const dsts = ctx.authzTargets(model).filter((d) => ctx.injected(d));
    if (dsts.length === 0) continue;
    for (const rule of model.rules) {
      if (rule.invalid) continue;
      const values = (rule.from ?? []).flatMap((s) => [
        ...(s.principals.values ?? []).filter((v) => v !== '*').map((v) => ({ kind: 'principal', v })),
        ...(s.namespaces.values ?? []).filter((v) => v !== '*').map((v) => ({ kind: 'namespace', v })),
      ]);
      if (values.length === 0) continue;
      const srcs = ctx.rev.model.workloads.filter(
        (w) =>
          ctx.injected(w) &&
          values.some((x) =>
            x.kind === 'principal'
              ? principalValueMatches(x.v, ctx.rev.l7.sidecar(w).identity, trustDomains)
              : namespaceValueMatches(x.v, w.namespace),
          ),
      );
      const verdicts = new Map<string, { blocked: boolean; cell?: L4Cell; ports?: ConnSet }>();
      for (const s of srcs) {
        for (const d of dsts) {
          if (s.id === d.id) continue;
          const key = `${ctx.matrix.classOf(workloadPeer(s))}|${ctx.matrix.classOf(workloadPeer(d))}`;
          let v = verdicts.get(key);
          if (!v) {
            const ports = rulePorts(rule, d);
            const cell = ctx.matrix.verdict(workloadPeer(s), workloadPeer(d)).l4;
            const blocked =
              !l4Uncertain(cell) &&
              !cell.allowed.overlaps(ports) &&
              ctx.rev.l7.evaluate(workloadPeer(s), d, ports).segments.some((seg) => seg.verdict !== 'none');
            v = { blocked, cell, ports };
            verdicts.set(key, v);
          }
          if (!v.blocked || !v.cell || !v.ports) continue;
          const subject = `${s.id} -> ${d.id}`;
          if (seen.has(subject)) continue;
          seen.add(subject);
          const iso = isolation(v.cell, v.ports);
          out.push({
            rule: 'mesh-allows-network-blocks',
            subject,
            message:
              `${ruleLabel(rule.ref)} allows ${s.id} to reach ${d.id} on ${v.ports.toString()}, but NetworkPolicy blocks it` +
              `${
                iso.length
                  ? ` (isolated by ${listSome(
                      iso.map((i) => i.text),
                      3,
                    )})`
                  : ''
              }: the network wins, the mesh rule is dead for this pair. ` +
              'Fix: add a NetworkPolicy rule for the same source and ports (egress of the source and ingress of the destination), or remove the source from the AuthorizationPolicy.',
            locations: [rule.ref.location, ...iso.map((i) => i.location)],
            source: s.id,
            destination: d.id,
            resources: [
              objectResource(object),
              workloadResource(s),
              workloadResource(d),
              ...iso.map((i) => policyResource(i.ref)),
            ],
          });
        }
      }
    }
  }
  return out;
}

/**
 * network-allows-mesh-denies: a NetworkPolicy rule explicitly opens S -> D, but Istio denies every
 * request on it (allow-nothing, no matching ALLOW rule, a DENY). Sources with a sidecar only: plaintext
 * clients are identity-from-workload-without-sidecar.
 */
export function networkAllowsMeshDeniesFindings(ctx: RevisionContext): RawFinding[] {
  const out: RawFinding[] = [];
  const byClass = [...classes(ctx).values()];
  const srcClasses = byClass.filter((ws) => ctx.injected(ws[0]!));
  const dstClasses = byClass.filter((ws) => ctx.injected(ws[0]!));
  for (const cs of srcClasses) {
    for (const ds of dstClasses) {
      const s0 = cs[0]!;
      const d0 = ds.find((d) => d.id !== s0.id) ?? ds[0]!;
      if (s0.id === d0.id) continue;
      const v = ctx.matrix.verdict(workloadPeer(s0), workloadPeer(d0));
      if (!v.l7 || v.l7.uncertain || l4Uncertain(v.l4) || v.l4.allowed.isEmpty() || !v.effective.isEmpty())
        continue;
      const grants = [
        ...(v.l4.egress?.isolatedBy.length ? v.l4.egress.grants : []),
        ...(v.l4.ingress?.isolatedBy.length ? v.l4.ingress.grants : []),
      ];
      if (grants.length === 0) continue;
      const denying = v.l7.segments.flatMap((seg) =>
        seg.outcomes.flatMap((o) => [...o.rules, ...o.reasons.flatMap((r) => (r.rule ? [r.rule] : []))]),
      );
      const why = [
        ...new Set(
          v.l7.segments.flatMap((seg) => seg.outcomes.flatMap((o) => o.reasons.map((r) => r.message))),
        ),
      ];
      const uniqueRules = [...new Map(denying.map((r) => [ruleLabel(r), r])).values()];
      for (const s of cs) {
        for (const d of ds) {
          if (s.id === d.id) continue;
          out.push({
            rule: 'network-allows-mesh-denies',
            subject: `${s.id} -> ${d.id}`,
            message:
              `${listSome(
                grants.map((g) => ruleLabel(g.rule)),
                3,
              )} open${grants.length === 1 ? 's' : ''} ${s.id} -> ${d.id} on ${v.l4.allowed.toString()}, ` +
              `but Istio denies every request on it${why.length ? `: ${listSome(why, 2)}` : ''}. ` +
              'The NetworkPolicy rule is wider than what the mesh allows. Fix: narrow the NetworkPolicy rule, or allow the source in an AuthorizationPolicy if it should get through.',
            locations: [...grants.map((g) => g.rule.location), ...uniqueRules.map((r) => r.location)],
            source: s.id,
            destination: d.id,
            resources: [
              workloadResource(s),
              workloadResource(d),
              ...grants.map((g) => policyResource(g.rule.policy)),
              ...uniqueRules.map((r) => policyResource(r.policy)),
            ],
          });
        }
      }
    }
  }
  return out;
}
