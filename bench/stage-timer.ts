import { writeHeapSnapshot } from 'node:v8';
import type { StageFacts, StageName, StageObserver } from '../src/core/stages.js';

/** One stage's time, added up over its runs (parse, model and compile run once per revision). */
export interface Stage {
  readonly name: string;
  readonly ms: number;
  /** Peak RSS of the process so far (process.resourceUsage().maxRSS), at the stage's last end. */
  readonly maxRssMiB: number;
  /** Matrix cells computed so far (both revisions), after diff and after findings. */
  readonly cells?: number;
  /**
   * Heap still reachable after a full GC at the stage's last end (only with `--expose-gc` and
   * BENCH_RETAINED=1: a forced GC per stage skews times, so it is off in the benchmark's table).
   */
  readonly retainedMiB?: number;
}

/** `global.gc` when the process runs with --expose-gc and BENCH_RETAINED asks for it. */
const forceGc = process.env.BENCH_RETAINED ? (globalThis as { gc?: () => void }).gc : undefined;

/**
 * Observes the pipeline's stages (runDiff's observer) and adds up their times, in the order the
 * stages first start; `measure` times a step of the benchmark's own after the pipeline (render).
 */
export class StageTimer implements StageObserver {
  private readonly totals = new Map<
    string,
    { ms: number; maxRssMiB: number; cells?: number; retainedMiB?: number }
  >();
  private readonly started = new Map<string, number>();
  private first: number | undefined;
  private last: number | undefined;
  /** Workload classes of the base and head matrices, once the matrix stage has run. */
  classes: readonly number[] = [];

  constructor(
    private readonly rssMiB: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  onStage(name: StageName, phase: 'start' | 'end', facts?: StageFacts): void {
    this.mark(name, phase, facts);
  }

  measure<T>(name: string, work: () => T): T {
    this.mark(name, 'start');
    const result = work();
    this.mark(name, 'end');
    return result;
  }

  get stages(): Stage[] {
    return [...this.totals].map(([name, t]) => ({
      name,
      ms: t.ms,
      maxRssMiB: t.maxRssMiB,
      ...(t.cells === undefined ? {} : { cells: t.cells }),
      ...(t.retainedMiB === undefined ? {} : { retainedMiB: t.retainedMiB }),
    }));
  }

  /** Wall time from the first stage's start to the last stage's end. */
  get totalMs(): number {
    return this.first === undefined || this.last === undefined ? 0 : this.last - this.first;
  }

  private mark(name: string, phase: 'start' | 'end', facts?: StageFacts): void {
    const now = this.now();
    if (phase === 'start') {
      this.first ??= now;
      this.started.set(name, now);
      if (!this.totals.has(name)) this.totals.set(name, { ms: 0, maxRssMiB: 0 });
      return;
    }
    const total = this.totals.get(name)!;
    total.ms += now - (this.started.get(name) ?? now);
    total.maxRssMiB = this.rssMiB();
    if (facts?.cells !== undefined) total.cells = facts.cells;
    if (facts?.classes) this.classes = facts.classes;
    this.last = now;
    if (forceGc) {
      forceGc();
      total.retainedMiB = process.memoryUsage().heapUsed / 2 ** 20;
    }
    // BENCH_PROGRESS=1: each stage's end on stderr as it happens (a run that dies says how far it got).
    if (process.env.BENCH_PROGRESS)
      console.error(
        `${name} ended: ${total.ms.toFixed(0)} ms, peak RSS ${total.maxRssMiB.toFixed(0)} MiB${total.retainedMiB === undefined ? '' : `, ${total.retainedMiB.toFixed(0)} MiB reachable`}${total.cells === undefined ? '' : `, ${total.cells} cells`}`,
      );
    // BENCH_SNAPSHOT=findings: what is alive when that stage ends, for Chrome DevTools' Memory tab.
    if (process.env.BENCH_SNAPSHOT === name) console.error(`heap snapshot: ${writeHeapSnapshot()}`);
  }
}
