import { compareDiagnostics, type Diagnostic, isIncomplete } from '../core/diagnostics.js';
import type { ChangeKind, Report, ReportSummary, TargetSection } from './types.js';

/** The workload id as the merged report lists it: `clusters/prod: shop/cart[Deployment]`. */
export function targetWorkload(target: string, id: string): string {
  return `${target}: ${id}`;
}

function changedSection(r: Report): boolean {
  const s = r.summary;
  return (
    s.opened +
      s.closed +
      s.changed +
      s.workloadsAdded +
      s.workloadsRemoved +
      s.findings.new +
      s.findings.fixed >
    0
  );
}

/**
 * One report of several targets' reports (in name order): each change and finding keeps its
 * target, workloads are named with theirs, a diagnostic that several targets share (a base they
 * all include) is listed once, and the summary counts the whole. Pure.
 */
export function mergeTargetReports(parts: readonly { name: string; report: Report }[]): Report {
  const first = parts[0]?.report;
  if (!first) throw new Error('mergeTargetReports: no target');
  const changes = parts.flatMap(({ name, report }) => report.changes.map((c) => ({ ...c, target: name })));
  const findings = parts.flatMap(({ name, report }) => report.findings.map((f) => ({ ...f, target: name })));
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const d of parts.flatMap((p) => p.report.diagnostics)) {
    const key = JSON.stringify(d);
    if (!seen.has(key)) diagnostics.push(d);
    seen.add(key);
  }
  diagnostics.sort(compareDiagnostics);
  const omitted = sumOmitted(parts.map((p) => p.report));
  const sum = (f: (s: ReportSummary) => number) => parts.reduce((n, p) => n + f(p.report.summary), 0);
  const workloads = {
    added: parts.flatMap((p) => p.report.workloads.added.map((w) => targetWorkload(p.name, w))),
    removed: parts.flatMap((p) => p.report.workloads.removed.map((w) => targetWorkload(p.name, w))),
  };
  const targets: TargetSection[] = parts.map(({ name, report }) => ({
    name,
    changed: changedSection(report),
    summary: report.summary,
    incomplete: report.incomplete,
  }));
  return {
    tool: first.tool,
    base: first.base,
    head: first.head,
    layer: first.layer,
    summary: {
      opened: sum((s) => s.opened),
      closed: sum((s) => s.closed),
      changed: sum((s) => s.changed),
      workloadsAdded: workloads.added.length,
      workloadsRemoved: workloads.removed.length,
      findings: {
        new: sum((s) => s.findings.new),
        fixed: sum((s) => s.findings.fixed),
        existing: sum((s) => s.findings.existing),
        accepted: sum((s) => s.findings.accepted),
      },
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    },
    changes,
    ...(omitted ? { omitted } : {}),
    workloads,
    findings,
    diagnostics,
    incomplete: isIncomplete(diagnostics) || parts.some((p) => p.report.incomplete),
    targets,
  };
}

function sumOmitted(reports: readonly Report[]): Record<ChangeKind, number> | undefined {
  const withOmitted = reports.flatMap((r) => (r.omitted ? [r.omitted] : []));
  if (withOmitted.length === 0) return undefined;
  const total = { opened: 0, closed: 0, changed: 0 };
  for (const o of withOmitted) for (const k of ['opened', 'closed', 'changed'] as const) total[k] += o[k];
  return total;
}
