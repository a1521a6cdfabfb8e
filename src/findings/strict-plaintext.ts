import type { SourceLocation } from '../core/location.js';
import { type RuleRef, ruleLabel } from '../core/refs.js';
import type { L4Cell } from '../l4/verdict.js';
import { workloadPeer } from '../model/peers.js';
import type { Workload } from '../model/types.js';
import { earlier, inWalkOrder, stabilityAgainst, unstableReaching } from './carry-forward.js';
import { listSome, policyResource, type RevisionContext, workloadResource } from './context.js';
import { acceptedText, type EntryMember, entryFinding, membersText, memberText } from './entry-findings.js';
import { knownBare } from './known-sidecar.js';
import type { RawFinding } from './types.js';

/*
 * identity-from-workload-without-sidecar, its STRICT part: a client without a sidecar that
 * NetworkPolicy lets reach a STRICT mTLS port (its plaintext is rejected, E5/E7). The part about
 * AuthorizationPolicy values naming such workloads is in sidecar-presence.ts.
 */

/** What the first revision's strictPlaintextFindings leaves for the second. */
interface StrictRecord {
  readonly ctx: RevisionContext;
  /** The servers it walked (PeerAuthentication may be STRICT, sidecar not a guess). */
  readonly walked: ReadonlySet<string>;
  /** Per server, the members of its pairs with a finding (clients a rule names), in walk order. */
  readonly found: ReadonlyMap<string, readonly StrictMember[]>;
}

const STRICT = 'identity-from-workload-without-sidecar\u0000strict';

/**
 * One pair of a STRICT entry. A class with what every pair has alike on its prototype: at 50,000
 * workloads base finds 750,000 pairs, and head as many again while base's are still held.
 */
class StrictMember implements EntryMember {
  constructor(
    readonly source: Workload,
    readonly destination: Workload,
    /** The STRICT ports (text shared by the members that have the same). */
    readonly ports: string,
    readonly entry: StrictEntry,
  ) {}

  get detail(): string {
    return '';
  }

  get locations(): readonly SourceLocation[] {
    return [this.source.location, this.destination.location];
  }

  get resources(): EntryMember['resources'] {
    return NO_RESOURCES;
  }
}

/** What a finding's members share: the PeerAuthentication rule and the NetworkPolicy rules. */
interface StrictEntry {
  readonly key: string;
  /** The PeerAuthentication rule that makes the ports STRICT (none: the mesh default). */
  readonly strictRule: RuleRef | undefined;
  /** The NetworkPolicy rules that let the pair through (ingress and egress). */
  readonly opening: readonly RuleRef[];
}

/**
 * Built once per distinct value: at 50,000 workloads the walk meets hundreds of thousands of pairs,
 * and a text and rule list of their own each outgrew the heap.
 */
function memberParts() {
  const entries = new Map<string, StrictEntry>();
  const texts = new Map<string, string>();
  return {
    entry(strictRule: RuleRef | undefined, opening: readonly RuleRef[]): StrictEntry {
      const key = `${strictRule ? ruleLabel(strictRule) : '*'}\u0000${opening.map(ruleLabel).join(', ')}`;
      let found = entries.get(key);
      if (!found) {
        found = { key, strictRule, opening };
        entries.set(key, found);
      }
      return found;
    },
    /** The entry of this key met so far in this walk, if any. */
    known(key: string): StrictEntry | undefined {
      return entries.get(key);
    },
    text(t: string): string {
      const known = texts.get(t);
      if (known !== undefined) return known;
      texts.set(t, t);
      return t;
    },
  };
}

type MemberParts = ReturnType<typeof memberParts>;

const NO_RESOURCES: EntryMember['resources'] = [];

/**
 * Pairs (no-sidecar client, injected server) that L4 allows and STRICT mTLS rejects. Only servers
 * whose PeerAuthentication may be STRICT, and only the clients NetworkPolicy may let reach them
 * (`possibleSources`). Clients that nothing restricts (neither their egress nor the server's ingress
 * is isolated) get the same answer, so they are evaluated once and reported as one finding per
 * server: in a repository without NetworkPolicy that is every plaintext client.
 *
 * The pairs a NetworkPolicy rule opens are one finding per (PeerAuthentication rule, NetworkPolicy
 * rules that open them), the pairs counted with examples: at 10,000 workloads one finding per pair
 * was 25,000 findings, which no reviewer reads and which outgrew the heap at 50,000.
 *
 * The revision that runs second takes the first one's decisions on the pairs a rule names where both
 * ends are stable (carry-forward.ts): for a stable server the first one walked, it asks only that
 * revision's finding clients that are stable and the unstable clients (few in a small change), and
 * builds no candidate list. Members are built from this revision's objects, in walk order.
 */
