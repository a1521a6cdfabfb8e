/**
 * The stages of a diff run, in the order they run: read both revisions (git, Kustomize/Helm
 * rendering), parse YAML, build the cluster model, compile the policies and engines, build the
 * matrices, diff them, compute the findings, assemble the report. The pipeline (src/run.ts,
 * analyseRevision, diffRevisions) is the only place that runs them; this is only their names.
 */
export const STAGES = ['read', 'parse', 'model', 'compile', 'matrix', 'diff', 'findings', 'report'] as const;
export type StageName = (typeof STAGES)[number];

/** What the pipeline tells an observer when a stage ends, when it knows. */
export interface StageFacts {
  /** Matrix cells computed so far, both revisions (matrices are lazy: the diff computes cells). */
  readonly cells?: number;
  /** Workload classes of the base and head matrices. */
  readonly classes?: readonly number[];
}

/**
 * Hooks around every stage, for the benchmark: production passes none. Stages that run once per
 * revision (parse, model, compile) are reported once per run, so an observer adds them up.
 */
export interface StageObserver {
  onStage(name: StageName, phase: 'start' | 'end', facts?: StageFacts): void;
}

/** Runs `work` as stage `name`; `facts` is only computed when someone observes. */
export function inStage<T>(
  observer: StageObserver | undefined,
  name: StageName,
  work: () => T,
  facts?: (result: T) => StageFacts,
): T {
  if (!observer) return work();
  observer.onStage(name, 'start');
  const result = work();
  observer.onStage(name, 'end', facts?.(result));
  return result;
}

/** inStage for a stage that awaits (reading, parsing on worker threads). */
export async function inStageAsync<T>(
  observer: StageObserver | undefined,
  name: StageName,
  work: () => Promise<T>,
): Promise<T> {
  if (!observer) return work();
  observer.onStage(name, 'start');
  const result = await work();
  observer.onStage(name, 'end');
  return result;
}
