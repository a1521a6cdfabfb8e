import { type AnalysedRevision, analyseRevision } from './analysis/analyze-revision.js';
import { diffRevisions } from './analysis/diff-revisions.js';
import { loadConfig } from './config/load.js';
import type { Config, InjectionAssumption } from './config/types.js';
import { inStageAsync, type StageObserver } from './core/stages.js';
import { RULE_IDS } from './findings/rules.js';
import { decodeText } from './git/decode-text.js';
import { invalidUtf8, textRefused } from './git/read-diagnostics.js';
import { type BlobReads, readRevision, resolveRevisionInput } from './git/read-revision.js';
import type { RevisionFiles } from './git/types.js';
import { renderRevision, withRendered } from './gitops/render-revision.js';
import { splitTargets } from './gitops/targets.js';
import { ParseCache } from './manifests/parse-cache.js';
import { type ParallelParse, warmParseWorkers } from './manifests/parse-pool.js';
import type { Layer, Report } from './report/types.js';
import { checkIncludeMatches, checkRevisionsHaveObjects } from './run-checks.js';
import { diffTargets, type TargetedFiles } from './run-targets.js';

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
  /** The bytes of the side named `-` (STDIN_SIDE): the CLI reads them from stdin. */
  readonly stdin?: Uint8Array;
  /** Only these targets (names from the config or discovered); all when absent or empty. */
  readonly targets?: readonly string[];
  /** URLs this repository is known by, added to the config's render.repoURLs (Application sources). */
  readonly repoURLs?: readonly string[];
}

/**
 * The side name for a rendered YAML stream (`kustomize build overlays/prod | policy-diff matrix -`):
 * analysed as written, one file named `stdin`, without include globs or render roots.
 */
export const STDIN_SIDE = '-';

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
 * The pipeline: reads both sides, analyses them and diffs them, stage by stage (src/core/stages.ts);
 * the CLI, the Action and the benchmark all run it, the benchmark with an observer that times the
 * stages. Throws ConfigurationError for user mistakes (unknown revision, invalid config, an
 * include glob that matches nothing, a revision without Kubernetes objects: run-checks.ts);
 * everything found in the input is in report.diagnostics.
 */
export async function runDiff(options: DiffRunOptions, observer?: StageObserver): Promise<DiffRun> {
  const layer = options.layer ?? 'effective';
  const read = await readAndAnalyse(options, layer, observer);
  if ('report' in read) return read;
  const { config, base, head } = read;
  checkRevisionsHaveObjects(config, [base, head]);
  return { report: diffRevisions(base, head, { layer, config }, observer), config };
}

/**
 * The read, parse, model and compile stages, in a frame of their own: the files read (their texts,
 * 12 MiB at L) stayed reachable from runDiff's locals through the diff and findings, though
 * nothing after the analysis reads them. Several targets are diffed here (they need the files).
 */
async function readAndAnalyse(
  options: DiffRunOptions,
  layer: Layer,
  observer?: StageObserver,
): Promise<DiffRun | { config: Config; base: AnalysedRevision; head: AnalysedRevision }> {
  const { config, sides } = await readInputs(options, [options.base, options.head], observer);
  if (sides.some((s) => s.severalTargets)) {
    const parsed = await prefill(sides, options.parallel, observer);
    const report = diffTargets(
      sides,
      { config, layer, parseCache: parsed, names: options.targets },
      observer,
    );
    return { report, config };
  }
  const [base, head] = await analyseSides(sides, config, options.parallel, observer);
  return { config, base: base!, head: head! };
}

export async function runAnalysis(
  side: string,
  options: InputOptions,
): Promise<{ revision: AnalysedRevision; config: Config }> {
  const { config, sides } = await readInputs(options, [side]);
  const [revision] = await analyseSides(sides, config, options.parallel);
  checkRevisionsHaveObjects(config, [revision!]);
  return { revision: revision!, config };
}

/**
 * The read stage: the effective config and the files of each side (a git revision or a directory).
 * A blob that several sides list is read from git once.
 */
