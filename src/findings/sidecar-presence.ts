import { type RuleRef, ruleLabel } from '../core/refs.js';
import { istioSelectorMatches, matchesLabels } from '../manifests/label-match.js';
import type { K8sObject } from '../manifests/types.js';
import { workloadPeer } from '../model/peers.js';
import type { Workload } from '../model/types.js';
import { earlier, stabilityAgainst } from './carry-forward.js';
import {
  enforced,
  listSome,
  objectResource,
  policyResource,
  type RevisionContext,
  workloadResource,
} from './context.js';
import { knownBare } from './known-sidecar.js';
import type { RawFinding, ResourceRef } from './types.js';

/** PeerAuthentications as the L7 compile read them (selector decoded once, E1). */
const peerAuthentications = (ctx: RevisionContext) => ctx.rev.policies.istio.peerAuthn.policies();

/** policy-on-workload-without-sidecar: AuthorizationPolicy / PeerAuthentication on pods Istio does not see (E9). */
export function policyWithoutSidecarFindings(ctx: RevisionContext): RawFinding[] {
  const out: RawFinding[] = [];
  const root = ctx.rev.l7.rootNamespace;
  const report = (kind: string, o: K8sObject, selected: readonly Workload[]) => {
    const bare = selected.filter((w) => knownBare(ctx, w));
    if (bare.length === 0) return;
    const ns = o.namespace;
    const reason = (w: Workload) => `${w.id} (${ctx.rev.l7.sidecar(w).reason})`;
    out.push({
      rule: 'policy-on-workload-without-sidecar',
      subject: `${kind} ${ns}/${o.name}`,
      message:
        `${kind} ${ns}/${o.name} selects ${bare.length} workload${bare.length === 1 ? '' : 's'} without an Istio sidecar: ${listSome(bare, 3, reason)}. ` +
        'A pod without a sidecar ignores PeerAuthentication and AuthorizationPolicy entirely (rule E9), so this policy protects nothing there. ' +
        'Fix: enable injection for those pods (namespace label istio-injection=enabled or pod label sidecar.istio.io/inject="true"), or enforce the rule with a NetworkPolicy.',
      locations: [o.location, ...bare.slice(0, 5).map((w) => w.location)],
      destination: bare[0]!.id,
      resources: [objectResource(o), ...bare.map(workloadResource)],
    });
  };
  for (const { model, object } of ctx.authz) {
    if (!enforced(model) || model.scope.kind === 'mesh' || model.scope.kind === 'ignored') continue;
    report('AuthorizationPolicy', object, ctx.authzTargets(model));
  }
  for (const { ref, object, matchLabels } of peerAuthentications(ctx)) {
    if (ref.namespace === root) continue;
    report(
      'PeerAuthentication',
      object,
      ctx.workloadsIn(ref.namespace).filter((w) => istioSelectorMatches(matchLabels, w.podLabels)),
    );
  }
  return out;
}

/**
 * identity-from-workload-without-sidecar: an ALLOW/DENY rule names a principal or namespace whose
 * workloads have no sidecar (they send plaintext: no identity, D11/E7), or a STRICT port has clients
 * that L4 lets in but that have no sidecar (E5/E7).
 */
