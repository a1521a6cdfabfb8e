import { fullLocation } from '../core/location.js';
import { type FoldedChanges, foldNoise } from './noise.js';
import {
  byRisk,
  CHANGE_CLASSES,
  type ChangeClass,
  changeClass,
  changeRisk,
  groupRisk,
  isGaining,
  type Risk,
  type RiskOptions,
} from './risk.js';
import type { Cause, PathChange, Report } from './types.js';

export type { FoldedChanges } from './noise.js';

/** Whether two causes name the same rule at the same place (causes of different pairs are different objects). */
export function sameCause(a: Cause, b: Cause): boolean {
  return (
    a.rule === b.rule && a.revision === b.revision && fullLocation(a.location) === fullLocation(b.location)
  );
}

/** A change with its risk and the other rules that explain it too (named under it). */
export interface RankedChange {
  readonly change: PathChange;
  readonly risk: Risk;
  /** Rules that could have headed the change's group too; the group's own rule is not among them. */
  readonly alsoBy: readonly Cause[];
}

/**
 * Changes one rule explains, read as one item: "NetworkPolicy shop/allow-all ingress[0]
 * (netpol.yaml:7) opens shop/cart to 8 sources, including 0.0.0.0/0".
 */
export interface CauseGroup {
  /** `class|side|rule|revision:file:line:column`: unique within a grouping, stable across runs. */
  readonly key: string;
  readonly class: ChangeClass;
  /** The rule; undefined when the changes name none (e.g. a workload added under no policy). */
  readonly cause?: Cause;
  /**
   * Which end the rule is about: `destination` for ingress and Istio rules (the group opens its
   * destinations to sources), `source` for egress (it lets its sources reach destinations).
   */
  readonly side: 'source' | 'destination';
  /** Riskiest first. */
  readonly changes: readonly RankedChange[];
  readonly risk: Risk;
}

export interface ChangeGrouping {
  /** Riskiest first; ties in the order of the first change of each group in the report. */
  readonly groups: readonly CauseGroup[];
  /** Only UDP/SCTP or only sidecar ports, per class, when not the whole of its class. */
  readonly folded: readonly FoldedChanges[];
}

/**
 * The report's changes grouped by the rule that explains them (module types above). Each change
 * is in exactly one group, or folded: a change several rules explain goes to the group of its
 * highest-ranked rule (the riskiest group, then the rule kind preferred for its class, then the
 * largest, then the key), and the other rules are listed with it in `alsoBy`.
 */
export function groupByCause(report: Pick<Report, 'changes'>, options: RiskOptions = {}): ChangeGrouping {
  const { kept, folded } = foldNoise(report.changes);
  const risks = new Map(kept.map((c) => [c, changeRisk(c, options)] as const));
  const candidates = new Map<string, Candidate>();
  const order: string[] = [];
  const named = new Map<PathChange, Candidate[]>();
  for (const c of kept) {
    const k = changeClass(c);
    const list: Candidate[] = [];
    const { tier: pref, causes } = explainingCauses(c, k);
    for (const cause of causes) {
      const side = cause?.direction === 'egress' ? 'source' : 'destination';
      const key = `${k}|${side}|${cause ? `${cause.rule}|${fullLocation(cause.location)}` : ''}`;
      let cand = candidates.get(key);
      if (!cand) {
        cand = { key, class: k, side, ...(cause ? { cause } : {}), changes: [], pref };
        candidates.set(key, cand);
        order.push(key);
      }
      if (!cand.changes.includes(c)) cand.changes.push(c);
      cand.pref = Math.min(cand.pref, pref);
      list.push(cand);
    }
    named.set(c, list);
  }
  const rank = (cand: Candidate) =>
    groupRisk(
      cand.changes.map((c) => risks.get(c)!),
      cand.changes.map((c) => (cand.side === 'destination' ? c.source : c.destination)),
    ).score;
  const ranked = [...candidates.values()]
    .map((cand, i) => ({ cand, i, score: rank(cand) }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        a.cand.pref - b.cand.pref ||
        b.cand.changes.length - a.cand.changes.length ||
        a.i - b.i,
    );
  const assigned = new Map<string, PathChange[]>();
  const placed = new Set<PathChange>();
  for (const { cand } of ranked) {
    for (const c of cand.changes) {
      if (placed.has(c)) continue;
      placed.add(c);
      const list = assigned.get(cand.key) ?? [];
      list.push(c);
      assigned.set(cand.key, list);
    }
  }
  const groups = order
    .filter((key) => assigned.has(key))
    .map((key) => toGroup(candidates.get(key)!, assigned.get(key)!, risks, named));
  return { groups: byRisk(groups, (g) => g.risk), folded };
}

interface Candidate {
  readonly key: string;
  readonly class: ChangeClass;
  readonly side: 'source' | 'destination';
  readonly cause?: Cause;
  readonly changes: PathChange[];
  /** How strongly the class prefers this kind of cause (0 best). */
  pref: number;
}

function toGroup(
  cand: Candidate,
  members: readonly PathChange[],
  risks: ReadonlyMap<PathChange, Risk>,
  named: ReadonlyMap<PathChange, Candidate[]>,
): CauseGroup {
  const changes = byRisk(
    members.map((c) => ({
      change: c,
      risk: risks.get(c)!,
      alsoBy: (named.get(c) ?? []).filter((o) => o.key !== cand.key && o.cause).map((o) => o.cause!),
    })),
    (r) => r.risk,
  );
  const peers = members.map((c) => (cand.side === 'destination' ? c.source : c.destination));
  return {
    key: cand.key,
    class: cand.class,
    ...(cand.cause ? { cause: cand.cause } : {}),
    side: cand.side,
    changes,
    risk: groupRisk(
      changes.map((c) => c.risk),
      peers,
    ),
  };
}

/**
 * The rules that explain a change, most telling first: for what now gets through, a base denial
 * that no longer holds (an mTLS downgrade, a removed DENY), else the head rules that allow it; for
 * what no longer does, a head denial, then the base rule that allowed it, then
 * the head isolation. Without such a cause, any cause; without any, `undefined` (no rule).
 */
function explainingCauses(c: PathChange, k: ChangeClass): { tier: number; causes: (Cause | undefined)[] } {
  const pick = (revision: Cause['revision'], effect: Cause['effect']) =>
    c.causes.filter((x) => x.revision === revision && x.effect === effect);
  const tiers = isGaining(k)
    ? [pick('base', 'denies'), pick('head', 'allows'), pick('head', 'uncertain')]
    : k === 'changed'
      ? [pick('head', 'allows'), pick('base', 'allows'), pick('head', 'denies')]
      : [pick('head', 'denies'), pick('base', 'allows'), pick('head', 'uncertain'), pick('head', 'isolates')];
  for (const [tier, causes] of tiers.entries()) if (causes.length) return { tier, causes };
  return { tier: tiers.length, causes: c.causes.length ? [c.causes[0]] : [undefined] };
}

/** Counts by class, for the headline: listed and folded changes together. */
export function classCounts(report: Pick<Report, 'changes'>): Record<ChangeClass, number> {
  const out = Object.fromEntries(CHANGE_CLASSES.map((k) => [k, 0])) as Record<ChangeClass, number>;
  for (const c of report.changes) out[changeClass(c)]++;
  return out;
}
