import { istioSelectorMatches } from '../manifests/label-match.js';
import type { K8sObject, Labels } from '../manifests/types.js';
import type { Workload } from '../model/types.js';
import { objectResource, type RevisionContext } from './context.js';
import type { RawFinding } from './types.js';

/** Kinds whose namespace decides which workloads they act on (A1, D1, E1, F9). */
const POLICY_KINDS = new Set([
  'NetworkPolicy',
  'AuthorizationPolicy',
  'PeerAuthentication',
  'RequestAuthentication',
  'Sidecar',
]);

/** The namespace the source file writes, when the render put the object elsewhere. */
function movedFrom(o: K8sObject): string | undefined {
  const from = o.rendered?.sourceNamespace;
  return from !== undefined && o.namespace !== '' && from !== o.namespace ? from : undefined;
}

function labelsAt(body: unknown, path: readonly string[]): Labels | undefined {
  let node = body;
  for (const key of path)
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node && typeof node === 'object' ? (node as Labels) : undefined;
}

/** The workloads of `namespace` the policy would select if it lived there (A1, D2: the same selector). */
function selectedIn(ctx: RevisionContext, o: K8sObject, namespace: string): Workload[] {
  const pods = ctx.workloadsIn(namespace);
  if (o.kind === 'NetworkPolicy') {
    const compiled = [...ctx.rev.policies.networkPolicies.valid.values()]
      .flat()
      .find((p) => ctx.rev.policies.networkPolicies.objects.get(p.ref) === o);
    return compiled ? pods.filter((w) => !w.hostNetwork && compiled.podSelector.matches(w.podLabels)) : [];
  }
  const path =
    o.kind === 'Sidecar' ? ['spec', 'workloadSelector', 'labels'] : ['spec', 'selector', 'matchLabels'];
  const selector = labelsAt(o.body, path);
  return pods.filter((w) => istioSelectorMatches(selector, w.podLabels));
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
  for (const kind of POLICY_KINDS) {
    for (const o of ctx.rev.model.objectsByKind.get(kind) ?? []) {
      const from = movedFrom(o);
      if (from === undefined || (kind !== 'NetworkPolicy' && (o.namespace === root || from === root)))
        continue;
      const dead = selectedIn(ctx, o, o.namespace).length === 0 && selectedIn(ctx, o, from).length > 0;
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
  }
  return out;
}
