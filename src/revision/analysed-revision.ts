import type { CompiledPolicies } from '../compile/compile-policies.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { L4Engine } from '../l4/engine-api.js';
import type { L7Engine } from '../l7/engine.js';
import type { ClusterModel } from '../model/types.js';

// The analysed revision is what the analysis produces and what the findings, the matrices and the
// diff read. It sits in its own folder, above the engines and below everything that reads it, so
// neither its producer nor its readers import each other for it.

/** One revision, parsed, modelled and compiled: everything before the matrix. */
export interface AnalysedRevision {
  readonly label: string;
  readonly commit?: string;
  readonly model: ClusterModel;
  /** Every policy of the revision, decoded and compiled once; the engines evaluate it. */
  readonly policies: CompiledPolicies;
  readonly l4: L4Engine;
  readonly l7: L7Engine;
  readonly diagnostics: readonly Diagnostic[];
}
