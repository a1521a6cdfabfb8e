import { fileLine } from '../core/location.js';
import type { Cause, ChangeKind, L7Change, Report } from '../report/types.js';

/** One line of explanation under a change: a lead-in and the rules (with locations) it names. */
export interface CauseLine {
  readonly lead: string;
  readonly rules: readonly { readonly rule: string; readonly where: string }[];
  readonly conns: string;
}

/** How a cause reads before its rule (`allowed by`, `was allowed in base by`). */
export const LEAD: Record<Cause['effect'], Record<Cause['revision'], string>> = {
  allows: { head: 'allowed by', base: 'was allowed in base by' },
  isolates: { head: 'blocked: isolated by', base: 'was blocked in base: isolated by' },
  denies: { head: 'denied by', base: 'was denied in base by' },
  uncertain: { head: 'uncertain: could not understand', base: 'uncertain in base: could not understand' },
};

/**
 * Rules that allow are listed one per line; policies that isolate the same direction are one
 * line ("egress isolated by a, b, c"), since together they are the reason and none alone is.
 */
export function causeLines(causes: readonly Cause[]): CauseLine[] {
  const out: CauseLine[] = [];
  const grouped = new Map<
    string,
    { lead: string; rules: { rule: string; where: string }[]; conns: string }
  >();
  for (const c of causes) {
    const item = { rule: c.rule, where: fileLine(c.location) };
    if (c.effect === 'allows' || c.effect === 'denies') {
      out.push({ lead: LEAD[c.effect][c.revision], rules: [item], conns: c.conns ?? '' });
      continue;
    }
    const side = c.direction ? `${c.direction} ` : '';
    const lead = LEAD[c.effect][c.revision].replace('isolated by', `${side}isolated by`);
    const key = `${c.effect}|${c.revision}|${c.direction ?? ''}|${c.conns ?? ''}`;
    const group = grouped.get(key);
    if (group) group.rules.push(item);
    else grouped.set(key, { lead, rules: [item], conns: c.conns ?? '' });
  }
  return [...out, ...grouped.values()];
}

export const KIND_TITLE: Record<ChangeKind, string> = {
  opened: 'Opened',
  closed: 'Closed',
  changed: 'Changed',
};

/** Whether no pair changed at all, listed or not. */
export function noPathChanged(report: Report): boolean {
  const s = report.summary;
  return s.opened + s.closed + s.changed === 0;
}

/**
 * `12,345 more pairs (...) are counted above but not listed: ...`, when a change was too big to list
 * pair by pair; `undefined` otherwise.
 */
export function omittedText(report: Report): string | undefined {
  const o = report.omitted;
  if (!o) return undefined;
  const total = o.opened + o.closed + o.changed;
  const parts = (['opened', 'closed', 'changed'] as const).filter((k) => o[k] > 0).map((k) => `${o[k]} ${k}`);
  return (
    `${total} more pair${total === 1 ? '' : 's'} of workloads (${parts.join(', ')}) changed and are counted above, ` +
    `but not listed one by one: the change is too big to list pair by pair (${report.changes.length} listed).`
  );
}

export function summaryLine(report: Report): string {
  const s = report.summary;
  const parts = [`${s.opened} opened`, `${s.closed} closed`, `${s.changed} changed${l7ChangeCounts(report)}`];
  if (s.workloadsAdded || s.workloadsRemoved)
    parts.push(`workloads +${s.workloadsAdded} -${s.workloadsRemoved}`);
  if (s.findings.new || s.findings.existing || s.findings.fixed || s.findings.accepted) {
    parts.push(
      `findings: ${s.findings.new} new, ${s.findings.fixed} fixed, ${s.findings.existing} existing, ${s.findings.accepted} accepted`,
    );
  }
  if (s.errors) parts.push(`${s.errors} input error${s.errors === 1 ? '' : 's'}`);
  return parts.join(', ');
}

const L7_CHANGE_ORDER: readonly L7Change[] = ['widened', 'narrowed', 'changed'];

/** ` (L7 scope: 1 widened, 1 narrowed)` for the changed pairs whose L7 scope moved; `` when none. */
function l7ChangeCounts(report: Report): string {
  const counts = L7_CHANGE_ORDER.map(
    (k) => [k, report.changes.filter((c) => c.l7Change === k).length] as const,
  )
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k === 'changed' ? 'both ways' : k}`);
  return counts.length ? ` (L7 scope: ${counts.join(', ')})` : '';
}

/** `L7 scope widened`, `L7 scope narrowed`, `L7 scope changed both ways` (some requests gained, some lost). */
export function l7ChangeText(change: L7Change): string {
  return `L7 scope ${change === 'changed' ? 'changed both ways' : change}`;
}

export function revisionText(r: Report['base']): string {
  return r.commit && r.commit !== r.label ? `${r.label} (${r.commit.slice(0, 12)})` : r.label;
}

export const LAYER_TEXT: Record<Report['layer'], string> = {
  l4: 'L3/L4 (NetworkPolicy)',
  l7: 'L7 (Istio)',
  effective: 'effective (NetworkPolicy and Istio)',
};
