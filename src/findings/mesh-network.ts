import type { SourceLocation } from '../core/location.js';
import { policyLabel, type RuleRef, ruleLabel } from '../core/refs.js';
import { isolations, l4Uncertain } from '../explain/policies.js';
import type { L4Cell } from '../l4/verdict.js';
import type { RuleModel } from '../l7/authz-model.js';
import { workloadPeer } from '../model/peers.js';
import type { Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { PortSet } from '../values/port-set.js';
import { earlier, type Stability, stabilityAgainst, unstableReaching } from './carry-forward.js';
import { enforced, listSome, objectResource, policyResource, type RevisionContext } from './context.js';
import { acceptedText, type EntryMember, entryFinding, membersText, memberText } from './entry-findings.js';
import { knownInjected, sidecarGuessed } from './known-sidecar.js';
import { type NamedValue, type RuleRecord, ruleCarry } from './mesh-network-carry.js';
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
  // Istio's answer depends on what the L7 layer reads of the source as a source, of the destination,
  // and the ports only: the same in both revisions when those fingerprints are (else per revision,
  // by L7 class). Not the whole fingerprints: a workload whose NetworkPolicy changed (egress opened
  // in its namespace), or whose own AuthorizationPolicy did (a team-* entry's representative), is the
  // same source to Istio, and a small PR asked hundreds of such pairs again.
  const local = new Map<string, unknown>();
  const l7Of = (w: Workload, asSource: boolean) =>
    ctx.matrix.hasL7
      ? ctx.matrix.l7Fingerprint?.(workloadPeer(w), asSource)
      : ctx.matrix.fingerprint(workloadPeer(w));
  const meshLets = (s: Workload, d: Workload, ports: ConnSet): boolean => {
    const [fs, fd] = [l7Of(s, true), l7Of(d, false)];
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
  const setOf = (list: readonly Workload[]): ReadonlySet<Workload> => {
    let set = sets.get(list);
    if (!set) {
      set = new Set(list);
      sets.set(list, set);
    }
    return set;
  };
  const someReaching = (
    named: readonly Workload[],
    d: Workload,
    test: (s: Workload) => boolean,
  ): Workload | undefined => {
    const possible = ctx.ingressNamesSources(d) ? ctx.possibleSources(d) : undefined;
    if (!possible || possible.length >= named.length) return named.find((s) => ctx.mayReach(s, d) && test(s));
    const among = setOf(named);
    // possibleSources never holds d itself.
    return possible.find((s) => among.has(s) && test(s));
  };
  // A named (or guessed) source NetworkPolicy may let reach d that gets through, if there is one.
  const witness = (
    named: readonly Workload[],
    guessed: readonly Workload[],
    d: Workload,
    gets: (s: Workload) => boolean,
  ): Workload | undefined =>
    someReaching(named, d, gets) ?? guessed.find((s) => s !== d && ctx.mayReach(s, d) && gets(s));
  // The revision that runs second asks again only what a changed workload can change (DeadRecord).
  const before = earlier<DeadRecord>(ctx, DEAD);
  const stability = before ? stabilityAgainst(ctx, before.ctx) : undefined;
  // Per destination, the unstable workloads NetworkPolicy may let reach it (the L4 reverse index).
  const reaching = stability ? unstableReaching(ctx, stability.unstable) : undefined;
  const entries = new Map<string, DeadEntry>();
  // Per named value, its workloads whose sidecar is a guess (either way: a plaintext guess may be injected).
  const guesses = new Map<string, readonly Workload[]>();
  const guessedOf = (n: NamedValue): readonly Workload[] => {
    const key = `${n.field}\u0000${n.value}`;
    let list = guesses.get(key);
    if (!list) {
      const all = ctx.namedWorkloads(n.field, n.value);
      list = [...all.injected, ...all.plaintext].filter((s) => sidecarGuessed(ctx, s));
      guesses.set(key, list);
    }
    return list;
  };
  const rules = new Map<string, RuleRecord>();
  const carry = before ? ruleCarry(ctx, before, seen) : undefined;
  for (const { model, object, digest: content } of ctx.authz) {
    if (!enforced(model) || model.action !== 'ALLOW') continue;
    // Istio lets a source through only where the destination is known to have a sidecar (rule C2).
    const dsts = ctx.authzTargets(model).filter((d) => knownInjected(ctx, d));
    for (const [index, rule] of (dsts.length ? model.rules : []).entries()) {
      if (rule.invalid) continue;
      const values = namedValues(rule);
      const ruleKey = `${content}\u0000${index}`;
      const carried = carry?.(ruleKey, object, dsts, values);
      if (carried) {
        for (const f of carried.findings) out.push(f);
        for (const subject of carried.subjects!) seen.add(subject);
        for (const d of dsts) {
          for (const n of values) {
            const entry = `${ruleKey}\u0000${n.field}\u0000${n.value}\u0000${d.id}`;
            const was = before!.entries.get(entry);
            if (was) entries.set(entry, was);
          }
        }
        rules.set(ruleKey, carried);
        continue;
      }
      // One finding per entry of the rule (field and value), its dead destinations or pairs counted.
      const members = new Map<NamedValue, DeadMember[]>();
      // The pairs its principals entries cover (left to later rules), unless one was an earlier rule's.
      let subjects: string[] | undefined = [];
      for (const d of values.length ? dsts : []) {
        const ports = rulePorts(rule, d);
        const cellOf = (s: Workload) => ctx.matrix.l4Verdict(workloadPeer(s), workloadPeer(d));
        for (const n of values) {
          const named = ctx.namedWorkloads(n.field, n.value).injected;
          // The named workloads whose sidecar is a guess (rule C2) may be the ones the entry lets in.
          const guessed = guessedOf(n);
          const rep = named.find((s) => s !== d && !sidecarGuessed(ctx, s));
          if (!rep) continue;
          // Alive when one of them gets through (or might: uncertain).
          const gets = (s: Workload) => l4Uncertain(cellOf(s)) || cellOf(s).allowed.overlaps(ports);
          const namedSet = setOf(named);
          const guessedSet = setOf(guessed);
          // What the walk asks of one source: NetworkPolicy may let it reach d, and it gets through.
          // A certain cell that opens a port has a candidate source (candidates are a superset), so
          // mayReach is asked first: a changed namespace's workloads are asked at every destination
          // whose entries name them, and most are no candidate there (their cells go uncomputed).
          const lets = (s: Workload) => {
            if (s === d || !(namedSet.has(s) || guessedSet.has(s)) || !ctx.mayReach(s, d)) return false;
            const cell = cellOf(s);
            return l4Uncertain(cell) || cell.allowed.overlaps(ports);
          };
          const entry = `${content}\u0000${index}\u0000${n.field}\u0000${n.value}\u0000${d.id}`;
          const prev = before && stability?.stable(d) ? before.entries.get(entry) : undefined;
          let through: Workload | undefined;
          if (prev?.through !== undefined) {
            // The source that got through there first, if it still does here (asked again: a hint).
            const s = stability!.stableById(prev.through);
            through = s && lets(s) ? s : witness(named, guessed, d, gets);
          } else if (prev) {
            // None got through there: nor does a stable one here (same cells); ask the others.
            through = firstUnstable(stability!, [named, guessed], lets, () => reaching!(d));
          } else through = witness(named, guessed, d, gets);
          // Dead as it was there when the representative is the same stable workload (same cell,
          // same Istio answer: both rest on the two ends' fingerprints, and the ports on d's and
          // the rule's content); else asked.
          const dead = through
            ? false
            : prev?.dead !== undefined && prev.rep === rep.id && stability!.stable(rep)
              ? prev.dead
              : !l4Uncertain(cellOf(rep)) && meshLets(rep, d, ports);
          entries.set(entry, through ? { through: through.id } : { rep: rep.id, dead });
          if (!dead) continue;
          const list = members.get(n) ?? [];
          members.set(n, list);
          if (n.field === 'namespaces') {
            list.push(deadMember(undefined, d, ports, cellOf(rep)));
            continue;
          }
          for (const s of named) {
            const subject = `${s.id} -> ${d.id}`;
            if (s === d) continue;
            if (seen.has(subject)) {
              subjects = undefined;
              continue;
            }
            seen.add(subject);
            subjects?.push(subject);
            list.push(deadMember(s, d, ports, cellOf(s)));
          }
        }
      }
      const findings: RawFinding[] = [];
      for (const [n, list] of members) {
        const f = deadEntryFinding(ctx, { rule, object }, n, list);
        if (f) findings.push(f);
      }
      for (const f of findings) out.push(f);
      rules.set(ruleKey, { object, dsts: dsts.map((d) => d.id), findings, subjects });
    }
  }
  const record: DeadRecord = { ctx, entries, rules };
  ctx.shared.set(DEAD, record);
  return out;
}

/** What one entry of an ALLOW rule (its policy's content, rule index, field and value) is at one destination. */
interface DeadEntry {
  /** A named source that gets through (or might): the entry is alive. */
  readonly through?: string;
  /** When none does: the representative source asked (its id), and whether the entry was dead. */
  readonly rep?: string;
  readonly dead?: boolean;
}

/**
 * The first unstable workload, in model order, among `lists` that passes `test`: what
 * `stability.unstable.find(test)` finds when `test` holds only for members of the lists that
 * NetworkPolicy may let reach the destination. Walks the shorter side: the lists (an entry naming
 * one principal), or the unstable workloads that may reach it (`reaching`, in model order: few,
 * where a changed namespace's many workloads are each named by a `team-*` entry everywhere).
 */
function firstUnstable(
  stability: Stability,
  lists: readonly (readonly Workload[])[],
  test: (s: Workload) => boolean,
  reaching: () => readonly Workload[],
): Workload | undefined {
  const members = lists.reduce((n, l) => n + l.length, 0);
  if (members >= stability.unstable.length) return reaching().find(test);
  let best: Workload | undefined;
  let bestAt = Number.POSITIVE_INFINITY;
  for (const list of lists) {
    for (const s of list) {
      const at = stability.unstableAt(s);
      if (at === undefined || at >= bestAt || !test(s)) continue;
      best = s;
      bestAt = at;
    }
  }
  return best;
}

/**
 * What the first revision's meshAllowsNetworkBlocksFindings leaves for the second, per entry and
 * destination. At a stable destination (carry-forward.ts) with the same policy content, the entry's
 * stable sources get the cells they had there: when none got through, only the unstable ones (few in
 * a small change) are asked; when one did, it is asked first. The rest (the destination's
 * representative source, the members) is built from this revision's objects, as it always was.
 */
interface DeadRecord {
  readonly ctx: RevisionContext;
  readonly entries: ReadonlyMap<string, DeadEntry>;
  /** What each rule (its policy's content and index) found, for ruleCarry. */
  readonly rules: ReadonlyMap<string, RuleRecord>;
}

const DEAD = 'mesh-allows-network-blocks\u0000record';

const FIX_DEAD =
  'Fix: add a NetworkPolicy rule for the same source and ports (egress of the source and ingress of the destination), or remove the source from the AuthorizationPolicy.';

/** ` (isolated by NetworkPolicy a (ingress), ...)`, or nothing. */
function isolatedSuffix(iso: ReturnType<typeof isolation>): string {
  return iso.length ? ` (isolated by ${listSome(iso, 3, (i) => i.text)})` : '';
}

interface DeadMember extends EntryMember {
  readonly ports: ConnSet;
  /** ` (isolated by ...)` or nothing. */
  readonly isolated: string;
}

/** A destination (namespace entry) or pair (principal entry) for which NetworkPolicy kills the entry. */
function deadMember(s: Workload | undefined, d: Workload, ports: ConnSet, cell: L4Cell): DeadMember {
  const iso = isolation(cell, ports);
  const isolated = isolatedSuffix(iso);
  return {
    ...(s ? { source: s } : {}),
    destination: d,
    ports,
    isolated,
    detail: `on ${ports.toString()}${isolated}`,
    locations: iso.map((i) => i.location),
    resources: iso.map((i) => policyResource(i.ref)),
  };
}

/**
 * `all N workloads with a sidecar there (a, b, c and M more)`: the named workloads but the
 * destination, as listSome shows them. Counted, not filtered: a `team-*` entry names thousands, and
 * filtering them for each of hundreds of dead entries was most of the findings' text at SA.
 */
export function blockedSources(named: readonly Workload[], d: Workload): string {
  const count = named.length - (named.includes(d) ? 1 : 0);
  const shown: string[] = [];
  for (const s of named) {
    if (shown.length === 3) break;
    if (s !== d) shown.push(s.id);
  }
  const list = count <= 3 ? shown.join(', ') : `${shown.join(', ')} and ${count - 3} more`;
  return `all ${count} workload${count === 1 ? '' : 's'} with a sidecar there (${list})`;
}

/**
 * The entry `principals=v` or `namespaces=v` of an ALLOW rule, dead for its members. The subject is
 * the entry, so base and head match whichever destinations it is dead for; the message counts them
 * and shows the first as the example. One member reads as a single pair or destination always did.
 */
function deadEntryFinding(
  ctx: RevisionContext,
  { rule, object }: { rule: RuleModel; object: RevisionContext['authz'][number]['object'] },
  n: NamedValue,
  members: readonly DeadMember[],
): RawFinding | undefined {
  const label = ruleLabel(rule.ref);
  const entry = {
    rule: 'mesh-allows-network-blocks' as const,
    subject: `${label} ${n.field}=${n.value}`,
    ...(n.field === 'namespaces' ? { source: `namespaces ${n.value}` } : {}),
    locations: [rule.ref.location],
    resources: [objectResource(object)],
  };
  return entryFinding(ctx, entry, members, (kept, accepted) => {
    const first = kept[0]!;
    const more = acceptedText(accepted);
    if (n.field === 'namespaces') {
      const blocked = blockedSources(ctx.namedWorkloads(n.field, n.value).injected, first.destination);
      if (kept.length === 1)
        return (
          `${label} allows namespaces "${n.value}" to reach ${first.destination.id} on ${first.ports.toString()}, but NetworkPolicy blocks ` +
          `${blocked}${first.isolated}: the entry is dead.${more} ${FIX_DEAD}`
        );
      return (
        `${label} allows namespaces "${n.value}" to reach ${membersText(kept, ['destination', 'destinations'])}, but NetworkPolicy ` +
        `blocks ${blocked} from each of them (at ${first.destination.id} ${first.detail}): the entry is dead for them.${more} ${FIX_DEAD}`
      );
    }
    if (kept.length === 1)
      return (
        `${label} allows ${first.source!.id} to reach ${first.destination.id} on ${first.ports.toString()}, but NetworkPolicy blocks it${first.isolated}: ` +
        `the network wins, the mesh rule is dead for this pair.${more} ${FIX_DEAD}`
      );
    return (
      `${label} allows principals "${n.value}" for ${membersText(kept, ['pair', 'pairs'])}, but NetworkPolicy blocks each of them ` +
      `(${memberText(first)} ${first.detail}): the network wins, the mesh rule is dead for these pairs.${more} ${FIX_DEAD}`
    );
  });
}
