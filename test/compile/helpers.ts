import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { type Config, DEFAULT_CONFIG } from '../../src/config/types.js';
import type { AnalysedRevision } from '../../src/revision/analysed-revision.js';

/** One revision from inline YAML, through the real pipeline (parse, model, compile, engines). */
export function revision(yaml: string, cfg: Config = DEFAULT_CONFIG): AnalysedRevision {
  return analyseRevision({ label: 'head', files: [{ path: 'all.yaml', text: yaml }], diagnostics: [] }, cfg);
}

export function codes(rev: AnalysedRevision): string[] {
  return rev.diagnostics.map((d) => d.code);
}
