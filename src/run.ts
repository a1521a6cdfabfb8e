import type { InjectionAssumption } from './config/types.js';
import type { Layer, Report } from './report/types.js';

/** Everything the CLI's `diff` and the Action need to produce a report. */
export interface DiffRunOptions {
  /** Repository directory: where git revisions are read and `.policy-diff.yaml` is looked up. */
  readonly repo: string;
  /** A git revision of `repo`, or a directory on disk. */
  readonly base: string;
  readonly head: string;
  /** Path of the config file; default `<repo>/.policy-diff.yaml` when it exists. */
  readonly configPath?: string;
  /** Overrides the config's include globs. */
  readonly include?: readonly string[];
  readonly layer?: Layer;
  readonly injection?: InjectionAssumption;
  readonly minCpuRequest?: string;
  readonly minMemoryRequest?: string;
}

export interface DiffRun {
  readonly report: Report;
}

/**
 * Reads both sides, analyses them and diffs them. Throws ConfigurationError for user mistakes
 * (unknown revision, invalid config); everything else found in the input is in report.diagnostics.
 */
export async function runDiff(_options: DiffRunOptions): Promise<DiffRun> {
  throw new Error('not implemented yet');
}