export async function readInputs(
  options: InputOptions,
  revisions: readonly string[],
  observer?: StageObserver,
): Promise<{ config: Config; sides: TargetedFiles[] }> {
  return inStageAsync(observer, 'read', async () => {
    const config = await effectiveConfig(options);
    const blobs: BlobReads = new Map();
    const roles = revisions.length === 2 ? ['base', 'head'] : ['revision'];
    const sides = await Promise.all(
      revisions.map((rev, i) =>
        rev === STDIN_SIDE && options.stdin !== undefined
          ? { ...stdinSide(options.stdin), targets: [], severalTargets: false }
          : readSide(rev, roles[i] ?? 'revision', options.repo, config, blobs, options.parallel),
      ),
    );
    checkIncludeMatches(config, sides);
    return { config, sides };
  });
}

/**
 * The parse, model and compile stages of every side, with one parse cache: head is mostly base's
 * files again, so only what the pull request changed is parsed twice.
 */
async function analyseSides(
  sides: readonly RevisionFiles[],
  config: Config,
  parallel: ParallelParse | undefined,
  observer?: StageObserver,
): Promise<AnalysedRevision[]> {
  const parseCache = await prefill(sides, parallel, observer);
  return sides.map((side) => analyseRevision({ ...side, parseCache }, config, observer));
}

async function prefill(
  sides: readonly RevisionFiles[],
  parallel: ParallelParse | undefined,
  observer?: StageObserver,
): Promise<ParseCache> {
  const parseCache = new ParseCache();
  await inStageAsync(observer, 'parse', async () => {
    for (const side of sides) await parseCache.prefill(side.files, side.label, parallel);
  });
  return parseCache;
}

export async function effectiveConfig(options: InputOptions): Promise<Config> {
  const loaded = await loadConfig(
    { repo: options.repo, ...(options.configPath ? { configPath: options.configPath } : {}) },
    { ruleIds: RULE_IDS },
  );
  return {
    ...loaded,
    ...(options.include?.length ? { include: options.include } : {}),
    mesh: { ...loaded.mesh, ...(options.injection ? { injection: options.injection } : {}) },
    ...(options.repoURLs?.length
      ? { render: { ...loaded.render, repoURLs: [...loaded.render.repoURLs, ...options.repoURLs] } }
      : {}),
    sidecar: {
      ...loaded.sidecar,
      ...(options.minCpuRequest ? { minCpuRequest: options.minCpuRequest } : {}),
      ...(options.minMemoryRequest ? { minMemoryRequest: options.minMemoryRequest } : {}),
    },
  };
}

/** Decoded as a file on disk is (as kubectl reads it), with the same diagnostics. */
function stdinSide(bytes: Uint8Array): RevisionFiles {
  const [label, path] = [STDIN_SIDE, 'stdin'];
  const decoded = decodeText(bytes);
  if (decoded.kind === 'refused')
    return { label, files: [], diagnostics: [textRefused(label, path, decoded)] };
  const diagnostics = decoded.replacedAtLine ? [invalidUtf8(label, path, decoded.replacedAtLine)] : [];
  return { label, files: [{ path, text: decoded.text }], diagnostics };
}

/**
 * One side's files, as analysed: Kustomize / Helm roots rendered, their input files not read as
 * manifests; and the same files by target when the repository holds several (gitops/targets.ts).
 */
async function readSide(
  arg: string,
  role: string,
  repo: string,
  config: Config,
  blobs?: BlobReads,
  parallel?: ParallelParse,
): Promise<TargetedFiles> {
  const input = await resolveRevisionInput(arg, repo, role);
  const files = await readRevision(input, {
    include: config.include,
    exclude: config.exclude,
    ...(blobs ? { blobs } : {}),
    // The YAML workers start while the contents are read (their start-up is the parse's wait).
    ...(parallel ? { planned: (bytes: number, n: number) => warmParseWorkers(parallel, bytes, n, arg) } : {}),
  });
  const gitops = await renderRevision(input, files, config);
  const { targets, several } = splitTargets(files, gitops, config.targets);
  return { ...withRendered(files, gitops), targets, severalTargets: several };
}
