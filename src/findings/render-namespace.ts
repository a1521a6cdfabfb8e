import { istioSelectorMatches } from '../manifests/label-match.js';
import type { K8sObject, Labels } from '../manifests/types.js';
import type { Workload } from '../model/types.js';
import { objectResource, type RevisionContext } from './context.js';
import type { RawFinding } from './types.js';

/** A policy whose namespace decides which workloads it acts on (A1, D1, E1, F9), as compiled. */
interface PlacedPolicy {
  readonly object: K8sObject;
  /** Whether it would select the workload if it lived in the workload's namespace. */
  readonly selects: (w: Workload) => boolean;
}

/**
 * The compiled NetworkPolicies, AuthorizationPolicies, PeerAuthentications, RequestAuthentications
 * and Sidecars with their selectors, as the compile stage decoded them (no YAML read here).
 */
function placedPolicies(ctx: RevisionContext): PlacedPolicy[] {
  const { networkPolicies, istio } = ctx.rev.policies;
  const istioSelects = (labels: Labels | undefined) => (w: Workload) =>
    istioSelectorMatches(labels, w.podLabels);
  const netpols = [...networkPolicies.valid.values()].flat().flatMap((p): PlacedPolicy[] => {
    const object = networkPolicies.objects.get(p.ref);
    return object ? [{ object, selects: (w) => !w.hostNetwork && p.podSelector.matches(w.podLabels) }] : [];
  });
  const authz = istio.authorization.map((a) => ({
    object: a.object,
    selects: istioSelects(a.model.scope.kind === 'namespace' ? a.model.scope.matchLabels : undefined),
  }));
  const peerAuthn = istio.peerAuthn
    .policies()
    .map((p) => ({ object: p.object, selects: istioSelects(p.matchLabels) }));
  const client = istio.client;
  const requestAuthn = (client?.requestAuthn ?? []).map((r) => ({
    object: r.object,
    selects: istioSelects(r.selector),
  }));
  const sidecars = (client?.sidecars ?? []).map((c) => ({
    object: c.object,
    selects: istioSelects(c.selector),
  }));
  return [...netpols, ...authz, ...peerAuthn, ...requestAuthn, ...sidecars];
}

/** The namespace the source file writes, when the render put the object elsewhere. */
function movedFrom(o: K8sObject): string | undefined {
  const from = o.rendered?.sourceNamespace;
  return from !== undefined && o.namespace !== '' && from !== o.namespace ? from : undefined;
}

/** The workloads of `namespace` the policy would select if it lived there (A1, D2: the same selector). */
function selectedIn(ctx: RevisionContext, policy: PlacedPolicy, namespace: string): Workload[] {
  return ctx.workloadsIn(namespace).filter(policy.selects);
}

function movedMessage(o: K8sObject, from: string, tail: string): string {
  const where = o.locate(['metadata', 'namespace']);
  return (
    `${o.kind} ${o.namespace}/${o.name}: its file ${where.file}:${where.line} says namespace \`${from}\`, ` +
    `but the render of ${o.rendered?.root} puts it in \`${o.namespace}\` (kustomize \`namespace:\`, or an ` +
    `Application's target namespace), and a policy acts on its own namespace only ([rule A1](rules.md#a1)). ${tail}`
  );
}

/**
 * render-moves-namespace (info) and render-moved-policy-selects-nothing (warning): a render that
 * puts a policy in another namespace than its file says. Mesh-wide (root namespace) policies are
 * left out: their namespace means every namespace. The warning needs workloads the policy would
 * select where its file put it and none where it landed: then the move, not a selector typo,
 * made it dead (a deny-all landing in a namespace without pods).
 */
export function renderNamespaceFindings(ctx: RevisionContext): RawFinding[] {
  const out: RawFinding[] = [];
  const root = ctx.rev.policies.istio.rootNamespace;
  for (const policy of placedPolicies(ctx)) {
    const o = policy.object;
    const from = movedFrom(o);
    if (from === undefined || (o.kind !== 'NetworkPolicy' && (o.namespace === root || from === root)))
      continue;
    const dead =
      selectedIn(ctx, policy, o.namespace).length === 0 && selectedIn(ctx, policy, from).length > 0;
    const base = {
      subject: `${o.kind} ${o.namespace}/${o.name}`,
      locations: [o.locate(['metadata', 'namespace'])],
      resources: [objectResource(o)],
    };
    out.push(
      dead
        ? {
            ...base,
            rule: 'render-moved-policy-selects-nothing',
            message: movedMessage(
              o,
              from,
              `It selects no workload in \`${o.namespace}\` (it would in \`${from}\`): it has no effect. Fix: drop \`metadata.namespace\` from the file or the \`namespace:\` from the kustomization, whichever is wrong.`,
            ),
          }
        : {
            ...base,
            rule: 'render-moves-namespace',
            message: movedMessage(o, from, 'Check that this is the namespace it is meant for.'),
          },
    );
  }
  return out;
}
