import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Diagnostic } from '../core/diagnostics.js';
import { dataOf, type LinePositions, type LocatorData, locatorFrom } from './locate.js';
import { type ParsedFile, parseSourceFile } from './parse.js';
import type { K8sObject, SourceFile } from './types.js';

/**
 * YAML parsing is the one stage whose cost is proportional to the bytes of the repository (the
 * `yaml` library parses about 3 MB/s, the fast reader about 10): on a big repository it was half
 * the run. Files are independent, so they are parsed on every core. Workers are started from the running bundle (its entry calls
 * `serveParseWorker` when `isParseWorker`). Files go out in chunks, to whichever thread is free
 * (this one included), so a worker's start-up and its copying of results never leave a thread
 * idle. The results are identical to parsing in the main thread (tested), and a worker that fails
 * costs time, never files: its chunk is parsed here, with a note.
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

/**
 * Below this many bytes a worker costs more than it saves: its start-up (loading the bundle, 0.3-0.5 s
 * of CPU) and the copying of its objects back, against a reader that parses about 10 MiB/s per
 * thread (fast-yaml.ts). Measured on a 2-vCPU runner: 3.8 MB (SA) parsed in 0.39 s on one thread and
 * 0.56 s on two (warm worker included); 11.9 MB (L) 0.9-1.3 s on one, 1.1 s on two.
 */
const MIN_BYTES_PER_WORKER = 8_000_000;
const MAX_THREADS = 4;
/** Small enough to keep every thread busy to the end, big enough that messages cost little. */
const CHUNK_BYTES = 200_000;
const WORKER_FLAG = 'policy-diff.parse-worker';

interface WorkerSetup {
  readonly [WORKER_FLAG]: true;
  /** The revision a worker started for one parse labels locations with; a warm one gets it per chunk. */
  readonly revision?: string;
}

interface ChunkRequest {
  readonly chunk: number;
  readonly files: readonly SourceFile[];
  readonly revision: string;
}

interface ChunkAnswer {
  readonly chunk: number;
  /** `undefined` for a file whose objects cannot cross (the main thread parses it). */
  readonly parsed: readonly (PortableParsed | undefined)[];
}

/** A K8sObject as plain data: `locate` is rebuilt from its positions on the other side. */
type PortableObject = Omit<K8sObject, 'locate'> & { readonly locator: LocatorData };

interface PortableParsed {
  readonly objects: readonly PortableObject[];
  readonly diagnostics: readonly Diagnostic[];
  readonly aliased?: number;
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
  return !isMainThread && (workerData as WorkerSetup | undefined)?.[WORKER_FLAG] === true;
}

/** The worker side: parses each chunk it is sent and posts it back as plain data, until terminated. */
export function serveParseWorker(): void {
  const setup = workerData as WorkerSetup;
  parentPort?.on('message', ({ chunk, files, revision }: ChunkRequest) => {
    const label = revision ?? setup.revision ?? '';
    const answer: ChunkAnswer = { chunk, parsed: files.map((f) => portable(parseSourceFile(f, label))) };
    parentPort?.postMessage(answer);
  });
}

/** Threads asked for are taken as asked (at most one per file); else as many as the bytes pay for. */
function threadsFor(parallel: ParallelParse | undefined, bytes: number, files: number): number {
  return Math.min(
    parallel?.threads ??
      Math.min(availableParallelism(), MAX_THREADS, Math.floor(bytes / MIN_BYTES_PER_WORKER) + 1),
    files,
  );
}

/**
 * Workers started ahead (warmParseWorkers), idle, by bundle. Starting one loads the whole bundle:
 * about half a second on a busy 2-core runner, during which the parse waited with one thread
 * fewer; started while the read stage waits on git, they are ready when parsing begins.
 */
const warm = new Map<string, Worker[]>();

/**
 * Starts, ahead of the parse, the workers parseFiles will want for `bytes` of YAML in `files`
 * files (the read stage calls this once it knows what it reads). Idempotent: never more than that
 * many idle. Idle workers do not keep the process alive; one that fails is dropped (its chunks
 * then go to a fresh worker or this thread, as always).
 */
export function warmParseWorkers(
  parallel: ParallelParse,
  bytes: number,
  files: number,
  revision?: string,
): void {
  const wanted = threadsFor(parallel, bytes, files) - 1;
  const key = parallel.entry.href;
  const idle = warm.get(key) ?? [];
  warm.set(key, idle);
  while (idle.length < wanted) {
    let worker: Worker;
    try {
      // Each chunk names its revision; `revision` is for a worker bundle older than that.
      const setup: WorkerSetup =
        revision === undefined ? { [WORKER_FLAG]: true } : { [WORKER_FLAG]: true, revision };
      worker = new Worker(parallel.entry, { workerData: setup });
    } catch {
      return;
    }
    const drop = () => {
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
    };
    worker.once('error', drop);
    worker.once('exit', drop);
    worker.unref();
    idle.push(worker);
  }
}

/** Workers parseFiles had to start itself, none being warm (for tests). */
let startedLate = 0;

/** How many started-ahead workers of `entry` are idle, and how many parseFiles started itself (for tests). */
export function workerCounts(entry: URL): { idle: number; startedLate: number } {
  return { idle: warm.get(entry.href)?.length ?? 0, startedLate };
}

/** Up to `n` warm workers of `entry` (taken out of the idle list), the rest of it terminated. */
function takeWarm(entry: URL, n: number): Worker[] {
  const idle = warm.get(entry.href) ?? [];
  warm.delete(entry.href);
  const taken = idle.slice(0, n);
  for (const w of idle.slice(n)) void w.terminate();
  for (const w of taken) {
    w.removeAllListeners('error');
    w.removeAllListeners('exit');
    w.ref();
  }
  return taken;
}

