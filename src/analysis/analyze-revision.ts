import { compilePolicies } from '../compile/compile-policies.js';
import type { Config } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { inStage, type StageObserver } from '../core/stages.js';
import { compileNetworkPolicies } from '../l4/engine.js';
import { compileIstio } from '../l7/engine.js';
import { landObjects } from '../manifests/namespace.js';
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

/**
 * Pure: files in, compiled revision out. Every problem becomes a diagnostic; nothing throws on bad
 * input. The parse, model and compile stages of the pipeline; `observer` sees each (the benchmark).
 */
export function analyseRevision(
  input: RevisionFilesInput,
  config: Config,
  observer?: StageObserver,
): AnalysedRevision {
  const diagnostics: Diagnostic[] = [...input.diagnostics];
  const objects = inStage(observer, 'parse', () =>
    input.files.flatMap((file) => {
      const parsed = input.parseCache
        ? input.parseCache.parse(file, input.label)
        : parseSourceFile(file, input.label);
      diagnostics.push(...parsed.diagnostics);
      // After the (cached) parse: the same file can land in other namespaces per Application.
      return landObjects(parsed.objects, file.landing);
    }),
  );
  const built = inStage(observer, 'model', () => buildModel(objects, config, input.label));
  diagnostics.push(...built.diagnostics);
  const { policies, l4, l7 } = inStage(observer, 'compile', () => {
    const policies = compilePolicies(built.model, config);
    const l4 = compileNetworkPolicies(built.model, config.cni, policies.networkPolicies);
    const l7 = compileIstio(built.model, config, policies.istio);
    return { policies, l4, l7 };
  });
  diagnostics.push(...policies.diagnostics);
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
