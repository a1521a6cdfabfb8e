import { fullLocation, type SourceLocation } from './location.js';

/**
 * - `error`: input that could not be understood; whatever it would have said is missing, so the
 *   analysis is incomplete and the check fails closed.
 * - `warning`: understood, but suspicious or ambiguous (still analysed).
 * - `note`: deliberately skipped input (a Helm template, a CI config), shown for transparency.
 */
export type DiagnosticSeverity = 'error' | 'warning' | 'note';

export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  /** Stable machine-readable code, e.g. `yaml-syntax`, `invalid-selector`, `symlink-skipped`. */
  readonly code: string;
  readonly message: string;
  readonly location?: SourceLocation;
  /** For errors: what was dropped from the analysis because of it (`NetworkPolicy prod/allow-web`). */
  readonly dropped?: string;
  /**
   * Which pairs the not-understood input could touch, so exactly those changes are marked uncertain.
   * An error without it counts as `{ kind: 'all' }` (fail closed); warnings and notes make nothing
   * uncertain unless they carry it explicitly. See `reachOf`.
   */
  readonly reach?: DiagnosticReach;
  /**
   * For input we read but do not analyse (a kind not modelled yet): a digest of that input, so the
   * diff can tell whether the pull request changed it (diff/unchanged-input.ts).
   */
  readonly inputDigest?: string;
}

/**
 * - `all`: nothing is known about what the input would have said: every change is uncertain.
 * - `namespaces`: pairs whose source or destination workload is in one of these namespaces
 *   (an external peer counts as outside every namespace).
 * - `workloads`: pairs with one of these workload ids at either end.
 * - `from-outside`: pairs whose source is outside the cluster (an address range, a gateway's
 *   ingress peer): what an object that only admits traffic from outside can change.
 */
export type DiagnosticReach =
  | { readonly kind: 'all' }
  | { readonly kind: 'namespaces'; readonly namespaces: readonly string[] }
  | { readonly kind: 'workloads'; readonly workloads: readonly string[] }
  | { readonly kind: 'from-outside' };

export const REACH_ALL: DiagnosticReach = { kind: 'all' };

/** The pairs a diagnostic makes uncertain: an error fails closed to `all`; others only if they say. */
export function reachOf(d: Diagnostic): DiagnosticReach | undefined {
  if (d.reach) return d.reach;
  return d.severity === 'error' ? REACH_ALL : undefined;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${fullLocation(d.location)}: ` : '';
  const dropped = d.dropped ? ` (dropped: ${d.dropped})` : '';
  return `${where}${d.severity}: ${d.message}${dropped} [${d.code}]`;
}

export function isIncomplete(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const la = a.location;
  const lb = b.location;
  const key = (d: Diagnostic, l?: SourceLocation) =>
    `${l?.revision ?? ''}\u0000${l?.file ?? ''}\u0000${String(l?.line ?? 0).padStart(9, '0')}\u0000${String(l?.column ?? 0).padStart(9, '0')}\u0000${d.code}\u0000${d.message}`;
  const ka = key(a, la);
  const kb = key(b, lb);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
