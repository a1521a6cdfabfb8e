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
    case 'from-outside':
      return src.kind !== 'workload';
  }
}

/** How a change names the diagnostic behind its uncertainty: `main:policies/bad.yaml:3 yaml-syntax`. */
export function diagnosticRef(d: Diagnostic): string {
  const l = d.location;
  return l ? `${l.revision}:${l.file}:${l.line} ${d.code}` : d.code;
}

/**
 * The diagnostics that can make a pair's answer wrong, with their reach (core/diagnostics
 * `reachOf`: an error without one reaches every pair). Built once per report and indexed by
 * namespace and workload: a big change asks for up to 20,000 pairs, a bad repository has
 * hundreds of errors.
 */
export class InputUncertainty {
  /** Refs in diagnostic order; the indexes below point into it. */
  private readonly refs: string[] = [];
  private readonly everywhere: number[] = [];
  private readonly fromOutside: number[] = [];
  private readonly byNamespace = new Map<string, number[]>();
  private readonly byWorkload = new Map<string, number[]>();

  constructor(diagnostics: readonly Diagnostic[]) {
    const seen = new Set<string>();
    for (const d of diagnostics) {
      const reach = reachOf(d);
      const ref = diagnosticRef(d);
      if (!reach || seen.has(ref)) continue;
      seen.add(ref);
      const i = this.refs.push(ref) - 1;
      if (reach.kind === 'all') this.everywhere.push(i);
      else if (reach.kind === 'from-outside') this.fromOutside.push(i);
      else if (reach.kind === 'namespaces') for (const ns of reach.namespaces) push(this.byNamespace, ns, i);
      else for (const w of reach.workloads) push(this.byWorkload, w, i);
    }
  }

  /** Why `src` -> `dst` may be wrong (at most MAX_UNCERTAIN_REASONS, then `and N more`); empty if it cannot. */
  reasons(src: Peer, dst: Peer): string[] {
    const hits = new Set(this.everywhere);
    if (src.kind !== 'workload') for (const i of this.fromOutside) hits.add(i);
    for (const p of [src, dst]) {
      // An external peer is in no namespace and is no workload: only the other end can be reached.
      if (p.kind !== 'workload') continue;
      for (const i of this.byNamespace.get(p.workload.namespace) ?? []) hits.add(i);
      for (const i of this.byWorkload.get(p.id) ?? []) hits.add(i);
    }
    const refs = [...hits].sort((a, b) => a - b).map((i) => this.refs[i]!);
    if (refs.length <= MAX_UNCERTAIN_REASONS) return refs;
    const shown = refs.slice(0, MAX_UNCERTAIN_REASONS - 1);
    return [...shown, `and ${refs.length - shown.length} more`];
  }
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
