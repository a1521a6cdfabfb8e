import type { K8sObject } from '../manifests/types.js';
import { objectResource, type RevisionContext } from './context.js';
import type { RawFinding } from './types.js';

/** A policy object with the digest of its spec, as the compile stage computed them (A4, D4). */
interface SpecOf {
  readonly kind: string;
  readonly object: K8sObject;
  readonly spec: string;
}

/** NetworkPolicies and AuthorizationPolicies with their spec digests, from the compiled model. */
function policySpecs(ctx: RevisionContext): SpecOf[] {
  const { networkPolicies, istio } = ctx.rev.policies;
  const netpols = [...networkPolicies.objects].flatMap(([ref, object]): SpecOf[] => {
    const spec = networkPolicies.specs.get(ref);
    return ref.kind === 'NetworkPolicy' && spec !== undefined ? [{ kind: ref.kind, object, spec }] : [];
  });
  const authz = istio.authorization.map((a) => ({
    kind: 'AuthorizationPolicy',
    object: a.object,
    spec: a.specDigest,
  }));
  return [...netpols, ...authz];
}

/**
 * duplicate-policy (info): policies of one kind in one namespace with the same spec under
 * different names (a file copied, an overlay adding what the base has). They change nothing
 * (policies add up, A4; an identical rule adds nothing), but one edited later will silently keep
 * the other's effect. Across namespaces the same spec is the usual per-namespace pattern: not reported.
 */
export function duplicatePolicyFindings(ctx: RevisionContext): RawFinding[] {
  const out: RawFinding[] = [];
  const groups = new Map<string, { kind: string; objects: K8sObject[] }>();
  for (const { kind, object, spec } of policySpecs(ctx)) {
    const key = `${kind}\u0000${object.namespace}\u0000${spec}`;
    const group = groups.get(key) ?? { kind, objects: [] };
    group.objects.push(object);
    groups.set(key, group);
  }
  for (const { kind, objects: same } of groups.values()) {
    if (same.length < 2) continue;
    const sorted = [...same].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const ns = sorted[0]!.namespace;
    const where = sorted.map((o) => `${o.name} (${o.location.file}:${o.location.line})`).join(', ');
    out.push({
      rule: 'duplicate-policy',
      subject: `${kind} ${ns}/${sorted.map((o) => o.name).join(' = ')}`,
      message:
        `${sorted.length} ${kind.replace(/y$/, 'ie')}s in ${ns} have the same spec: ${where}. Policies add up ([rule A4](rules.md#a4)), ` +
        'so the copies change nothing today, but editing one leaves the other in force. Fix: keep one.',
      locations: sorted.map((o) => o.location),
      resources: sorted.map(objectResource),
    });
  }
  return out;
}
