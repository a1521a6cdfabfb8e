import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { diffRevisions } from '../../src/analysis/diff-revisions.js';
import { type Config, DEFAULT_CONFIG } from '../../src/config/types.js';
import type { Layer, Report } from '../../src/report/types.js';

/** `{path: yaml}` of one revision. */
export type Files = Readonly<Record<string, string>>;

/** The report of diffing two revisions given as inline YAML files, through the real pipeline. */
export function diffYaml(
  base: Files,
  head: Files,
  options: { readonly layer?: Layer; readonly config?: Config } = {},
): Report {
  const config = options.config ?? DEFAULT_CONFIG;
  const analyse = (label: string, files: Files) =>
    analyseRevision(
      {
        label,
        files: Object.entries(files).map(([path, text]) => ({ path, text })),
        diagnostics: [],
      },
      config,
    );
  return diffRevisions(analyse('base', base), analyse('head', head), {
    layer: options.layer ?? 'effective',
    config,
  });
}
