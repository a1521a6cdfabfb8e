import type { SourceLocation } from '../core/location.js';
import { policyLabel, type RuleRef, ruleLabel } from '../core/refs.js';
import { isolations, l4Uncertain, l7Rules } from '../explain/policies.js';
import type { L4Cell } from '../l4/verdict.js';
import type { RuleModel } from '../l7/authz-model.js';
import { workloadPeer } from '../model/peers.js';
import type { Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { PortSet } from '../values/port-set.js';
import {
  enforced,
  listSome,
  objectResource,
  policyResource,
  type RevisionContext,
  workloadResource,
} from './context.js';
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

/** Policies that isolate a side of the cell without allowing `part`. */
function isolation(
  c: L4Cell,
  part: ConnSet,
): { text: string; location: SourceLocation; ref: RuleRef['policy'] }[] {
  return isolations(c, part, { whole: true }).flatMap(([dir, iso]) =>
    iso.by.map((ref) => ({ text: `${policyLabel(ref)} (${dir})`, location: ref.location, ref })),
  );
}

interface NamedValue {
  readonly field: 'principals' | 'namespaces';
  readonly value: string;
}

/** The principal and namespace values an ALLOW rule names (a lone `*` names everyone: skipped). */
function namedValues(rule: RuleModel): NamedValue[] {
  const out = new Map<string, NamedValue>();
  for (const s of rule.from ?? []) {
    for (const value of s.principals.values ?? [])
      if (value !== '*') out.set(`p${value}`, { field: 'principals', value });
    for (const value of s.namespaces.values ?? [])
      if (value !== '*') out.set(`n${value}`, { field: 'namespaces', value });
  }
  return [...out.values()];
}

/**
 * mesh-allows-network-blocks: an ALLOW rule names a source (principal or namespace) for destination
 * D, Istio would let it through, but NetworkPolicy blocks every port of the rule from all of that
 * source's workloads to D: that entry of the rule is dead. A principal is reported per workload
 * (pair findings); a namespace value only when none of its workloads gets through (a `team-*` that
 * lets some teams in is not dead). Only the sources NetworkPolicy may let reach D are evaluated
 * (`possibleSources` / `mayReach`), so the work follows the policies, not the number of named workloads.
 */
export function meshAllowsNetworkBlocksFindings(ctx: RevisionContext): RawFinding[] {
  const out: RawFinding[] = [];
  const seen = new Set<string>();
  // Istio's answer depends on what both ends are and the ports only: the same in both revisions when
  // their fingerprints are (else per revision, by L7 class).
  const local = new Map<string, unknown>();
  const meshLets = (s: Workload, d: Workload, ports: ConnSet): boolean => {
    const [fs, fd] = [ctx.matrix.fingerprint(workloadPeer(s)), ctx.matrix.fingerprint(workloadPeer(d))];
    const stable = fs !== undefined && fd !== undefined;
    const memo = stable ? ctx.shared : local;
    const ends = stable ? `${fs}\u0000${fd}` : `${ctx.rev.l7.signature(s)}\u0000${ctx.rev.l7.signature(d)}`;
    const key = `mesh-lets\u0000${ends}\u0000${ports.toString()}`;
    let v = memo.get(key) as boolean | undefined;
    if (v === undefined) {
      v = ctx.rev.l7.letsSomeThrough(workloadPeer(s), d, ports);
      memo.set(key, v);
    }
    return v;
  };
  // Whether one of the named sources NetworkPolicy may let reach d passes `test`, walking the
  // shorter of the two lists (a `team-*` value names thousands; d's ingress may name a few). The
  // context hands out one list per named value, so its set is built once.
  const sets = new WeakMap<readonly Workload[], ReadonlySet<Workload>>();
  const someReaching = (named: readonly Workload[], d: Workload, test: (s: Workload) => boolean): boolean => {
    const possible = ctx.ingressNamesSources(d) ? ctx.possibleSources(d) : undefined;
    if (!possible || possible.length >= named.length) return named.some((s) => ctx.mayReach(s, d) && test(s));
    let set = sets.get(named);
    if (!set) {
      set = new Set(named);
      sets.set(named, set);
    }
    const among = set;
    // possibleSources never holds d itself.
    return possible.some((s) => among.has(s) && test(s));
  };
  for (const { model, object } of ctx.authz) {
    if (!enforced(model) || model.action !== 'ALLOW') continue;
    const dsts = ctx.authzTargets(model).filter((d) => ctx.injected(d));
    for (const rule of dsts.length ? model.rules : []) {
      if (rule.invalid) continue;
      const values = namedValues(rule);
      for (const d of values.length ? dsts : []) {
        const ports = rulePorts(rule, d);
        const cellOf = (s: Workload) => ctx.matrix.l4Verdict(workloadPeer(s), workloadPeer(d));
        for (const n of values) {
          const named = ctx.namedWorkloads(n.field, n.value).injected;
          const rep = named.find((s) => s !== d);
          if (!rep) continue;
          // Alive when one of them gets through (or might: uncertain).
          const through = someReaching(
            named,
            d,
            (s) => l4Uncertain(cellOf(s)) || cellOf(s).allowed.overlaps(ports),
          );
          if (through || l4Uncertain(cellOf(rep))) continue;
          if (!meshLets(rep, d, ports)) continue;
          const dead = { rule, object, d, ports };
          const srcs = named.filter((s) => s !== d);
          if (n.field === 'namespaces') {
            out.push(deadNamespaceEntry(dead, n.value, srcs, cellOf(rep)));
            continue;
          }
          for (const s of srcs) {
            const subject = `${s.id} -> ${d.id}`;
            if (seen.has(subject)) continue;
            seen.add(subject);
            out.push(deadMeshRule(dead, s, cellOf(s)));
          }
        }
      }
    }
  }
  return out;
}

interface DeadEntry {
  readonly rule: RuleModel;
  readonly object: RevisionContext['authz'][number]['object'];
  readonly d: Workload;
  readonly ports: ConnSet;
}

const FIX_DEAD =
  'Fix: add a NetworkPolicy rule for the same source and ports (egress of the source and ingress of the destination), or remove the source from the AuthorizationPolicy.';

/** ` (isolated by NetworkPolicy a (ingress), ...)`, or nothing. */
function isolatedSuffix(iso: ReturnType<typeof isolation>): string {
  return iso.length ? ` (isolated by ${listSome(iso, 3, (i) => i.text)})` : '';
}

function deadMeshRule({ rule, object, d, ports }: DeadEntry, s: Workload, cell: L4Cell): RawFinding {
  const iso = isolation(cell, ports);
  const isolated = isolatedSuffix(iso);
  return {
    rule: 'mesh-allows-network-blocks',
    subject: `${s.id} -> ${d.id}`,
    message:
      `${ruleLabel(rule.ref)} allows ${s.id} to reach ${d.id} on ${ports.toString()}, but NetworkPolicy blocks it${isolated}: ` +
      `the network wins, the mesh rule is dead for this pair. ${FIX_DEAD}`,
    locations: [rule.ref.location, ...iso.map((i) => i.location)],
    source: s.id,
    destination: d.id,
    resources: [
      objectResource(object),
      workloadResource(s),
      workloadResource(d),
      ...iso.map((i) => policyResource(i.ref)),
    ],
  };
}

function deadNamespaceEntry(
  { rule, object, d, ports }: DeadEntry,
  value: string,
  srcs: readonly Workload[],
  cell: L4Cell,
): RawFinding {
  const iso = isolation(cell, ports);
  const isolated = isolatedSuffix(iso);
  const some = listSome(srcs, 3, (s) => s.id);
  return {
    rule: 'mesh-allows-network-blocks',
    subject: `${ruleLabel(rule.ref)} namespaces=${value} -> ${d.id}`,
    message:
      `${ruleLabel(rule.ref)} allows namespaces "${value}" to reach ${d.id} on ${ports.toString()}, but NetworkPolicy blocks all ` +
      `${srcs.length} workload${srcs.length === 1 ? '' : 's'} with a sidecar there (${some})${isolated}: the entry is dead. ${FIX_DEAD}`,
    locations: [rule.ref.location, ...iso.map((i) => i.location)],
    source: `namespaces ${value}`,
    destination: d.id,
    resources: [objectResource(object), workloadResource(d), ...iso.map((i) => policyResource(i.ref))],
  };
}

/** Injected workloads that an enforced ALLOW or DENY policy applies to: only there can Istio deny everything. */
function guardedDestinations(ctx: RevisionContext): Workload[] {
  const out = new Set<Workload>();
  for (const { model } of ctx.authz) {
    if (!enforced(model) || (model.action !== 'ALLOW' && model.action !== 'DENY')) continue;
    for (const d of ctx.authzTargets(model)) if (ctx.injected(d)) out.add(d);
  }
  return [...out].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * network-allows-mesh-denies: a rule of the destination's ingress NetworkPolicy explicitly opens
 * S -> D, but Istio denies every request on it (allow-nothing, no matching ALLOW rule, a DENY): the
 * destination's two policies disagree on who may come in. Sources with a sidecar only (plaintext
 * clients are identity-from-workload-without-sidecar); only destinations with an ALLOW or DENY policy
 * and only the sources their ingress rules name are evaluated.
 */
export function networkAllowsMeshDeniesFindings(ctx: RevisionContext): RawFinding[] {
  const out: RawFinding[] = [];
  const meshLets = meshLetsThrough(ctx);
  for (const d of guardedDestinations(ctx)) {
    if (!ctx.ingressNamesSources(d)) continue;
    for (const s of ctx.possibleSources(d)) {
      if (!ctx.injected(s)) continue;
      const finding = meshDeniesAll(ctx, s, d, meshLets);
      if (finding) out.push(finding);
    }
  }
  return out;
}

/**
 * Whether Istio lets some request from s to d through on `conns`, answered without building the
 * cell (most pairs NetworkPolicy opens do get through: only the few that do not need the cell's
 * explanation). Istio's answer depends on both ends' fingerprints and the connections only, so it is
 * shared with the other revision when both fingerprints exist (else kept for this revision).
 */
function meshLetsThrough(ctx: RevisionContext) {
  const local = new Map<string, boolean>();
  return (s: Workload, d: Workload, conns: ConnSet): boolean => {
    const [fs, fd] = [ctx.matrix.fingerprint(workloadPeer(s)), ctx.matrix.fingerprint(workloadPeer(d))];
    const stable = fs !== undefined && fd !== undefined;
    const memo = stable ? (ctx.shared as Map<string, unknown>) : local;
    const key = stable
      ? `lets-through\u0000${fs}\u0000${fd}\u0000${conns.toString()}`
      : `${s.id}\u0000${d.id}\u0000${conns.toString()}`;
    let v = memo.get(key) as boolean | undefined;
    if (v === undefined) {
      v = ctx.rev.l7.letsSomeThrough(workloadPeer(s), d, conns);
      memo.set(key, v);
    }
    return v;
  };
}

function meshDeniesAll(
  ctx: RevisionContext,
  s: Workload,
  d: Workload,
  meshLets: (s: Workload, d: Workload, conns: ConnSet) => boolean,
): RawFinding | undefined {
  // L4 first: Istio is asked only for pairs a rule of the destination's ingress opens.
  const l4 = ctx.matrix.l4Verdict(workloadPeer(s), workloadPeer(d));
  const grants = l4.ingress?.isolatedBy.length ? l4.ingress.grants : [];
  if (l4Uncertain(l4) || l4.allowed.isEmpty() || grants.length === 0) return undefined;
  // Something gets through (or might: an uncertain outcome is not `none`): no finding, no cell.
  if (meshLets(s, d, l4.allowed)) return undefined;
  const v = ctx.matrix.verdict(workloadPeer(s), workloadPeer(d));
  if (!v.l7 || v.l7.uncertain || !v.effective.isEmpty()) return undefined;
  const denying = l7Rules(v.l7);
  const why = [
    ...new Set(v.l7.segments.flatMap((seg) => seg.outcomes.flatMap((o) => o.reasons.map((r) => r.message)))),
  ];
  const uniqueRules = [...new Map(denying.map((r) => [ruleLabel(r), r])).values()];
  const opens = `open${grants.length === 1 ? 's' : ''}`;
  return {
    rule: 'network-allows-mesh-denies',
    subject: `${s.id} -> ${d.id}`,
    message:
      `${listSome(
        grants.map((g) => ruleLabel(g.rule)),
        3,
      )} ${opens} ${s.id} -> ${d.id} on ${v.l4.allowed.toString()}, ` +
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
  };
}