export function strictPlaintextFindings(ctx: RevisionContext): RawFinding[] {
  const out: RawFinding[] = [];
  const byEntry = new Map<string, StrictMember[]>();
  const parts = memberParts();
  const before = earlier<StrictRecord>(ctx, STRICT);
  const stability = before ? stabilityAgainst(ctx, before.ctx) : undefined;
  const plaintext = ctx.rev.model.workloads.filter((w) => knownBare(ctx, w));
  const egressOpen = (c: Workload) => (ctx.rev.l4.egressCandidates?.(c) ?? 'all') === 'all';
  const unrestricted = plaintext.filter(egressOpen);
  const egressRestricted = plaintext.filter((c) => !egressOpen(c));
  const unstable = stability?.unstable.filter((c) => knownBare(ctx, c)) ?? [];
  const unstableTo = unstableReaching(ctx, unstable);
  const walked = new Set<string>();
  const found = new Map<string, StrictMember[]>();
  for (const d of ctx.rev.model.workloads) {
    if (!ctx.rev.l7.mayRequireMtls(d) || ctx.rev.l7.sidecar(d).unknown !== undefined) continue;
    walked.add(d.id);
    const isolated = ctx.ingressNamesSources(d);
    // A client a rule names (the server's ingress, or its own egress).
    const reaches = isolated
      ? (c: Workload) => ctx.mayReach(c, d)
      : (c: Workload) => !egressOpen(c) && ctx.egressMayReach(c, d);
    let named: readonly Workload[];
    // A pair the first revision found, with both ends stable, has the same cell here: its ports
    // and its entry's rules (by label) are carried, not computed again (base found 750,000 at
    // 50,000 workloads, and head glanced at each once more).
    const carried = new Map<Workload, StrictMember>();
    if (before && stability?.stable(d) && before.walked.has(d.id)) {
      const asked: Workload[] = [];
      for (const m of before.found.get(d.id) ?? []) {
        const c = stability.stableById(m.source.id);
        if (!c) continue;
        asked.push(c);
        carried.set(c, m);
      }
      for (const c of isolated ? unstableTo(d) : unstable.filter(reaches)) asked.push(c);
      // In the order the walk would meet them: the first pair of a finding is its example.
      named = inWalkOrder(ctx, asked, isolated ? 'candidates' : 'model');
    } else {
      named = isolated
        ? ctx.possibleSources(d, false).filter((c) => knownBare(ctx, c))
        : egressRestricted.filter((c) => ctx.egressMayReach(c, d));
    }
    for (const c of named) {
      const then = carried.get(c);
      const member = then ? carriedMember(ctx, then, c, d, parts) : strictMember(ctx, c, d, parts);
      if (!member) continue;
      const list = byEntry.get(member.entry.key) ?? [];
      byEntry.set(member.entry.key, list);
      list.push(member);
      const members = found.get(d.id) ?? [];
      found.set(d.id, members);
      members.push(member);
    }
    if (isolated || unrestricted.length === 0) continue;
    // Nothing restricts the others either: they all get the same answer, so one finding.
    const strict = strictMember(ctx, unrestricted[0]!, d, parts);
    if (strict) out.push(strictFromAnyClient(unrestricted, d, strict));
  }
  const record: StrictRecord = { ctx, walked, found };
  ctx.shared.set(STRICT, record);
  for (const members of byEntry.values()) {
    const f = strictEntryFinding(ctx, members);
    if (f) out.push(f);
  }
  return out;
}

function strictMember(
  ctx: RevisionContext,
  c: Workload,
  d: Workload,
  parts: MemberParts,
): StrictMember | undefined {
  // Asked once per pair (hundreds of thousands at 50,000 workloads): neither the verdict nor its L7
  // cell is kept in the matrix (glance: a bounded transient cache shares cells within the walk).
  const [src, dst] = [workloadPeer(c), workloadPeer(d)];
  const v = ctx.matrix.glance?.(src, dst) ?? ctx.matrix.peek(src, dst);
  const strict = (v.l7?.segments ?? []).filter((s) =>
    s.outcomes.some((o) => o.reasons.some((r) => r.code === 'mtls-strict-plaintext')),
  );
  if (strict.length === 0) return undefined;
  const strictRule = strict
    .flatMap((s) => s.outcomes.flatMap((o) => o.reasons))
    .find((r) => r.code === 'mtls-strict-plaintext' && r.rule)?.rule;
  const ports = parts.text(strict.map((s) => `${s.protocol} ${s.ports.toString()}`).join(','));
  return new StrictMember(c, d, ports, parts.entry(strictRule, openingRules(v.l4)));
}

