import { ruleLabel } from '../core/refs.js';
import { istioSelectorMatches, matchesLabels } from '../manifests/label-match.js';
import type { K8sObject } from '../manifests/types.js';
import type { Workload } from '../model/types.js';
import { enforced, listSome, objectResource, type RevisionContext, workloadResource } from './context.js';
import { knownBare } from './known-sidecar.js';
import { strictPlaintextFindings } from './strict-plaintext.js';
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
            resources: [objectResource(object)],
            sharedResources: resources,
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
