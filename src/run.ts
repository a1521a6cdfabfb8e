import { type AnalysedRevision, analyseRevision } from './analysis/analyze-revision.js';
import { diffRevisions } from './analysis/diff-revisions.js';
import { loadConfig } from './config/load.js';
import type { Config, InjectionAssumption } from './config/types.js';
import { type BlobReads, readRevision, resolveRevisionInput } from './git/read-revision.js';
import type { RevisionFiles } from './git/types.js';
import { renderRevision, withRendered } from './gitops/render-revision.js';
import { ParseCache } from './manifests/parse-cache.js';
import type { ParallelParse } from './manifests/parse-pool.js';
import type { Layer, Report } from './report/types.js';

/** What the CLI and the Action share to read the inputs. */
export interface InputOptions {
  /** Repository directory: where git revisions are read and `.policy-diff.yaml` is looked up. */
  readonly repo: string;
  /** Path of the config file; default `<repo>/.policy-diff.yaml` when it exists. */
  readonly configPath?: string;
  /** Overrides the config's include globs. */
  readonly include?: readonly string[];
  readonly injection?: InjectionAssumption;
  readonly minCpuRequest?: string;
  readonly minMemoryRequest?: string;
  /** Parse YAML on several threads (the bundles pass themselves as the worker entry). */
  readonly parallel?: ParallelParse;
}

/** Everything the CLI's `diff` and the Action need to produce a report. */
export interface DiffRunOptions extends InputOptions {
  /** A git revision of `repo`, or a directory on disk. */
  readonly base: string;
  readonly head: string;
  readonly layer?: Layer;
}

export interface DiffRun {
  readonly report: Report;
  readonly config: Config;
}

/**
 * Reads both sides, analyses them and diffs them. Throws ConfigurationError for user mistakes
 * (unknown revision, invalid config); everything found in the input is in report.diagnostics.
 */
export async function runDiff(options: DiffRunOptions): Promise<DiffRun> {
  const config = await effectiveConfig(options);
  const parseCache = new ParseCache();
  const blobs: BlobReads = new Map();
  const [base, head] = await Promise.all([
    readSide(options.base, 'base', options.repo, config, blobs),
    readSide(options.head, 'head', options.repo, config, blobs),
  ]);
  // Head is mostly base's files again: only what the pull request changed is parsed twice.
  await parseCache.prefill(base.files, base.label, options.parallel);
  await parseCache.prefill(head.files, head.label, options.parallel);
  return {
    report: diffRevisions(
      analyseRevision({ ...base, parseCache }, config),
      analyseRevision({ ...head, parseCache }, config),
      {
        layer: options.layer ?? 'effective',
        config,
      },
    ),
    config,
  };
}

export async function runAnalysis(
  side: string,
  options: InputOptions,
): Promise<{ revision: AnalysedRevision; config: Config }> {
  const config = await effectiveConfig(options);
  const files = await readSide(side, 'revision', options.repo, config);
  const parseCache = new ParseCache();
  await parseCache.prefill(files.files, files.label, options.parallel);
  return { revision: analyseRevision({ ...files, parseCache }, config), config };
}

export async function effectiveConfig(options: InputOptions): Promise<Config> {
  const loaded = await loadConfig({
    repo: options.repo,
    ...(options.configPath ? { configPath: options.configPath } : {}),
  });
  return {
    ...loaded,
    ...(options.include?.length ? { include: options.include } : {}),
    mesh: { ...loaded.mesh, ...(options.injection ? { injection: options.injection } : {}) },
    sidecar: {
      ...loaded.sidecar,
      ...(options.minCpuRequest ? { minCpuRequest: options.minCpuRequest } : {}),
      ...(options.minMemoryRequest ? { minMemoryRequest: options.minMemoryRequest } : {}),
    },
  };
}

/** One side's files, as analysed: Kustomize / Helm roots rendered, their input files not read as manifests. */
async function readSide(
  arg: string,
  role: string,
  repo: string,
  config: Config,
  blobs?: BlobReads,
): Promise<RevisionFiles> {
  const input = await resolveRevisionInput(arg, repo, role);
  const files = await readRevision(input, {
    include: config.include,
    exclude: config.exclude,
    ...(blobs ? { blobs } : {}),
  });
  return withRendered(files, await renderRevision(input, files, config));
}
