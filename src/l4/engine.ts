import type { Diagnostic } from '../core/diagnostics.js';
import type { PolicyRef } from '../core/refs.js';
import type { Labels } from '../manifests/types.js';
import { type Peer, workloadPeer } from '../model/peers.js';
import type { ClusterModel, ContainerPort, Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import type { IpRange } from '../values/ip-range.js';
import { EgressGroups } from './egress-groups.js';
import {
  type Candidates,
  type IpPieces,
  isNodeTraffic,
  type L4Engine,
  type L4Options,
} from './engine-api.js';
import { IngressAdmission } from './ingress-admission.js';
import type { LabelSelectorMatcher } from './label-selector.js';
import type { CompiledPolicy, CompiledRule, Direction } from './netpol-compile.js';
import type { NamespaceSelection, PeerMatcher, PeerTarget } from './peer-matcher.js';
import { buildPolicyIndex, type PolicyIndex } from './policy-index.js';
import { RecentLists, RuleCandidates, type RulePods } from './rule-candidates.js';
import { type PodIndex, type Selection, UNSELECTED } from './selection.js';
import { SignatureScheme } from './signature.js';
import { evaluateTiers, hasAdmin, selectAdmin } from './tiers.js';
import type { Grant, SideVerdict } from './verdict.js';

const METADATA_NAME = 'kubernetes.io/metadata.name';
const NODE: PeerTarget = { kind: 'node' };

/**
 * Compiles every NetworkPolicy of the revision once (A1–A18) into an engine whose answers depend
 * only on the policies selecting the pod in question.
 *
 * Decisions where SEMANTICS leaves room:
 * - hostNetwork pods (A17): no policy selects them (both directions unisolated), pod and namespace
 *   selectors never match them as peers, and named ports never resolve on them. Their traffic is
 *   node traffic: allowed by rules whose peers are missing/`[]`, and by an ipBlock under the same
 *   rule as pods (see IpBlockPeer). It is NOT treated as A6's always-allowed "own node" traffic: a
 *   hostNetwork workload's replicas usually run on other nodes than the destination, and assuming
 *   allowed would hide a policy change that blocks them.
 * - ipBlock vs pods (A11): `options.ipBlockMatchesPods`; with it, only a whole-family block with no
 *   except (`0.0.0.0/0`, `::/0`) matches pods, since static manifests give pods no IPs.
 * - Pods grouped into one workload that disagree on labels (`podLabelVariants`): answered for
 *   `podLabels`; every policy whose podSelector, or whose rule's peer, tells the variants apart is
 *   added to `uncertainBy`.
 * - Self traffic (A6) is one pod talking to itself. A workload is a set of replicas, so (w, w) is
 *   answered as replica-to-replica traffic, which policy does govern; the matrix skips self pairs.
 */
export function compileNetworkPolicies(
  model: ClusterModel,
  options: L4Options,
  index: PolicyIndex = buildPolicyIndex(model, options),
): L4Engine {
  // The pipeline hands in the revision's compiled index (src/compile); tests may let it be built here.
  return new NetworkPolicyEngine(model, index, (w) => isNodeTraffic(w, options));
}

class NetworkPolicyEngine implements L4Engine {
  readonly diagnostics: readonly Diagnostic[];
  readonly ipBoundaries: readonly IpRange[];
  readonly ipPieces: IpPieces;
  private readonly signatures: SignatureScheme;
  private readonly selections = new Map<string, Selection>();
  private readonly namespaceLabels = new Map<string, Labels>();
  /** Per selection object (selections are shared by equal signatures), so computed once per class. */
  private readonly candidates = {
    ingress: new WeakMap<Selection, 'all' | Candidates>(),
    egress: new WeakMap<Selection, 'all' | Candidates>(),
  };
  private readonly peerPods = new WeakMap<PeerMatcher, 'all' | RulePods>();
  private readonly recentLists = new RecentLists<PeerMatcher>(8);
  private readonly recentUnions = new RecentLists<RuleCandidates>(4);
  private podIndex: PodIndex | undefined;
  private readonly podTargets = new WeakMap<Workload, PeerTarget>();
  private admission: IngressAdmission | undefined;
  private readonly egressGroups: EgressGroups;

  constructor(
    private readonly model: ClusterModel,
    private readonly index: PolicyIndex,
    private readonly nodeTraffic: (w: Workload) => boolean,
  ) {
    this.diagnostics = index.diagnostics;
    this.ipBoundaries = index.boundaries;
    this.ipPieces = index.pieces;
    this.signatures = new SignatureScheme(index.labelKeys, index.labelValues, index.namedPorts, nodeTraffic);
    this.egressGroups = new EgressGroups(index);
  }

  signature(workload: Workload): string {
    return this.signatures.of(workload);
  }

  fingerprint(w: Workload): string {
    const s = this.selection(w);
    const content = (refs: readonly PolicyRef[]) => refs.map((r) => this.index.contents.get(r) ?? '?');
    // The pod labels as this revision's selectors read them (the signature's projection), not raw:
    // a label no selector reads changes nothing. Sound across revisions: the policies both ends'
    // fingerprints name have the same content in both, so they read only keys and values both
    // revisions' projections keep, and equal projections agree on those.
    return JSON.stringify([
      w.namespace,
      this.labelsOf(w.namespace),
      this.signatures.of(w),
      this.nodeTraffic(w),
      w.ports,
      content(s.ingress.map((p) => p.ref)),
      content(s.egress.map((p) => p.ref)),
      content(s.uncertain.ingress),
      content(s.uncertain.egress),
      content([...s.admin.ingress.admin, ...s.admin.egress.admin].map((p) => p.ref)),
      content([s.admin.ingress.baseline, s.admin.egress.baseline].flatMap((p) => (p ? [p.ref] : []))),
      content([...s.admin.ingress.uncertain, ...s.admin.egress.uncertain]),
    ]);
  }

  ingressCandidates(dst: Workload): 'all' | Candidates {
    return this.candidatesOf(dst, 'ingress');
  }

  egressCandidates(src: Workload): 'all' | Candidates {
    return this.candidatesOf(src, 'egress');
  }

  egressGroup(src: Workload): number {
    return this.egressGroups.of(this.selection(src));
  }

  ingressReadsSource(dst: Workload): boolean {
    const selection = this.selection(dst);
    return selection.ingress.length > 0 || hasAdmin(selection.admin.ingress);
  }

  ingressAdmitting(src: Workload): readonly Workload[] {
    this.admission ??= new IngressAdmission({
      workloads: this.model.workloads,
      nodeTraffic: this.nodeTraffic,
      ingressOf: (w) => {
        const selection = this.selection(w);
        return { policies: selection.ingress, admin: hasAdmin(selection.admin.ingress) };
      },
      namespaces: () => this.pods().namespaceLabels,
      target: (w) => this.podTarget(w),
    });
    return this.admission.admitting(src);
  }

  /** The pods some rule's peers may match, per selection. */
  private candidatesOf(pod: Workload, direction: Direction): 'all' | Candidates {
    const selection = this.selection(pod);
    let found = this.candidates[direction].get(selection);
    if (!found) {
      const policies = selection[direction];
      // A3: not isolated, so every peer may come through; an admin tier may allow any peer too.
      found =
        policies.length === 0 || hasAdmin(selection.admin[direction])
          ? 'all'
          : this.matchedPods(policies.flatMap((p) => p[direction] ?? []));
      this.candidates[direction].set(selection, found);
    }
    return found;
  }

  /** The pods some rule's peers match; `all` when a rule's peers may match any namespace's pods. */
  private matchedPods(rules: readonly CompiledRule[]): 'all' | Candidates {
    const matched: RulePods[] = [];
    for (const rule of rules) {
      const pods = this.podsMatchedBy(rule.peers);
      if (pods === 'all') return 'all';
      matched.push(pods);
    }
    return new RuleCandidates(matched, this.pods().order, this.recentUnions);
  }

  /**
   * The pods one rule's peers match (shared by every selection of its policy). Membership matches
   * the pod; the pods are listed only when asked: the diff asks membership only, and every rule's
   * pods as sets held hundreds of MiB at 50,000 workloads.
   */
  private podsMatchedBy(peers: PeerMatcher): 'all' | RulePods {
    let found = this.peerPods.get(peers);
    if (!found) {
      const { byNamespace, namespaceLabels } = this.pods();
      const namespaces = peers.podNamespaces(namespaceLabels);
      if (namespaces === 'all') {
        found = 'all';
      } else {
        const within = new Set(namespaces);
        const enumerate = () =>
          [...namespaces]
            .sort()
            .flatMap((n) => (byNamespace.get(n) ?? []).filter((w) => peers.matches(this.podTarget(w))));
        let listed: readonly Workload[] | undefined;
        found = {
          // byNamespace holds no node-traffic pod (A17), nor does a rule's list.
          has: (w) => within.has(w.namespace) && !this.nodeTraffic(w) && peers.matches(this.podTarget(w)),
          list: () => {
            listed ??= enumerate();
            return listed;
          },
          listOnce: () => listed ?? this.recentLists.list(peers, enumerate),
        };
      }
      this.peerPods.set(peers, found);
    }
    return found;
  }

  /** Pods that selectors can match, by namespace (hostNetwork pods under `node` never are). */
  private pods(): PodIndex {
    if (this.podIndex) return this.podIndex;
    const byNamespace = new Map<string, Workload[]>();
    for (const w of this.model.workloads) {
      if (this.nodeTraffic(w)) continue;
      const list = byNamespace.get(w.namespace);
      if (list) list.push(w);
      else byNamespace.set(w.namespace, [w]);
    }
    const namespaces = [...byNamespace.keys()].sort();
    const order = new Map(namespaces.flatMap((n) => byNamespace.get(n)!).map((w, i) => [w, i]));
    const labels = namespaces.map((n) => [n, this.labelsOf(n)] as const);
    const matched = new WeakMap<LabelSelectorMatcher, readonly string[]>();
    const namespaceLabels: NamespaceSelection = {
      matching(selector) {
        let found = matched.get(selector);
        if (!found) {
          found = labels.filter(([, l]) => selector.matches(l)).map(([n]) => n);
          matched.set(selector, found);
        }
        return found;
      },
    };
    this.podIndex = { byNamespace, order, namespaceLabels };
    return this.podIndex;
  }

  /** How a pod's `podLabels` look to a peer selector (asked for every rule that may name the pod). */
  private podTarget(w: Workload): PeerTarget {
    let target = this.podTargets.get(w);
    if (!target) {
      target = this.targets(workloadPeer(w))[0]!;
      this.podTargets.set(w, target);
    }
    return target;
  }

  egress(src: Workload, dst: Peer): SideVerdict {
    const dstPorts = dst.kind === 'workload' && !this.nodeTraffic(dst.workload) ? dst.workload.ports : null;
    return this.side(src, 'egress', this.targets(dst), dstPorts);
  }

  ingress(dst: Workload, src: Peer): SideVerdict {
    // A14: ingress named ports resolve against the selected pod itself.
    return this.side(dst, 'ingress', this.targets(src), dst.ports);
  }

  /** `peer`: the other end as seen with its `podLabels`, then with each other label variant. */
  private side(
    pod: Workload,
    direction: Direction,
    peer: readonly [PeerTarget, ...PeerTarget[]],
    dstPorts: readonly ContainerPort[] | null,
  ): SideVerdict {
    const selection = this.selection(pod);
    const policies = selection[direction];
    const admin = selection.admin[direction];
    const uncertain =
      admin.uncertain.length > 0
        ? sortRefs([...selection.uncertain[direction], ...admin.uncertain])
        : selection.uncertain[direction];
    if (hasAdmin(admin)) {
      const np =
        policies.length === 0
          ? { grants: [], split: [] }
          : this.networkPolicyGrants(policies, direction, peer, dstPorts);
      const tiers = evaluateTiers(admin, direction, peer, dstPorts, {
        isolated: policies.length > 0,
        grants: np.grants,
      });
      const split = [...np.split, ...tiers.split];
      return {
        isolatedBy: policies.map((p) => p.ref),
        grants: tiers.grants,
        denials: tiers.denials,
        ...(tiers.passes.length > 0 ? { passes: tiers.passes } : {}),
        ...(tiers.overrides.length > 0 ? { overrides: tiers.overrides } : {}),
        uncertainBy: split.length > 0 ? sortRefs([...uncertain, ...split]) : uncertain,
        allowed: tiers.allowed,
      };
    }
    // A3: not isolated in this direction, so everything is allowed.
    if (policies.length === 0)
      return { isolatedBy: [], grants: [], uncertainBy: uncertain, allowed: ConnSet.all };
    const { grants, split } = this.networkPolicyGrants(policies, direction, peer, dstPorts);
    const allowed = grants.reduce((acc, g) => acc.union(g.conns), ConnSet.none);
    const uncertainBy = split.length > 0 ? sortRefs([...uncertain, ...split]) : uncertain;
    return { isolatedBy: policies.map((p) => p.ref), grants, uncertainBy, allowed };
  }

  /** A4: every rule of every selecting NetworkPolicy that allows something toward/from the peer. */
  private networkPolicyGrants(
    policies: readonly CompiledPolicy[],
    direction: Direction,
    peer: readonly [PeerTarget, ...PeerTarget[]],
    dstPorts: readonly ContainerPort[] | null,
  ): { grants: Grant[]; split: PolicyRef[] } {
    const [target, ...variants] = peer;
    const grants: Grant[] = [];
    const split: PolicyRef[] = [];
    // A4: union of every rule of every selecting policy; policies come sorted by name and rules in
    // order, so the grants come out sorted by rule.
    for (const policy of policies) {
      for (const rule of policy[direction] ?? []) {
        const hit = rule.peers.matches(target);
        // The peer's pods disagree on labels and this rule tells them apart: the answer is unsure.
        if (variants.some((v) => rule.peers.matches(v) !== hit)) split.push(policy.ref);
        if (!hit) continue;
        const conns = rule.ports.resolve(dstPorts);
        if (conns.isEmpty()) continue;
        grants.push({ rule: rule.ref, conns });
      }
    }
    return { grants, split };
  }

  private selection(pod: Workload): Selection {
    // A17: no policy selects a hostNetwork pod.
    if (this.nodeTraffic(pod)) return UNSELECTED;
    const key = this.signatures.of(pod);
    let selection = this.selections.get(key);
    if (!selection) {
      selection = this.select(pod);
      this.selections.set(key, selection);
    }
    return selection;
  }

  /**
   * A1: only the policies of the pod's own namespace can select it. When the workload's pods
   * disagree on labels it counts as selected per `podLabels`, and a policy that selects only some
   * of its pods makes it uncertain in the directions that policy covers.
   */
  private select(pod: Workload): Selection {
    const variants = pod.podLabelVariants ?? [pod.podLabels];
    const splits = (s: LabelSelectorMatcher) =>
      variants.some((v) => s.matches(v) !== s.matches(pod.podLabels));
    const valid = this.index.valid.get(pod.namespace) ?? [];
    const selecting = valid.filter((p) => p.podSelector.matches(pod.podLabels));
    const split = valid.filter((p) => splits(p.podSelector));
    const suspects = (this.index.invalid.get(pod.namespace) ?? []).filter(
      (p) => !p.podSelector || variants.some((v) => p.podSelector?.matches(v)),
    );
    const uncertain = (direction: Direction) =>
      sortRefs([
        ...suspects.filter((p) => p[direction]).map((p) => p.ref),
        ...split.filter((p) => p[direction] !== null).map((p) => p.ref),
      ]);
    return {
      ingress: selecting.filter((p) => p.ingress !== null),
      egress: selecting.filter((p) => p.egress !== null),
      uncertain: { ingress: uncertain('ingress'), egress: uncertain('egress') },
      admin: selectAdmin(this.index.admin, this.labelsOf(pod.namespace), pod),
    };
  }

  private targets(peer: Peer): readonly [PeerTarget, ...PeerTarget[]] {
    if (peer.kind === 'external') return [{ kind: 'external', range: peer.range }];
    const w = peer.workload;
    if (this.nodeTraffic(w)) return [NODE];
    const namespaceLabels = this.labelsOf(w.namespace);
    const pod = (labels: Labels): PeerTarget => ({
      kind: 'pod',
      namespace: w.namespace,
      labels,
      namespaceLabels,
    });
    const others = (w.podLabelVariants ?? []).filter((v) => v !== w.podLabels);
    return [pod(w.podLabels), ...others.map(pod)];
  }

  /** A16: every namespace carries `kubernetes.io/metadata.name`, even one only referenced. */
  private labelsOf(namespace: string): Labels {
    let labels = this.namespaceLabels.get(namespace);
    if (!labels) {
      labels = { ...this.model.namespaces.get(namespace)?.labels, [METADATA_NAME]: namespace };
      this.namespaceLabels.set(namespace, labels);
    }
    return labels;
  }
}

/** Deduplicated (by object) and sorted by namespace and name, so answers are deterministic. */
function sortRefs(refs: readonly PolicyRef[]): PolicyRef[] {
  const key = (r: PolicyRef) => `${r.namespace}/${r.name}`;
  return [...new Set(refs)].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