/** Parses the files of one revision, in parallel when `parallel` is given and the input is big enough. */
export async function parseFiles(
  files: readonly SourceFile[],
  revision: string,
  parallel?: ParallelParse,
): Promise<ParsedFile[]> {
  const bytes = files.reduce((n, f) => n + f.text.length, 0);
  const threads = threadsFor(parallel, bytes, files.length);
  if (!parallel || threads <= 1) return files.map((f) => parseSourceFile(f, revision));
  const chunks = chunksOf(files, Math.min(CHUNK_BYTES, Math.ceil(bytes / threads)));
  const results: (ParsedFile[] | undefined)[] = chunks.map(() => undefined);
  let next = 0;
  const take = (): number | undefined => (next < chunks.length ? next++ : undefined);
  const ready = takeWarm(parallel.entry, threads - 1);
  const workers = Array.from({ length: threads - 1 }, (_, i) =>
    runWorker(
      parallel.entry,
      revision,
      chunks,
      take,
      (chunk, parsed) => {
        results[chunk] = parsed;
      },
      ready[i],
    ),
  );
  // This thread takes chunks too, yielding between them so the workers' answers are taken in.
  for (let chunk = take(); chunk !== undefined; chunk = take()) {
    results[chunk] = chunks[chunk]!.map((f) => parseSourceFile(f, revision));
    await new Promise((resolve) => setImmediate(resolve));
  }
  const failures = (await Promise.all(workers)).filter((f) => f !== undefined);
  return results.flatMap(
    (parsed, chunk) => parsed ?? parsedHere(chunks[chunk]!, revision, failures[0] ?? 'no answer'),
  );
}

/** Consecutive chunks of about `size` bytes, in file order. */
function chunksOf(files: readonly SourceFile[], size: number): SourceFile[][] {
  const chunks: SourceFile[][] = [];
  let current: SourceFile[] = [];
  let filled = 0;
  for (const f of files) {
    current.push(f);
    filled += f.text.length;
    if (filled >= size) {
      chunks.push(current);
      current = [];
      filled = 0;
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** A chunk no worker parsed, parsed in this thread; a note says so (never a silent slowdown). */
function parsedHere(files: readonly SourceFile[], revision: string, why: string): ParsedFile[] {
  const parsed = files.map((f) => parseSourceFile(f, revision));
  parsed[0]?.diagnostics.push({
    severity: 'note',
    code: 'parse-worker-failed',
    message: `a YAML parsing thread failed (${why}); these ${files.length} files were parsed in the main thread`,
    location: { revision, file: files[0]!.path, line: 1, column: 1 },
  });
  return parsed;
}

/**
 * One worker taking chunks until none is left. Resolves with `undefined` when it is done, or with
 * why it failed (its chunk in flight is then left for the main thread).
 */
function runWorker(
  entry: URL,
  revision: string,
  chunks: readonly (readonly SourceFile[])[],
  take: () => number | undefined,
  store: (chunk: number, parsed: ParsedFile[]) => void,
  /** A worker started ahead (warmParseWorkers), else one is started here. */
  started?: Worker,
): Promise<string | undefined> {
  // What the handlers reach of the parse (every chunk's files: their texts, most of 12 MiB at
  // L), dropped once no answer can come: the Worker object and its handlers stay reachable until
  // its exit event, which waits for the event loop, and the pipeline runs on synchronously through
  // diff and findings. Done, no answer is awaited; failed, one may still come until it exits.
  // Built here, not in the executor, so that no closure captures the parameters themselves.
  let job: { chunks: typeof chunks; take: typeof take; store: typeof store } | undefined = {
    chunks,
    take,
    store,
  };
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      const setup: WorkerSetup = { [WORKER_FLAG]: true, revision };
      if (!started) startedLate++;
      worker = started ?? new Worker(entry, { workerData: setup });
    } catch (e) {
      resolve((e as Error).message);
      return;
    }
    let done = false;
    const finish = (failure: string | undefined) => {
      if (done) return;
      done = true;
      if (failure === undefined) job = undefined;
      resolve(failure);
      void worker.terminate();
    };
    const send = () => {
      const chunk = job?.take();
      if (chunk === undefined) finish(undefined);
      else worker.postMessage({ chunk, files: job!.chunks[chunk]!, revision } satisfies ChunkRequest);
    };
    const counters = new WeakMap<object, LinePositions>();
    worker.on('message', ({ chunk, parsed }: ChunkAnswer) => {
      if (!job) return;
      const files = job.chunks[chunk]!;
      job.store(
        chunk,
        parsed.map((p, i) => (p ? restore(p, counters) : parseSourceFile(files[i]!, revision))),
      );
      send();
    });
    worker.once('error', (e) => finish(e.message));
    worker.once('exit', (code) => {
      finish(`exited with code ${code}`);
      job = undefined;
    });
    send();
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
  return parsed.aliased === undefined
    ? { objects, diagnostics: parsed.diagnostics }
    : { objects, diagnostics: parsed.diagnostics, aliased: parsed.aliased };
}

function restore(p: PortableParsed, counters: WeakMap<object, LinePositions>): ParsedFile {
  const parsed: ParsedFile = {
    objects: p.objects.map(({ locator, ...rest }) => ({ ...rest, locate: locatorFrom(locator, counters) })),
    diagnostics: [...p.diagnostics],
  };
  if (p.aliased !== undefined) parsed.aliased = p.aliased;
  return parsed;
}
