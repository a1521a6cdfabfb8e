import { type Diagnostic, type DiagnosticReach, REACH_ALL } from '../core/diagnostics.js';
import type { ParsedFile } from './parse.js';
import type { K8sObject } from './types.js';

/**
 * Values one run may take from alias and merge expansion, over all its files. go-yaml's own budget
 * (yaml-json.ts) is per document and lets one big document expand to about four million values;
 * aliased values are shared while parsing, but every later stage walks each copy, so a handful of
 * such files would exhaust a runner. Real manifests use a few anchors: this is far beyond them.
 */
export const RUN_ALIAS_BUDGET = 2_000_000;

/** API groups whose objects act only inside their own namespace (Istio's can act mesh-wide). */
const NAMESPACE_LOCAL_GROUPS = new Set(['v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1']);

/** The pairs the dropped objects could touch: their namespaces when that is provable, else all. */
function reachOfDropped(objects: readonly K8sObject[]): DiagnosticReach {
  const local = objects.every((o) => o.namespace !== '' && NAMESPACE_LOCAL_GROUPS.has(o.apiVersion));
  if (!local) return REACH_ALL;
  return { kind: 'namespaces', namespaces: [...new Set(objects.map((o) => o.namespace))].sort() };
}

/**
 * Charges files to the run's budget in the order they are stored (file order, base revision first:
 * the same whichever thread parsed them). A file beyond the budget keeps its diagnostics and loses
 * its objects, with an error saying so; files within it, before or after, lose nothing.
 */
export class AliasBudget {
  private spent = 0;

  constructor(private readonly limit = RUN_ALIAS_BUDGET) {}

  /** Takes `aliased` values from the budget; `false` (and nothing taken) when too few are left. */
  spend(aliased: number): boolean {
    if (this.spent + aliased > this.limit) return false;
    this.spent += aliased;
    return true;
  }

  charge(path: string, revision: string, parsed: ParsedFile): ParsedFile {
    const aliased = parsed.aliased ?? 0;
    if (aliased === 0 || parsed.objects.length === 0) return parsed;
    if (this.spend(aliased)) return parsed;
    const first = parsed.objects[0]!.location;
    const error: Diagnostic = {
      severity: 'error',
      code: 'yaml-alias-budget',
      message: `aliases and merge keys expand to ${aliased} values, beyond what is left of the run's budget of ${this.limit} (${this.limit - this.spent}); the file's ${parsed.objects.length} objects are not analysed`,
      location: { ...first, revision, file: path },
      dropped: path,
      reach: reachOfDropped(parsed.objects),
    };
    return { objects: [], diagnostics: [...parsed.diagnostics, error] };
  }
}
