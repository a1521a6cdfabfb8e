import { type Diagnostic, type DiagnosticReach, reachOf } from '../core/diagnostics.js';
import type { Peer } from '../model/peers.js';

/**
 * Reasons listed on one change at most: beyond it the reviewer reads the input problems list,
 * and a JSON report of 20,000 changes does not repeat 100 errors on each.
 */
export const MAX_UNCERTAIN_REASONS = 5;

/** Whether input not understood with this reach could change what `src` -> `dst` allows. */
export function reachesPair(reach: DiagnosticReach, src: Peer, dst: Peer): boolean {
  const ends = [src, dst];
  switch (reach.kind) {
    case 'all':
      return true;
    case 'namespaces':
      // An external peer is in no namespace: only the workload end can be reached.
      return ends.some((p) => p.kind === 'workload' && reach.namespaces.includes(p.workload.namespace));
    case 'workloads':
      return ends.some((p) => p.kind === 'workload' && reach.workloads.includes(p.id));
  }
}

/** How a change names the diagnostic behind its uncertainty: `main:policies/bad.yaml:3 yaml-syntax`. */
export function diagnosticRef(d: Diagnostic): string {
  const l = d.location;
  return l ? `${l.revision}:${l.file}:${l.line} ${d.code}` : d.code;
}

/**
 * The diagnostics that can make a pair's answer wrong, with their reach (core/diagnostics
 * `reachOf`: an error without one reaches every pair). Built once per report.
 */
export class InputUncertainty {
  private readonly reaching: readonly { readonly reach: DiagnosticReach; readonly ref: string }[];

  constructor(diagnostics: readonly Diagnostic[]) {
    const seen = new Set<string>();
    const reaching: { reach: DiagnosticReach; ref: string }[] = [];
    for (const d of diagnostics) {
      const reach = reachOf(d);
      const ref = diagnosticRef(d);
      if (!reach || seen.has(ref)) continue;
      seen.add(ref);
      reaching.push({ reach, ref });
    }
    this.reaching = reaching;
  }

  /** Why `src` -> `dst` may be wrong (at most MAX_UNCERTAIN_REASONS, then `and N more`); empty if it cannot. */
  reasons(src: Peer, dst: Peer): string[] {
    const refs = this.reaching.filter((r) => reachesPair(r.reach, src, dst)).map((r) => r.ref);
    if (refs.length <= MAX_UNCERTAIN_REASONS) return refs;
    const shown = refs.slice(0, MAX_UNCERTAIN_REASONS - 1);
    return [...shown, `and ${refs.length - shown.length} more`];
  }
}
