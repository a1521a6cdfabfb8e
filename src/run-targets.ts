import { type AnalysedRevision, analyseRevision } from './analysis/analyze-revision.js';
import { diffRevisions } from './analysis/diff-revisions.js';
import type { Config } from './config/types.js';
import { ConfigurationError } from './core/errors.js';
import type { StageObserver } from './core/stages.js';
import type { RevisionFiles } from './git/types.js';
import type { TargetFiles } from './gitops/targets.js';
import type { ParseCache } from './manifests/parse-cache.js';
import { mergeTargetReports } from './report/targets.js';
import type { Layer, Report } from './report/types.js';
import { checkRevisionsHaveObjects } from './run-checks.js';

/** A side's files, and the same files by target when the repository holds several clusters. */
export interface TargetedFiles extends RevisionFiles {
  /** Empty for a side that is not split (a YAML stream on stdin): then the whole side is one target. */
  targets: TargetFiles[];
  /** The config lists targets, or the side has several render roots: analysed target by target. */
  severalTargets: boolean;
}

export interface TargetRunSettings {
  readonly config: Config;
  readonly layer: Layer;
  readonly parseCache: ParseCache;
  /** Only these targets; all when absent or empty. */
  readonly names?: readonly string[] | undefined;
}

/**
 * Each target of base and head analysed and diffed on its own (its own matrix, findings and
 * duplicate checks), the reports merged into one (report/targets.ts). A target one side lacks is
 * empty there: all of it opened or closed.
 */
export function diffTargets(
  sides: readonly TargetedFiles[],
  settings: TargetRunSettings,
  observer?: StageObserver,
): Report {
  const [base, head] = sides as [TargetedFiles, TargetedFiles];
  const names = selectedNames([...targetsOf(base), ...targetsOf(head)], settings.names);
  const analyse = (side: TargetedFiles, name: string): AnalysedRevision => {
    const t = targetsOf(side).find((x) => x.name === name);
    const input = { label: side.label, ...(side.commit ? { commit: side.commit } : {}) };
    return analyseRevision(
      { ...input, files: t?.files ?? [], diagnostics: t?.diagnostics ?? [], parseCache: settings.parseCache },
      settings.config,
      observer,
    );
  };
  const analysed = names.map((name) => ({ name, base: analyse(base, name), head: analyse(head, name) }));
  // The whole side must hold objects, not each target: a target may be new in head.
  for (const pick of [(a: (typeof analysed)[number]) => a.base, (a: (typeof analysed)[number]) => a.head]) {
    const revisions = analysed.map(pick);
    if (!revisions.some(hasContent) && revisions[0])
      checkRevisionsHaveObjects(settings.config, [revisions[0]]);
  }
  const reports = analysed.map(({ name, base, head }) => ({
    name,
    report: diffRevisions(base, head, { layer: settings.layer, config: settings.config }, observer),
  }));
  return mergeTargetReports(reports);
}

function targetsOf(side: TargetedFiles): TargetFiles[] {
  return side.targets.length > 0
    ? side.targets
    : [{ name: '.', files: side.files, diagnostics: side.diagnostics }];
}

function hasContent(r: AnalysedRevision): boolean {
  if (r.diagnostics.some((d) => d.severity === 'error')) return true;
  for (const list of r.model.objectsByKind.values()) if (list.length > 0) return true;
  return false;
}

function selectedNames(targets: readonly TargetFiles[], wanted: readonly string[] | undefined): string[] {
  const all = [...new Set(targets.map((t) => t.name))].sort();
  if (!wanted || wanted.length === 0) return all;
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `no target ${unknown.map((u) => `'${u}'`).join(', ')} in this repository; its targets: ${all.map((a) => `'${a}'`).join(', ')}`,
    );
  }
  return all.filter((n) => wanted.includes(n));
}
