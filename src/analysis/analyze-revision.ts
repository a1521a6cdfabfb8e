import { type CompiledPolicies, compilePolicies } from '../compile/compile-policies.js';
import type { Config } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { compileNetworkPolicies } from '../l4/engine.js';
import type { L4Engine } from '../l4/engine-api.js';
import { compileIstio, type L7Engine } from '../l7/engine.js';
import { parseSourceFile } from '../manifests/parse.js';
import type { ParseCache } from '../manifests/parse-cache.js';
import type { SourceFile } from '../manifests/types.js';
import { buildModel } from '../model/build.js';
import type { ClusterModel } from '../model/types.js';

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

export interface RevisionFilesInput {
  readonly label: string;
  readonly commit?: string;
  readonly files: readonly SourceFile[];
  readonly diagnostics: readonly Diagnostic[];
  /** Shared by the revisions of one run, so files they have in common are parsed once. */
  readonly parseCache?: ParseCache;
}

/** Pure: files in, compiled revision out. Every problem becomes a diagnostic; nothing throws on bad input. */
export function analyseRevision(input: RevisionFilesInput, config: Config): AnalysedRevision {
  const diagnostics: Diagnostic[] = [...input.diagnostics];
  const objects = input.files.flatMap((file) => {
    const parsed = input.parseCache
      ? input.parseCache.parse(file, input.label)
      : parseSourceFile(file, input.label);
    diagnostics.push(...parsed.diagnostics);
    return parsed.objects;
  });
  const built = buildModel(objects, config, input.label);
  diagnostics.push(...built.diagnostics);
  const policies = compilePolicies(built.model, config);
  diagnostics.push(...policies.diagnostics);
  const l4 = compileNetworkPolicies(built.model, config.cni, policies.networkPolicies);
  const l7 = compileIstio(built.model, config, policies.istio);
  return {
    label: input.label,
    ...(input.commit ? { commit: input.commit } : {}),
    model: built.model,
    policies,
    l4,
    l7,
    diagnostics,
  };
}
