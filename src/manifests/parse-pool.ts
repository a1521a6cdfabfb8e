import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { LineCounter } from 'yaml';
import type { Diagnostic } from '../core/diagnostics.js';
import { dataOf, type LocatorData, locatorFrom } from './locate.js';
import { type ParsedFile, parseSourceFile } from './parse.js';
import type { K8sObject, SourceFile } from './types.js';

/**
 * YAML parsing is the one stage whose cost is proportional to the bytes of the repository, and the
 * `yaml` library parses about 3 MB/s: on a big repository it is half the run. Files are independent,
 * so they are parsed on every core. Workers are started from the running bundle (its entry calls
 * `serveParseWorker` when `isParseWorker`); the results are identical to parsing in the main thread
 * (tested), and a worker that fails costs time, never files: its share is parsed again here.
 */
export interface ParallelParse {
  /** The bundle to start workers from (`import.meta.url` of a built entry point). */
  readonly entry: URL;
  /**
   * Threads in all, this one included. Default: the machine's parallelism, at most 4, and no more
   * than one per megabyte of YAML.
   */
  readonly threads?: number;
}

/** Below this many bytes a worker's start-up (loading the bundle) costs more than it saves. */
const MIN_BYTES_PER_WORKER = 1_000_000;
const MAX_THREADS = 4;
const WORKER_FLAG = 'policy-diff.parse-worker';

interface Job {
  readonly [WORKER_FLAG]: true;
  readonly revision: string;
  readonly files: readonly SourceFile[];
}

/** A K8sObject as plain data: `locate` is rebuilt from its positions on the other side. */
type PortableObject = Omit<K8sObject, 'locate'> & { readonly locator: LocatorData };

interface PortableParsed {
  readonly objects: readonly PortableObject[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The entry point's choice: parallel from `entry`, with `POLICY_DIFF_THREADS` threads when set (`1`
 * parses in the main thread only).
 */
export function parallelFromEnv(entryUrl: string, env: NodeJS.ProcessEnv): ParallelParse {
  const entry = new URL(entryUrl);
  const threads = Number.parseInt(env.POLICY_DIFF_THREADS ?? '', 10);
  return Number.isInteger(threads) && threads > 0 ? { entry, threads } : { entry };
}

/** Whether this thread was started to parse (then the entry point must call `serveParseWorker`). */
export function isParseWorker(): boolean {
  return !isMainThread && (workerData as Job | undefined)?.[WORKER_FLAG] === true;
}

/** The worker side: parses its files and posts them back as plain data. */
export function serveParseWorker(): void {
  const job = workerData as Job;
  const out = job.files.map((f) => portable(parseSourceFile(f, job.revision)));
  parentPort?.postMessage(out);
  // Stay until the parent has read the answer and terminates us: exiting now could let it see the
  // exit before the message when its thread is busy parsing its own share.
  parentPort?.once('message', () => undefined);
}

/** Parses the files of one revision, in parallel when `parallel` is given and the input is big enough. */
export async function parseFiles(
  files: readonly SourceFile[],
  revision: string,
  parallel?: ParallelParse,
): Promise<ParsedFile[]> {
  const bytes = files.reduce((n, f) => n + f.text.length, 0);
  // Threads asked for are taken as asked (at most one per file); else as many as the bytes pay for.
  const threads = Math.min(
    parallel?.threads ??
      Math.min(availableParallelism(), MAX_THREADS, Math.floor(bytes / MIN_BYTES_PER_WORKER) + 1),
    files.length,
  );
  if (!parallel || threads <= 1) return files.map((f) => parseSourceFile(f, revision));
  const shares = split(files, threads);
  const workers = shares.slice(1).map((share) => inWorker(parallel.entry, share, revision));
  const mine = shares[0]!.map((f) => parseSourceFile(f, revision));
  const theirs = await Promise.all(
    workers.map(async (pending, i) => {
      const done = await pending;
      return 'failed' in done ? parsedHere(shares[i + 1]!, revision, done.failed) : done.parsed;
    }),
  );
  return [mine, ...theirs].flat();
}

/** A failed worker's share, parsed in this thread; a note says so (never a silent slowdown). */
function parsedHere(files: readonly SourceFile[], revision: string, why: string): ParsedFile[] {
  const parsed = files.map((f) => parseSourceFile(f, revision));
  parsed[0]?.diagnostics.push({
    severity: 'note',
    code: 'parse-worker-failed',
    message: `a YAML parsing thread failed (${why}); its ${files.length} files were parsed in the main thread`,
    location: { revision, file: files[0]!.path, line: 1, column: 1 },
  });
  return parsed;
}

/** Consecutive shares of about equal bytes, in file order. */
function split(files: readonly SourceFile[], parts: number): SourceFile[][] {
  const total = files.reduce((n, f) => n + f.text.length, 0);
  const shares: SourceFile[][] = [[]];
  let filled = 0;
  for (const f of files) {
    if (filled >= (total / parts) * shares.length && shares.length < parts) shares.push([]);
    shares[shares.length - 1]!.push(f);
    filled += f.text.length;
  }
  return shares;
}

type WorkerResult = { readonly parsed: ParsedFile[] } | { readonly failed: string };

/** The parsed files, or why the worker could not parse them (the caller then does). */
function inWorker(entry: URL, files: readonly SourceFile[], revision: string): Promise<WorkerResult> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      const job: Job = { [WORKER_FLAG]: true, revision, files };
      worker = new Worker(entry, { workerData: job });
    } catch (e) {
      resolve({ failed: (e as Error).message });
      return;
    }
    let done = false;
    const finish = (result: WorkerResult) => {
      if (done) return;
      done = true;
      resolve(result);
      void worker.terminate();
    };
    worker.once('message', (out: (PortableParsed | undefined)[]) => {
      const counters = new WeakMap<object, LineCounter>();
      finish({
        parsed: out.map((p, i) => (p ? restore(p, counters) : parseSourceFile(files[i]!, revision))),
      });
    });
    worker.once('error', (e) => finish({ failed: e.message }));
    worker.once('exit', (code) => finish({ failed: `exited with code ${code}` }));
  });
}

/** `undefined` when an object's locate is not one the other side can rebuild (then it is parsed there). */
function portable(parsed: ParsedFile): PortableParsed | undefined {
  const objects: PortableObject[] = [];
  for (const { locate, ...rest } of parsed.objects) {
    const locator = dataOf(locate);
    if (!locator) return undefined;
    objects.push({ ...rest, locator });
  }
  return { objects, diagnostics: parsed.diagnostics };
}

function restore(p: PortableParsed, counters: WeakMap<object, LineCounter>): ParsedFile {
  return {
    objects: p.objects.map(({ locator, ...rest }) => ({ ...rest, locate: locatorFrom(locator, counters) })),
    diagnostics: [...p.diagnostics],
  };
}
