import type { Config, FindingSeverity } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { flatCopy } from '../core/flat-text.js';
import type { L7Cell } from '../l7/types.js';
import type { AccessMatrix } from '../matrix/matrix.js';
import type { Finding, FindingStatus } from '../report/types.js';
import type { AnalysedRevision } from '../revision/analysed-revision.js';
import { acceptanceReason } from './accept.js';
import { adminAllowOverridesFindings, adminPassFindings } from './admin-tiers.js';
import { destinationTlsFindings, registryOnlyFindings, sidecarScopeFindings } from './client-side.js';
import { type RevisionContext, revisionContext } from './context.js';
import { duplicatePolicyFindings } from './duplicate-policies.js';
import { gatewayHostFindings } from './gateway-hosts.js';
import { gatewayRouteFindings } from './gateway-routes.js';
import { networkAllowsMeshDeniesFindings } from './mesh-denies.js';
import { meshAllowsNetworkBlocksFindings } from './mesh-network.js';
import { renderNamespaceFindings } from './render-namespace.js';
import { resourceFindings } from './resource-rules.js';
import { routingFindings } from './routing.js';
import { RULES } from './rules.js';
import { serviceEntryEgressFindings } from './service-entry-egress.js';
import { sidecarEgressFindings, sidecarPortFindings } from './sidecar-ports.js';
import {
  duplicatePeerAuthFindings,
  identityWithoutSidecarFindings,
  policyWithoutSidecarFindings,
  selectsNothingFindings,
} from './sidecar-presence.js';
import type { RawFinding } from './types.js';

export { RULE_IDS, RULES, type RuleId } from './rules.js';

export interface FindingsResult {
  /** Sorted: new, accepted, existing, fixed; then by severity, rule and subject. */
  readonly findings: readonly Finding[];
  /** Problems found while checking (an invalid quantity): errors make the report incomplete. */
  readonly diagnostics: readonly Diagnostic[];
}

const FAMILIES: readonly ((ctx: RevisionContext) => RawFinding[])[] = [
  meshAllowsNetworkBlocksFindings,
  networkAllowsMeshDeniesFindings,
  routingFindings,
  gatewayRouteFindings,
  gatewayHostFindings,
  serviceEntryEgressFindings,
  destinationTlsFindings,
  registryOnlyFindings,
  sidecarScopeFindings,
  adminPassFindings,
  adminAllowOverridesFindings,
  sidecarEgressFindings,
  sidecarPortFindings,
  policyWithoutSidecarFindings,
  identityWithoutSidecarFindings,
  selectsNothingFindings,
  duplicatePeerAuthFindings,
  renderNamespaceFindings,
  duplicatePolicyFindings,
  resourceFindings,
];

/** Every rule over one revision; duplicates (same rule and subject) are kept once. */
export function revisionFindings(ctx: RevisionContext): Map<string, RawFinding> {
  const out = new Map<string, RawFinding>();
  for (const family of FAMILIES) {
    let found: RawFinding[];
    try {
      found = family(ctx);
    } catch (e) {
      ctx.diagnostics.push({
        severity: 'error',
        code: 'findings-internal-error',
        message: `a findings rule failed on ${ctx.rev.label}: ${(e as Error).message}`,
      });
      continue;
    }
    for (const f of found) {
      const key = `${f.rule}\u0000${f.subject}`;
      if (!out.has(key)) out.set(key, f);
    }
  }
  return out;
}

function severityOf(rule: RawFinding['rule'], config: Config): FindingSeverity | 'off' {
  return config.findings.severity[rule] ?? RULES[rule].severity;
}

const STATUS_ORDER: Record<FindingStatus, number> = { new: 0, accepted: 1, existing: 2, fixed: 3 };
const SEVERITY_ORDER: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };

/**
 * The findings of a diff: each rule runs on both revisions; a finding is `new` (head only), `fixed`
 * (base only) or `existing` (both), matched by rule and subject, never by line. Head findings that
 * `.policy-diff.yaml` or a `policy-diff.io/ignore` annotation accepts are `accepted`.
 */
export function computeFindings(
  base: AnalysedRevision,
  head: AnalysedRevision,
  matrices: readonly [AccessMatrix<L7Cell>, AccessMatrix<L7Cell>],
  config: Config,
): FindingsResult {
  const shared = new Map<string, unknown>();
  const baseCtx = revisionContext(base, matrices[0], config, shared);
  const headCtx = revisionContext(head, matrices[1], config, shared);
  const before = revisionFindings(baseCtx);
  const after = revisionFindings(headCtx);
  const out: { finding: Finding; subject: string }[] = [];
  const emit = (f: RawFinding, status: FindingStatus) => {
    const severity = severityOf(f.rule, config);
    if (severity === 'off') return;
    const reason =
      status === 'fixed' ? undefined : (f.acceptedReason ?? acceptanceReason(f, config.findings.accept));
    out.push({
      subject: f.subject,
      finding: {
        rule: f.rule,
        severity,
        status: reason !== undefined ? 'accepted' : status,
        // Flat: the report keeps every finding to the end, and a message a template literal
        // joined is a tree of its pieces (~9 MiB of 14 k messages at L, twice their text).
        title: flatCopy(`${RULES[f.rule].title}: ${f.about ?? f.subject}`),
        message: flatCopy(f.message),
        // A copy of its own size: built with spreads, a list keeps room to spare (~170 bytes for two).
        locations: f.locations.slice(),
        ...(f.source !== undefined ? { source: f.source } : {}),
        ...(f.destination !== undefined ? { destination: f.destination } : {}),
        ...(reason !== undefined ? { acceptedReason: reason } : {}),
      },
    });
  };
  for (const [key, f] of after) emit(f, before.has(key) ? 'existing' : 'new');
  for (const [key, f] of before) if (!after.has(key)) emit(f, 'fixed');
  out.sort(
    (a, b) =>
      STATUS_ORDER[a.finding.status] - STATUS_ORDER[b.finding.status] ||
      SEVERITY_ORDER[a.finding.severity] - SEVERITY_ORDER[b.finding.severity] ||
      cmp(a.finding.rule, b.finding.rule) ||
      cmp(a.subject, b.subject),
  );
  return {
    findings: out.map((o) => o.finding),
    diagnostics: [...baseCtx.diagnostics, ...headCtx.diagnostics],
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