export function identityWithoutSidecarFindings(ctx: RevisionContext): RawFinding[] {
  const out: RawFinding[] = [];
  // Many rules name the same values: their workloads without a sidecar are found once per value
  // (the context hands out one list per value), and so is their part of the resources.
  const bareOf = new Map<readonly Workload[], { bare: Workload[]; resources: ResourceRef[] }>();
  const bareNamed = (n: { field: 'principals' | 'namespaces'; value: string }) => {
    const plaintext = ctx.namedWorkloads(n.field, n.value).plaintext;
    let found = bareOf.get(plaintext);
    if (!found) {
      const bare = plaintext.filter((w) => knownBare(ctx, w));
      found = { bare, resources: bare.map(workloadResource) };
      bareOf.set(plaintext, found);
    }
    return found;
  };
  for (const { model, object } of ctx.authz) {
    if (!enforced(model) || (model.action !== 'ALLOW' && model.action !== 'DENY')) continue;
    for (const rule of model.rules) {
      for (const [i, src] of (rule.from ?? []).entries()) {
        const named = [
          ...(src.principals.values ?? []).map((value) => ({ field: 'principals' as const, value })),
          ...(src.namespaces.values ?? []).map((value) => ({ field: 'namespaces' as const, value })),
        ];
        for (const n of named) {
          if (n.value === '*') continue;
          const { bare, resources } = bareNamed(n);
          if (bare.length === 0) continue;
          const effect =
            model.action === 'ALLOW'
              ? 'the rule never matches them, so their requests are denied'
              : 'the DENY rule never matches them, so their requests are not denied';
          out.push({
            rule: 'identity-from-workload-without-sidecar',
            subject: `${ruleLabel(rule.ref)} ${n.field}=${n.value}`,
            message:
              `${ruleLabel(rule.ref)} names ${n.field} "${n.value}", but ${listSome(bare, 3, (w) => w.id)} ` +
              `${bare.length === 1 ? 'has' : 'have'} no sidecar: without mTLS there is no identity, so ${effect} (rules D11, E7). ` +
              'Fix: inject a sidecar into those workloads, or match them by ipBlocks / a NetworkPolicy instead.',
            locations: [
              object.locate(['spec', 'rules', ruleIndex(rule.ref.rule), 'from', i, 'source', n.field]),
              ...bare.slice(0, 3).map((w) => w.location),
            ],
            source: bare[0]!.id,
            resources: [objectResource(object), ...resources],
          });
        }
      }
    }
  }
  // Not `push(...list)`: at 50,000 workloads the pairs outnumber what a call's arguments may hold.
  for (const f of strictPlaintextFindings(ctx)) out.push(f);
  return out;
}

function ruleIndex(rule: string): number {
  return Number(/\[(\d+)\]/.exec(rule)?.[1] ?? 0);
}

/** What the first revision's strictPlaintextFindings leaves for the second. */
interface StrictRecord {
  readonly ctx: RevisionContext;
  /** The servers it walked (PeerAuthentication may be STRICT, sidecar not a guess). */
  readonly walked: ReadonlySet<string>;
  /** Per server, the clients a rule names whose pair has a finding. */
  readonly found: ReadonlyMap<string, readonly string[]>;
}

const STRICT = 'identity-from-workload-without-sidecar\u0000strict';

/**
 * Pairs (no-sidecar client, injected server) that L4 allows and STRICT mTLS rejects. Only servers
 * whose PeerAuthentication may be STRICT, and only the clients NetworkPolicy may let reach them
 * (`possibleSources`). Clients that nothing restricts (neither their egress nor the server's ingress
 * is isolated) get the same answer, so they are evaluated once and reported as one finding per
 * server: in a repository without NetworkPolicy that is every plaintext client.
 *
 * The revision that runs second takes the first one's decisions on the pairs a rule names where both
 * ends are stable (carry-forward.ts): for a stable server the first one walked, it asks only that
 * revision's finding clients that are stable and the unstable clients (few in a small change), and
 * builds no candidate list. Each pair is its own subject, so the order they are found in does not
 * show; the findings are built from this revision's objects.
 */
