import { fileLine } from '../core/location.js';
import type { Cause, ChangeKind, Report } from '../report/types.js';

/** Plain-language pieces shared by the text and Markdown reports. */
export function causeText(c: Cause): { lead: string; rule: string; where: string; conns: string } {
  const lead = {
    allows: c.revision === 'head' ? 'allowed by' : 'was allowed in base by',
    isolates: c.revision === 'head' ? 'isolated by' : 'was isolated in base by',
    denies: c.revision === 'head' ? 'denied by' : 'was denied in base by',
    uncertain: c.revision === 'head' ? 'uncertain: not understood' : 'uncertain in base: not understood',
  }[c.effect];
  return { lead, rule: c.rule, where: fileLine(c.location), conns: c.conns ?? '' };
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
