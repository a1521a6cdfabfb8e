import type { SourceLocation } from '../../src/core/location.js';
import type { Cause, Finding, PathChange, Report, ReportSummary } from '../../src/report/types.js';

export function loc(file: string, line: number, revision = 'head'): SourceLocation {
  return { revision, file, line, column: 1 };
}

export function cause(overrides: Partial<Cause> = {}): Cause {
  return {
    revision: 'head',
    layer: 'l4',
    effect: 'allows',
    rule: 'NetworkPolicy shop/allow-web ingress[0]',
    conns: 'TCP 8080',
    location: loc('policies/shop/allow-web.yaml', 12),
    ...overrides,
  };
}

export function change(overrides: Partial<PathChange> = {}): PathChange {
  return {
    kind: 'opened',
    source: { id: 'web/front[Deployment]', kind: 'workload', namespace: 'web' },
    destination: { id: 'shop/api[Deployment]', kind: 'workload', namespace: 'shop' },
    before: 'No Connections',
    after: 'TCP 8080',
    added: 'TCP 8080',
    removed: '',
    causes: [cause()],
    uncertain: false,
    ...overrides,
  };
}

export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'sidecar-resources',
    severity: 'error',
    status: 'new',
    title: 'istio-proxy requests too small',
    message: 'shop/api requests 10m CPU for istio-proxy, below 100m',
    locations: [loc('apps/shop/api.yaml', 30)],
    ...overrides,
  };
}

type SummaryOverrides = Partial<Omit<ReportSummary, 'findings'>> & {
  findings?: Partial<ReportSummary['findings']>;
};

/** A report whose summary is derived from its changes and findings unless overridden. */
export function report(
  parts: {
    changes?: PathChange[];
    findings?: Finding[];
    incomplete?: boolean;
    summary?: SummaryOverrides;
  } = {},
): Report {
  const changes = parts.changes ?? [];
  const findings = parts.findings ?? [];
  const count = (k: PathChange['kind']) => changes.filter((c) => c.kind === k).length;
  const status = (s: Finding['status']) => findings.filter((f) => f.status === s).length;
  const summary: ReportSummary = {
    opened: count('opened'),
    closed: count('closed'),
    changed: count('changed'),
    workloadsAdded: 0,
    workloadsRemoved: 0,
    errors: parts.incomplete ? 1 : 0,
    warnings: 0,
    ...parts.summary,
    findings: {
      new: status('new'),
      fixed: status('fixed'),
      existing: status('existing'),
      accepted: status('accepted'),
      ...parts.summary?.findings,
    },
  };
  return {
    tool: { name: 'policy-diff', version: '0.0.0-test' },
    base: { label: 'base' },
    head: { label: 'head' },
    layer: 'effective',
    summary,
    changes,
    workloads: { added: [], removed: [] },
    findings,
    diagnostics: [],
    incomplete: parts.incomplete ?? false,
  };
}
