import type { SourceLocation } from '../core/location.js';
import type { Workload } from '../model/types.js';
import { acceptanceReason, IGNORE_ANNOTATION } from './accept.js';
import { listSome, type RevisionContext, workloadResource } from './context.js';
import type { RuleId } from './rules.js';
import { type RawFinding, type ResourceRef, resourceId } from './types.js';

/** One pair (or one destination, with no source) that a rule entry's finding covers. */
export interface EntryMember {
  readonly source?: Workload;
  readonly destination: Workload;
  /** What this member adds to the message when it is the example (ports, isolating policies). */
  readonly detail: string;
  readonly locations: readonly SourceLocation[];
  /** Resources of this member beyond its workloads (the policies that isolate or deny it). */
  readonly resources: readonly ResourceRef[];
}

/** What every member of an entry shares: the rule entry itself. */
export interface Entry {
  readonly rule: RuleId;
  /** Names the entry, not a pair: base and head findings of one entry match whatever its members. */
  readonly subject: string;
  /** The finding's source when its members do not share one (`namespaces team-*`). */
  readonly source?: string;
  readonly locations: readonly SourceLocation[];
  readonly resources: readonly ResourceRef[];
}

/** Locations named in a finding beyond the entry's own: enough to click through, not one per pair. */
const MAX_MEMBER_LOCATIONS = 10;

/**
 * One finding per rule entry over its members (a mesh-wide rule dead for thousands of pairs is one
 * finding with counts and examples, not thousands). A member that `.policy-diff.yaml` or an ignore
 * annotation accepts on its own (the pair, its workloads, its policies) is left out and counted; when
 * every member is, they all stay and the finding is accepted with their reasons.
 */
export function entryFinding<M extends EntryMember>(
  ctx: RevisionContext,
  entry: Entry,
  members: readonly M[],
  message: (kept: readonly M[], accepted: number) => string,
): RawFinding | undefined {
  if (members.length === 0) return undefined;
  const reasons = members.map((m) => memberAccepted(ctx, entry, m));
  const open = members.filter((_, i) => reasons[i] === undefined);
  const kept = open.length > 0 ? open : members;
  const accepted = open.length > 0 ? undefined : [...new Set(reasons)].join('; ');
  const source = onlySource(kept);
  const destination = onlyDestination(kept);
  const shownSource = source ?? entry.source;
  return {
    rule: entry.rule,
    subject: entry.subject,
    message: message(kept, members.length - kept.length),
    locations: [...entry.locations, ...distinctLocations(kept, entry.locations)],
    ...(shownSource !== undefined ? { source: shownSource } : {}),
    ...(destination !== undefined ? { destination } : {}),
    // The entry's own resources only. A kept member's workloads and resources cannot accept the
    // finding: had one of them matched an accept entry or carried an ignore annotation, that member
    // would have been accepted on its own and left out (memberAccepted asks the same with the same
    // source and destination); and when every member is, the finding carries their reasons. Listing
    // them cost a list of every distinct workload per finding (23 MiB at 10,000 workloads, ~370 MiB
    // at 50,000, for entries covering thousands of pairs).
    resources: distinctResources(entry.resources),
    ...(accepted !== undefined ? { acceptedReason: accepted } : {}),
  };
}

/** The source of a finding with one member (several pairs are named by the entry). */
function onlySource(kept: readonly EntryMember[]): string | undefined {
  return kept.length === 1 ? kept[0]!.source?.id : undefined;
}

function onlyDestination(kept: readonly EntryMember[]): string | undefined {
  const first = kept[0]!.destination;
  return kept.every((m) => m.destination === first) ? first.id : undefined;
}

/** `a -> b` for a pair, `b` for a destination alone. */
export function memberText(m: EntryMember): string {
  return m.source ? `${m.source.id} -> ${m.destination.id}` : m.destination.id;
}

/** `N pairs (a -> b, ... and N-3 more)` / `the pair a -> b`, destinations alike. */
export function membersText(kept: readonly EntryMember[], unit: [string, string]): string {
  if (kept.length === 1) return memberText(kept[0]!);
  return `${kept.length} ${unit[1]} (${listSome(kept, 3, memberText)})`;
}

/** ` (N more accepted)`, or nothing. */
export function acceptedText(accepted: number): string {
  return accepted > 0 ? ` (${accepted} more accepted)` : '';
}

/** Why the member alone would be accepted, or undefined. */
function memberAccepted(ctx: RevisionContext, entry: Entry, m: EntryMember): string | undefined {
  const accept = ctx.config.findings.accept;
  const ws = m.source ? [m.source, m.destination] : [m.destination];
  // Without config entries only annotations can accept: skip building the member when none is set.
  if (accept.length === 0 && !ws.some(annotated) && !m.resources.some(annotated)) return undefined;
  const alone: RawFinding = {
    rule: entry.rule,
    subject: entry.subject,
    message: '',
    locations: [],
    source: m.source?.id ?? entry.source,
    destination: m.destination.id,
    resources: [...entry.resources, ...ws.map(workloadResource), ...m.resources],
  };
  return acceptanceReason(alone, accept);
}

function annotated(x: Workload | ResourceRef): boolean {
  const r = 'podLabels' in x ? workloadResource(x) : x;
  return r.annotations !== undefined && r.annotations[IGNORE_ANNOTATION] !== undefined;
}

function distinctLocations(kept: readonly EntryMember[], own: readonly SourceLocation[]): SourceLocation[] {
  const key = (l: SourceLocation) => `${l.file}\u0000${l.line}\u0000${l.column}`;
  const seen = new Set(own.map(key));
  const out: SourceLocation[] = [];
  for (const m of kept) {
    for (const l of m.locations) {
      if (out.length >= MAX_MEMBER_LOCATIONS) return out;
      if (seen.has(key(l))) continue;
      seen.add(key(l));
      out.push(l);
    }
  }
  return out;
}

function distinctResources(rs: readonly ResourceRef[]): ResourceRef[] {
  return [...new Map(rs.map((r) => [resourceId(r), r])).values()];
}