/**
 * A carried pair as this revision's member: the first revision's ports, and this revision's entry
 * of the same key (rule labels), whose rules and their locations are this revision's. The entry is
 * looked up by key, and computed from this pair when no pair of this walk has met it yet.
 */
function carriedMember(
  ctx: RevisionContext,
  then: StrictMember,
  c: Workload,
  d: Workload,
  parts: MemberParts,
): StrictMember | undefined {
  const entry = parts.known(then.entry.key);
  if (entry) return new StrictMember(c, d, parts.text(then.ports), entry);
  return strictMember(ctx, c, d, parts);
}

/** The NetworkPolicy rules that let a pair through: the isolated sides' grants. */
function openingRules(l4: L4Cell): RuleRef[] {
  const side = (s: L4Cell['ingress']) => (s && s.isolatedBy.length > 0 ? s.grants.map((g) => g.rule) : []);
  return [...side(l4.ingress), ...side(l4.egress)];
}

const STRICT_FIX =
  'Fix: inject a sidecar into the client, or set PERMISSIVE on that port (portLevelMtls) if the plaintext client is intended.';

function strictEntryFinding(ctx: RevisionContext, members: readonly StrictMember[]): RawFinding | undefined {
  const { strictRule, opening } = members[0]!.entry;
  const labels = opening.map(ruleLabel);
  const grantsText = labels.length > 0 ? listSome(labels, 3) : 'NetworkPolicy';
  const strictText = strictRule ? ` (${ruleLabel(strictRule)})` : '';
  const entry = {
    rule: 'identity-from-workload-without-sidecar' as const,
    // Names the entry (the rules), not a pair: base and head match whatever pairs it covers.
    subject: `strict ${strictRule ? ruleLabel(strictRule) : '*'} <- ${labels.join(', ')}`,
    locations: [...(strictRule ? [strictRule.location] : []), ...opening.map((r) => r.location)],
    resources: [
      ...(strictRule ? [policyResource(strictRule.policy)] : []),
      ...opening.map((r) => policyResource(r.policy)),
    ],
  };
  const f = entryFinding(ctx, entry, members, (kept, accepted) => {
    const first = kept[0]!;
    const reason = `${first.source.id} has no sidecar (${ctx.rev.l7.sidecar(first.source).reason})`;
    const more = acceptedText(accepted);
    if (kept.length === 1)
      return (
        `${grantsText} lets ${first.source.id} reach ${first.destination.id} on ${first.ports}, but ${reason} and the port is STRICT mTLS` +
        `${strictText}: its plaintext connections are rejected (rules E5, E7).${more} ${STRICT_FIX}`
      );
    return (
      `${grantsText} ${labels.length === 1 ? 'lets' : 'let'} ${membersText(kept, ['pair', 'pairs'])} through, ` +
      `but their clients have no sidecar and the ports are STRICT mTLS${strictText}: their plaintext connections are rejected (rules E5, E7). ` +
      `For example ${memberText(first)} on ${first.ports}: ${reason}.${more} ${STRICT_FIX}`
    );
  });
  if (!f) return undefined;
  const only = members.length === 1 ? members[0]! : undefined;
  const about = only ? `${only.source.id} -> ${only.destination.id}` : grantsText;
  return { ...f, about: `${about} (STRICT mTLS)` };
}

function strictFromAnyClient(clients: readonly Workload[], d: Workload, m: StrictMember): RawFinding {
  const n = clients.length;
  const rule = m.entry.strictRule;
  return {
    rule: 'identity-from-workload-without-sidecar',
    subject: `* -> ${d.id} strict`,
    about: `workloads without a sidecar -> ${d.id} (STRICT mTLS)`,
    message:
      `No NetworkPolicy restricts who reaches ${d.id} on ${m.ports}, and ${n} workload${n === 1 ? '' : 's'} without a sidecar ` +
      `(${listSome(clients, 3, (c) => c.id)}) ${n === 1 ? 'is' : 'are'} not restricted either, but the port is STRICT mTLS${rule ? ` (${ruleLabel(rule)})` : ''}: ` +
      `their plaintext connections are rejected (rules E5, E7). ${STRICT_FIX}`,
    locations: [...(rule ? [rule.location] : []), d.location],
    source: `${n} workload${n === 1 ? '' : 's'} without a sidecar`,
    destination: d.id,
    resources: [workloadResource(d), ...(rule ? [policyResource(rule.policy)] : [])],
  };
}