function strictPlaintextFindings(ctx: RevisionContext): RawFinding[] {
  const out: RawFinding[] = [];
  const before = earlier<StrictRecord>(ctx, STRICT);
  const stability = before ? stabilityAgainst(ctx, before.ctx) : undefined;
  const plaintext = ctx.rev.model.workloads.filter((w) => knownBare(ctx, w));
  const egressOpen = (c: Workload) => (ctx.rev.l4.egressCandidates?.(c) ?? 'all') === 'all';
  const unrestricted = plaintext.filter(egressOpen);
  const egressRestricted = plaintext.filter((c) => !egressOpen(c));
  const unstable = stability?.unstable.filter((c) => knownBare(ctx, c)) ?? [];
  const walked = new Set<string>();
  const found = new Map<string, string[]>();
  for (const d of ctx.rev.model.workloads) {
    if (!ctx.rev.l7.mayRequireMtls(d) || ctx.rev.l7.sidecar(d).unknown !== undefined) continue;
    walked.add(d.id);
    const isolated = ctx.ingressNamesSources(d);
    // A client a rule names (the server's ingress, or its own egress).
    const reaches = isolated
      ? (c: Workload) => ctx.mayReach(c, d)
      : (c: Workload) => !egressOpen(c) && ctx.egressMayReach(c, d);
    let named: readonly Workload[];
    if (before && stability?.stable(d) && before.walked.has(d.id)) {
      const asked: Workload[] = [];
      // A pair the first revision found, with both ends stable, is reached here too (same cells).
      for (const id of before.found.get(d.id) ?? []) {
        const c = stability.stableById(id);
        if (c) asked.push(c);
      }
      for (const c of unstable) if (reaches(c)) asked.push(c);
      named = asked;
    } else {
      named = isolated
        ? ctx.possibleSources(d).filter((c) => knownBare(ctx, c))
        : egressRestricted.filter((c) => ctx.egressMayReach(c, d));
    }
    // One finding per pair.
    for (const c of named) {
      const strict = strictSegments(ctx, c, d);
      if (!strict) continue;
      out.push(strictPair(ctx, c, d, strict));
      const list = found.get(d.id) ?? [];
      found.set(d.id, list);
      list.push(c.id);
    }
    if (isolated || unrestricted.length === 0) continue;
    // Nothing restricts the others either: they all get the same answer, so one finding.
    const strict = strictSegments(ctx, unrestricted[0]!, d);
    if (strict) out.push(strictFromAnyClient(unrestricted, d, strict));
  }
  const record: StrictRecord = { ctx, walked, found };
  ctx.shared.set(STRICT, record);
  return out;
}

interface Strict {
  readonly ports: string;
  readonly rule: RuleRef | undefined;
}

function strictSegments(ctx: RevisionContext, c: Workload, d: Workload): Strict | undefined {
  // Asked once per pair (tens of thousands at scale): not kept in the matrix (its L7 cell is shared anyway).
  const v = ctx.matrix.peek(workloadPeer(c), workloadPeer(d));
  const strict = (v.l7?.segments ?? []).filter((s) =>
    s.outcomes.some((o) => o.reasons.some((r) => r.code === 'mtls-strict-plaintext')),
  );
  if (strict.length === 0) return undefined;
  const rule = strict
    .flatMap((s) => s.outcomes.flatMap((o) => o.reasons))
    .find((r) => r.code === 'mtls-strict-plaintext' && r.rule)?.rule;
  return { ports: strict.map((s) => `${s.protocol} ${s.ports.toString()}`).join(','), rule };
}

const STRICT_FIX =
  'Fix: inject a sidecar into the client, or set PERMISSIVE on that port (portLevelMtls) if the plaintext client is intended.';

function strictPair(ctx: RevisionContext, c: Workload, d: Workload, { ports, rule }: Strict): RawFinding {
  return {
    rule: 'identity-from-workload-without-sidecar',
    subject: `${c.id} -> ${d.id} strict`,
    about: `${c.id} -> ${d.id} (STRICT mTLS)`,
    message:
      `NetworkPolicy lets ${c.id} reach ${d.id} on ${ports}, but ${c.id} has no sidecar (${ctx.rev.l7.sidecar(c).reason}) and the port is STRICT mTLS` +
      `${rule ? ` (${ruleLabel(rule)})` : ''}: its plaintext connections are rejected (rules E5, E7). ${STRICT_FIX}`,
    locations: [...(rule ? [rule.location] : []), c.location, d.location],
    source: c.id,
    destination: d.id,
    resources: [workloadResource(c), workloadResource(d), ...(rule ? [policyResource(rule.policy)] : [])],
  };
}

