import { compilePolicies } from '../compile/compile-policies.js';
import type { Config } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { compileNetworkPolicies } from '../l4/engine.js';
import { compileIstio } from '../l7/engine.js';
import { parseSourceFile } from '../manifests/parse.js';
import type { ParseCache } from '../manifests/parse-cache.js';
import type { SourceFile } from '../manifests/types.js';
import { buildModel } from '../model/build.js';
import type { AnalysedRevision } from '../revision/analysed-revision.js';

// Its own folder, so findings read it without importing the analysis that runs them.
export type { AnalysedRevision } from '../revision/analysed-revision.js';

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
