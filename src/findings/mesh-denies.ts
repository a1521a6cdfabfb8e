import type { SourceLocation } from '../core/location.js';
import { type RuleRef, ruleLabel } from '../core/refs.js';
import { l4Uncertain, l7Rules } from '../explain/policies.js';
import type { L7Cell } from '../l7/types.js';
import { workloadPeer } from '../model/peers.js';
import type { Workload } from '../model/types.js';
import type { ConnSet } from '../values/conn-set.js';
import { earlier, inWalkOrder, stabilityAgainst, unstableReaching } from './carry-forward.js';
import { enforced, listSome, policyResource, type RevisionContext } from './context.js';
import { acceptedText, type EntryMember, entryFinding, membersText, memberText } from './entry-findings.js';
import { knownInjected } from './known-sidecar.js';
import type { RawFinding, ResourceRef } from './types.js';

/*
 * network-allows-mesh-denies: NetworkPolicy opens a pair that Istio denies everything on. Its
 * sibling mesh-allows-network-blocks (the other way round) is in mesh-network.ts.
 */

/** Workloads known to be injected (rule C2) that an enforced ALLOW or DENY policy applies to: only there can Istio deny everything. */
function guardedDestinations(ctx: RevisionContext): Workload[] {
  const out = new Set<Workload>();
  for (const { model } of ctx.authz) {
    if (!enforced(model) || (model.action !== 'ALLOW' && model.action !== 'DENY')) continue;
    for (const d of ctx.authzTargets(model)) if (knownInjected(ctx, d)) out.add(d);
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
  // One finding per set of NetworkPolicy rules that open the pairs, the pairs counted.
  const byGrants = new Map<string, DeniedMember[]>();
  for (const member of meshDeniedPairs(ctx)) {
    const list = byGrants.get(member.grantsKey) ?? [];
    byGrants.set(member.grantsKey, list);
    list.push(member);
  }
  return [...byGrants.values()].flatMap((members) => {
    const f = deniedEntryFinding(ctx, members);
    return f ? [f] : [];
  });
}

/** What the first revision's walk of meshDeniedPairs leaves for the second. */
interface DeniedRecord {
  readonly ctx: RevisionContext;
  /** The destinations it walked (guarded, ingress naming its sources). */
  readonly walked: ReadonlySet<string>;
  /** Per destination, the members of its pairs with a finding (few: most pairs get through). */
  readonly found: ReadonlyMap<string, readonly DeniedMember[]>;
}

const DENIED = 'network-allows-mesh-denies\u0000record';

/**
 * The pairs network-allows-mesh-denies is about, before they are grouped by the rules that open them:
 * for each guarded destination (by id), its possible sources with a known sidecar (in
 * `possibleSources` order) whose pair Istio denies everything on.
 *
 * The revision that runs second takes the first one's decisions where both ends are stable (same id,
 * same matrix fingerprint: the same verdict, candidates and sidecars, so the same decision). For a
 * stable destination that revision walked, it asks only the first revision's finding pairs whose
 * source is stable, and the unstable workloads (few in a small change) NetworkPolicy may let reach it:
 * a stable source the first revision did not find, or did not walk (NetworkPolicy closed the pair,
 * or it had no known sidecar), has no finding here either. Only the decision is carried: members are
 * built from this revision's objects.
 */
export function meshDeniedPairs(ctx: RevisionContext): DeniedMember[] {
  const meshLets = meshLetsThrough(ctx);
  const parts = memberParts();
  const before = earlier<DeniedRecord>(ctx, DENIED);
  const stability = before ? stabilityAgainst(ctx, before.ctx) : undefined;
  const unstable = stability?.unstable.filter((s) => knownInjected(ctx, s)) ?? [];
  const unstableTo = unstableReaching(ctx, unstable);
  const walked = new Set<string>();
  const found = new Map<string, DeniedMember[]>();
  const out: DeniedMember[] = [];
  for (const d of guardedDestinations(ctx)) {
    if (!ctx.ingressNamesSources(d)) continue;
    walked.add(d.id);
    let sources: readonly Workload[];
    // A pair the first revision found with both ends stable has the same verdict here: its member
    // is this revision's member of the same key (rules by label, connections, reasons), computed
    // once per key rather than once per pair (172,000 pairs at 50,000 workloads).
    const carried = new Map<Workload, DeniedMember>();
    if (before && stability?.stable(d) && before.walked.has(d.id)) {
      const asked: Workload[] = [];
      for (const m of before.found.get(d.id) ?? []) {
        const s = stability.stableById(m.source!.id);
        if (!s || !ctx.mayReach(s, d)) continue;
        asked.push(s);
        carried.set(s, m);
      }
      for (const s of unstableTo(d)) asked.push(s);
      // In the order the walk would meet them: the first pair of a finding is its example.
      sources = inWalkOrder(ctx, asked, 'candidates');
    } else {
      // A guessed sidecar (rule C2) is no premise for "Istio denies every request".
      sources = ctx.possibleSources(d, false).filter((s) => knownInjected(ctx, s));
    }
    const mesh = meshLets.at(d);
    for (const s of sources) {
      const then = carried.get(s);
      const like = then && parts.known(then.key);
      const member = like ? { ...like, source: s, destination: d } : meshDeniesAll(ctx, s, d, mesh, parts);
      if (!member) continue;
      out.push(member);
      const list = found.get(d.id) ?? [];
      found.set(d.id, list);
      list.push(member);
    }
  }
  const record: DeniedRecord = { ctx, walked, found };
  ctx.shared.set(DENIED, record);
  return out;
}

export interface DeniedMember extends EntryMember {
  readonly grants: readonly { readonly rule: RuleRef }[];
  /** Every rule that opens the pair: pairs opened by the same rules make one finding. */
  readonly grantsKey: string;
  readonly grantsText: string;
  /** What NetworkPolicy allows on the pair, and Istio's reasons for denying all of it. */
  readonly allowed: string;
  readonly why: string;
  /** What makes two members alike but for their ends: the rules (by label), connections and reasons. */
  readonly key: string;
}

function deniedEntryFinding(ctx: RevisionContext, members: readonly DeniedMember[]): RawFinding | undefined {
  const { grants, grantsText, grantsKey } = members[0]!;
  const entry = {
    rule: 'network-allows-mesh-denies' as const,
    subject: grantsKey,
    locations: grants.map((g) => g.rule.location),
    resources: grants.map((g) => policyResource(g.rule.policy)),
  };
  const fix =
    'The NetworkPolicy rule is wider than what the mesh allows. Fix: narrow the NetworkPolicy rule, or allow the source in an AuthorizationPolicy if it should get through.';
  return entryFinding(ctx, entry, members, (kept, accepted) => {
    const first = kept[0]!;
    const opens = `open${grants.length === 1 ? 's' : ''}`;
    const more = acceptedText(accepted);
    if (kept.length === 1)
      return `${grantsText} ${opens} ${memberText(first)} on ${first.allowed}, but Istio denies every request on it${first.why}.${more} ${fix}`;
    return (
      `${grantsText} ${opens} ${membersText(kept, ['pair', 'pairs'])}, but Istio denies every request on each of them ` +
      `(${memberText(first)} on ${first.allowed}${first.why}).${more} ${fix}`
    );
  });
}

/**
 * Whether Istio lets some request from s to d through on `conns`, answered without building the
 * cell (most pairs NetworkPolicy opens do get through: only the few that do not need the cell's
 * explanation). Istio's answer depends on the destination's L7 signature, the source as the
 * destination's policies read it (L7Engine.sourceKey) and the connections only: asked once per
 * distinct key of this revision, not once per pair. Resolved per destination (`at`), so the walk
 * over its sources looks up short keys only (a signature is a long text, hashed and compared).
 */
const RECENT_SIGNATURES = 64;

function meshLetsThrough(ctx: RevisionContext) {
  const l7 = ctx.rev.l7;
  interface Known {
    readonly everywhere: Map<string | number, boolean>;
    readonly on: Map<string | number, Map<string, boolean>>;
  }
  const bySignature = new Map<string, Known>();
  return {
    at(d: Workload) {
      const signature = l7.signature(d);
      let known = bySignature.get(signature);
      if (known) bySignature.delete(signature);
      else known = { everywhere: new Map(), on: new Map() };
      // The most recently walked signatures only: at 50,000 workloads nearly every destination has
      // its own, and keeping each one's source keys held hundreds of MiB for answers never asked
      // again. Replicas of one app (adjacent by id) still share theirs.
      bySignature.set(signature, known);
      if (bySignature.size > RECENT_SIGNATURES) bySignature.delete(bySignature.keys().next().value!);
      const { everywhere, on } = known;
      // Outside the namespaces d's policies name, a number (equal numbers, equal source keys:
      // L7Engine.sourceGroupKey) instead of the key's text, built per pair: at 50,000 workloads
      // base asks this of 20 M pairs.
      const read = l7.sourceNamesRead(d);
      const keyOf = (s: Workload): string | number =>
        read.namespaces.has(s.namespace) ? l7.sourceKey(s, d) : l7.sourceGroupKey(s, read.patterns);
      return {
        lets(s: Workload, conns: ConnSet): boolean {
          const key = keyOf(s);
          let byConns = on.get(key);
          if (!byConns) {
            byConns = new Map();
            on.set(key, byConns);
          }
          const text = conns.toString();
          let v = byConns.get(text);
          if (v === undefined) {
            v = l7.letsSomeThrough(workloadPeer(s), d, conns);
            byConns.set(text, v);
          }
          return v;
        },
        // Asked before L4: most pairs a destination's rules name get some request through on every
        // port, which settles them without their L4 cell (at XL base walked 20 M pairs for 101 s).
        everywhere(s: Workload): boolean {
          const key = keyOf(s);
          let v = everywhere.get(key);
          if (v === undefined) {
            v = l7.letsSomeThroughEverywhere(workloadPeer(s), d);
            everywhere.set(key, v);
          }
          return v;
        },
      };
    },
  };
}

type MeshAt = ReturnType<ReturnType<typeof meshLetsThrough>['at']>;

/**
 * What the members of one walk share, built once: a group's grants and their text, a cell's
 * reasons, connection texts. At 50,000 workloads base finds a million denied pairs; with a text and
 * a kept verdict each they outgrew the heap.
 */
function memberParts() {
  const byGrants = new Map<string, { grants: DeniedMember['grants']; text: string }>();
  const byCell = new WeakMap<
    L7Cell,
    { why: string; rules: string; locations: SourceLocation[]; resources: ResourceRef[] }
  >();
  const texts = new Map<string, string>();
  const members = new Map<string, DeniedMember>();
  const intern = (t: string): string => {
    const known = texts.get(t);
    if (known !== undefined) return known;
    texts.set(t, t);
    return t;
  };
  return {
    /** A member of this key met so far in this walk (its ends aside), if any. */
    known(key: string): DeniedMember | undefined {
      return members.get(key);
    },
    remember(m: DeniedMember): DeniedMember {
      if (!members.has(m.key)) members.set(m.key, m);
      return m;
    },
    grants(grants: DeniedMember['grants']) {
      const labels = grants.map((g) => ruleLabel(g.rule));
      const key = labels.join(', ');
      let found = byGrants.get(key);
      if (!found) {
        found = { grants, text: listSome(labels, 3) };
        byGrants.set(key, found);
      }
      return { key, ...found };
    },
    cell(l7: L7Cell) {
      let found = byCell.get(l7);
      if (!found) {
        const why = [
          ...new Set(
            l7.segments.flatMap((seg) => seg.outcomes.flatMap((o) => o.reasons.map((r) => r.message))),
          ),
        ];
        const uniqueRules = [...new Map(l7Rules(l7).map((r) => [ruleLabel(r), r])).values()];
        found = {
          why: why.length ? `: ${listSome(why, 2)}` : '',
          rules: [...new Map(l7Rules(l7).map((r) => [ruleLabel(r), r])).keys()].join(', '),
          locations: uniqueRules.map((r) => r.location),
          resources: uniqueRules.map((r) => policyResource(r.policy)),
        };
        byCell.set(l7, found);
      }
      return found;
    },
    text(conns: ConnSet): string {
      return intern(conns.toString());
    },
    intern,
  };
}

type MemberParts = ReturnType<typeof memberParts>;

function meshDeniesAll(
  ctx: RevisionContext,
  s: Workload,
  d: Workload,
  mesh: MeshAt,
  parts: MemberParts,
): DeniedMember | undefined {
  // Some request gets through whatever L4 allows: no finding.
  if (mesh.everywhere(s)) return undefined;
  // Then L4: Istio is asked only for pairs a rule of the destination's ingress opens.
  // Peeked: base walks every pair its destinations name once, and most are not kept by anything.
  const l4 = ctx.matrix.l4Peek(workloadPeer(s), workloadPeer(d));
  const grants = l4.ingress?.isolatedBy.length ? l4.ingress.grants : [];
  if (l4Uncertain(l4) || l4.allowed.isEmpty() || grants.length === 0) return undefined;
  // Something gets through (or might: an uncertain outcome is not `none`): no finding, no cell.
  if (mesh.lets(s, l4.allowed)) return undefined;
  // Glanced: nothing reads the verdict or its L7 cell again (at XL base finds 172,000 such pairs).
  const [src, dst] = [workloadPeer(s), workloadPeer(d)];
  const v = ctx.matrix.glance?.(src, dst) ?? ctx.matrix.peek(src, dst);
  if (!v.l7 || v.l7.uncertain || !v.effective.isEmpty()) return undefined;
  const group = parts.grants(grants);
  const cell = parts.cell(v.l7);
  const allowed = parts.text(v.l4.allowed);
  return parts.remember({
    source: s,
    destination: d,
    grants: group.grants,
    grantsKey: group.key,
    grantsText: group.text,
    allowed,
    why: cell.why,
    key: parts.intern(`${group.key}\u0000${allowed}\u0000${cell.why}\u0000${cell.rules}`),
    detail: '',
    locations: cell.locations,
    resources: cell.resources,
  });
}