function strictFromAnyClient(clients: readonly Workload[], d: Workload, { ports, rule }: Strict): RawFinding {
  const n = clients.length;
  return {
    rule: 'identity-from-workload-without-sidecar',
    subject: `* -> ${d.id} strict`,
    about: `workloads without a sidecar -> ${d.id} (STRICT mTLS)`,
    message:
      `No NetworkPolicy restricts who reaches ${d.id} on ${ports}, and ${n} workload${n === 1 ? '' : 's'} without a sidecar ` +
      `(${listSome(clients, 3, (c) => c.id)}) ${n === 1 ? 'is' : 'are'} not restricted either, but the port is STRICT mTLS${rule ? ` (${ruleLabel(rule)})` : ''}: ` +
      `their plaintext connections are rejected (rules E5, E7). ${STRICT_FIX}`,
    locations: [...(rule ? [rule.location] : []), d.location],
    source: `${n} workload${n === 1 ? '' : 's'} without a sidecar`,
    destination: d.id,
    resources: [workloadResource(d), ...(rule ? [policyResource(rule.policy)] : [])],
  };
}

/** policy-selects-nothing: NetworkPolicy, AuthorizationPolicy or PeerAuthentication with a selector that matches no workload. */
export function selectsNothingFindings(ctx: RevisionContext): RawFinding[] {
  const out: RawFinding[] = [];
  const report = (o: K8sObject, selector: string) =>
    out.push({
      rule: 'policy-selects-nothing',
      subject: `${o.kind} ${o.namespace}/${o.name}`,
      message:
        `${o.kind} ${o.namespace}/${o.name} selects ${selector}, which matches no workload in this revision: it has no effect. ` +
        'Usually a typo in a label or the wrong namespace. Fix: correct the selector, or delete the policy.',
      locations: [o.locate(['spec', o.kind === 'NetworkPolicy' ? 'podSelector' : 'selector'])],
      resources: [objectResource(o)],
    });
  // The index the L4 engine evaluates: its policies, compiled once, with their objects.
  const index = ctx.rev.policies.networkPolicies;
  for (const [ns, list] of index.valid) {
    for (const p of list) {
      if (p.podSelector.matchesAll) continue;
      if (ctx.workloadsIn(ns).some((w) => !w.hostNetwork && p.podSelector.matches(w.podLabels))) continue;
      const o = index.objects.get(p.ref);
      if (o) report(o, `podSelector ${p.podSelector.canonical}`);
    }
  }
  for (const { model, object } of ctx.authz) {
    const s = model.scope;
    if (s.kind === 'mesh-selector' || (s.kind === 'namespace' && s.matchLabels)) {
      if (ctx.authzTargets(model).length === 0) report(object, `selector ${JSON.stringify(s.matchLabels)}`);
    }
  }
  const root = ctx.rev.l7.rootNamespace;
  for (const { ref, object, matchLabels } of peerAuthentications(ctx)) {
    if (!matchLabels || ref.namespace === root) continue;
    if (!ctx.workloadsIn(ref.namespace).some((w) => matchesLabels(matchLabels, w.podLabels)))
      report(object, `selector ${JSON.stringify(matchLabels)}`);
  }
  return out;
}

/**
 * duplicate-peerauthentication: several selector-less PeerAuthentications in one namespace (E3).
 * The one report of it (the L7 compile decides the winner and says nothing), so it can be accepted.
 */
export function duplicatePeerAuthFindings(ctx: RevisionContext): RawFinding[] {
  return ctx.rev.policies.istio.peerAuthn
    .duplicates()
    .map(({ namespace, level, policies, winner, timed }) => {
      const names = policies.map((m) => m.ref.name).sort();
      const applies = timed
        ? `the oldest, ${winner.ref.name}, applies (rule E3).`
        : `only the oldest applies (rule E3), and creation time is not in the repository, so policy-diff assumes ${winner.ref.name} (first by name) and the mTLS mode may differ from what reviewers read.`;
      return {
        rule: 'duplicate-peerauthentication',
        subject: `PeerAuthentication ${namespace} ${names.join(',')}`,
        message: `${policies.length} ${level}-level PeerAuthentications in ${namespace} (${names.join(', ')}): ${applies} Fix: keep one.`,
        locations: policies.map((m) => m.object.location),
        resources: policies.map((m) => objectResource(m.object)),
      };
    });
}
