import { fileLine } from '../core/location.js';
import type { Cause, ChangeKind, Report } from '../report/types.js';

/** One line of explanation under a change: a lead-in and the rules (with locations) it names. */
export interface CauseLine {
  readonly lead: string;
  readonly rules: readonly { readonly rule: string; readonly where: string }[];
  readonly conns: string;
}

const LEAD: Record<Cause['effect'], Record<Cause['revision'], string>> = {
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

export function summaryLine(report: Report): string {
  const s = report.summary;
  const parts = [`${s.opened} opened`, `${s.closed} closed`, `${s.changed} changed`];
  if (s.workloadsAdded || s.workloadsRemoved)
    parts.push(`workloads +${s.workloadsAdded} -${s.workloadsRemoved}`);
  if (s.findings.new || s.findings.existing || s.findings.fixed) {
    parts.push(`findings: ${s.findings.new} new, ${s.findings.fixed} fixed, ${s.findings.existing} existing`);
  }
  if (s.errors) parts.push(`${s.errors} input error${s.errors === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export function revisionText(r: Report['base']): string {
  return r.commit && r.commit !== r.label ? `${r.label} (${r.commit.slice(0, 12)})` : r.label;
}

export const LAYER_TEXT: Record<Report['layer'], string> = {
  l4: 'L3/L4 (NetworkPolicy)',
  l7: 'L7 (Istio)',
  effective: 'effective (NetworkPolicy and Istio)',
};
