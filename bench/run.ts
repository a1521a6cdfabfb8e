import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { isParseWorker, parallelFromEnv, serveParseWorker } from '../src/manifests/parse-pool.js';
import { generateRepo, SIZES, writeGitRepo } from './generate.js';
import {
  type FloorResult,
  runE2e,
  runFloor,
  runStages,
  type StageResult,
  type WorkerRequest,
} from './worker.js';

/**
 * `npm run bench`: generates the S, M and L repositories, runs the analysis of each in a fresh
 * process (stages, floor, and the production entry point `runDiff`), times the CLI on the largest
 * netpol-analyzer inputs, prints a table and writes bench/out/results.json.
 *
 * The same bundle is the worker: `index.js worker <json request>` runs one measurement and sends
 * the result to its parent.
 */

interface SizeResult {
  readonly size: string;
  readonly files: number;
  readonly bytes: number;
  readonly changes: readonly string[];
  readonly stages: StageResult;
  readonly floor: FloorResult;
  readonly e2e: { readonly ms: number; readonly maxRssMiB: number; readonly changes: number };
  readonly totalOverFloor: number;
}

async function main(): Promise<void> {
  if (isParseWorker()) {
    serveParseWorker();
    return;
  }
  if (process.argv[2] === 'worker') {
    const request = JSON.parse(process.argv[3]!) as WorkerRequest;
    // The analysis parses on worker threads started from this bundle, as the CLI and the Action do.
    const parallel = parallelFromEnv(import.meta.url, process.env);
    const result =
      request.mode === 'stages'
        ? await runStages(request, parallel)
        : request.mode === 'floor'
          ? await runFloor(request)
          : await runE2e(request, parallel);
    if (process.send) process.send(result);
    else console.log(JSON.stringify(result, null, 2));
    return;
  }
  if (process.argv[2] === 'generate') {
    // For profiling: `index.js generate L` leaves a repository behind and prints a worker request.
    const size = SIZES.find((s) => s.name === process.argv[3])!;
    const git = writeGitRepo(generateRepo(size, 42));
    console.log(JSON.stringify({ mode: 'stages', repo: git.dir, base: git.base, head: git.head }));
    return;
  }
  // `node build/bench/index.js M L`: only these sizes; `worker`: one measurement (see worker.ts).
  const only = process.argv.slice(2).filter((a) => /^[SML]$/.test(a));
  const outDir = resolve('bench/out');
  mkdirSync(outDir, { recursive: true });
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  console.log(`policy-diff benchmark on ${machine}\n`);
  const results: SizeResult[] = [];
  const failures: unknown[] = [];
  for (const size of SIZES) {
    if (only.length && !only.includes(size.name)) continue;
    const repo = generateRepo(size, 42);
    const git = writeGitRepo(repo);
    if (process.env.BENCH_KEEP) console.log(`repository kept: ${git.dir} ${git.base} ${git.head}`);
    try {
      const bytes = [...repo.head.values()].reduce((n, t) => n + Buffer.byteLength(t), 0);
      const request = { repo: git.dir, base: git.base, head: git.head };
      const floor = (await inFreshProcess({ ...request, mode: 'floor' })) as FloorResult;
      const stages = (await inFreshProcess({ ...request, mode: 'stages' })) as StageResult | Failure;
      const e2e = (await inFreshProcess({ ...request, mode: 'e2e' })) as SizeResult['e2e'] | Failure;
      if ('error' in stages || 'error' in e2e) {
        console.log(
          `== ${size.name}: ${'error' in stages ? `stages: ${stages.error}` : ''} ${'error' in e2e ? `runDiff: ${e2e.error}` : ''}`,
        );
        failures.push({ size: size.name, floor, stages, e2e });
        if ('error' in stages) continue;
      }
      const result: SizeResult = {
        size: size.name,
        files: repo.head.size,
        bytes,
        changes: repo.changes,
        stages,
        floor,
        e2e: 'error' in e2e ? { ms: Number.NaN, maxRssMiB: Number.NaN, changes: -1 } : e2e,
        totalOverFloor: stages.totalMs / floor.ms,
      };
      results.push(result);
      printSize(result, size);
    } finally {
      if (!process.env.BENCH_KEEP) git.cleanup();
    }
  }
  const m = results.find((r) => r.size === 'M');
  const l = results.find((r) => r.size === 'L');
  const growth = m && l ? { time: l.stages.totalMs / m.stages.totalMs, e2e: l.e2e.ms / m.e2e.ms } : undefined;
  if (growth) {
    console.log(
      `M -> L (10x workloads): stages total x${growth.time.toFixed(1)}, runDiff x${growth.e2e.toFixed(1)}\n`,
    );
  }
  const cli = timeCli();
  writeFileSync(
    join(outDir, 'results.json'),
    `${JSON.stringify({ machine, date: new Date().toISOString(), results, failures, growth, cli }, null, 2)}\n`,
  );
  console.log(`written ${join(outDir, 'results.json')}`);
}

interface Failure {
  readonly error: string;
}

/** A measurement that takes longer than this is stopped and reported as such. */
const WORKER_TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 180_000);

function inFreshProcess(request: WorkerRequest): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    const child = fork(process.argv[1]!, ['worker', JSON.stringify(request)], {
      stdio: ['ignore', 'inherit', 'ignore', 'ipc'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_TIMEOUT_MS);
    let result: unknown;
    child.on('message', (m) => {
      result = m;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const ms = (performance.now() - start).toFixed(0);
      if (code === 0 && result !== undefined) resolvePromise(result);
      else if (signal === 'SIGKILL') resolvePromise({ error: `stopped after ${ms} ms (timeout)` });
      else resolvePromise({ error: `exited with ${code ?? signal} after ${ms} ms (out of memory?)` });
    });
  });
}

function printSize(r: SizeResult, size: (typeof SIZES)[number]): void {
  console.log(
    `== ${r.size}: ${size.namespaces} namespaces, ${size.workloads} workloads, ${size.networkPolicies} NetworkPolicies, ${size.authorizationPolicies} AuthorizationPolicies (${r.files} files, ${(r.bytes / 2 ** 20).toFixed(1)} MiB)`,
  );
  console.log('stage          ms    peak RSS MiB   cells');
  for (const s of r.stages.stages) {
    console.log(
      `${s.name.padEnd(12)} ${s.ms.toFixed(0).padStart(6)}   ${s.maxRssMiB.toFixed(0).padStart(8)}   ${s.cells === undefined ? '' : String(s.cells).padStart(9)}`,
    );
  }
  const st = r.stages;
  console.log(
    `total        ${st.totalMs.toFixed(0).padStart(6)}   ${st.maxRssMiB.toFixed(0).padStart(8)}   classes base/head ${st.classes.join('/')}, ${st.changes} changes, markdown ${st.markdownChars} chars\n` +
      `findings: ${Object.entries(st.findings.byStatus)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')} (${Object.entries(st.findings.byRule)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
  );
  console.log(
    `floor (read + YAML parse of both revisions) ${r.floor.ms.toFixed(0)} ms; total / floor = ${r.totalOverFloor.toFixed(2)}`,
  );
  console.log(
    `runDiff in a fresh process: ${r.e2e.ms.toFixed(0)} ms, peak RSS ${r.e2e.maxRssMiB.toFixed(0)} MiB, ${r.e2e.changes} changes\n`,
  );
}

/** Our CLI (`matrix --format connlist`) on the largest netpol-analyzer inputs, as a reference point. */
function timeCli(): { name: string; bytes: number; ms: number; lines: number }[] {
  const cases = resolve('../shared/conformance/netpol-analyzer/tests');
  const cli = resolve('dist/cli/index.js');
  if (!existsSync(cases) || !existsSync(cli)) return [];
  const sizeOf = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (n, e) => n + (e.isDirectory() ? sizeOf(join(dir, e.name)) : statSync(join(dir, e.name)).size),
      0,
    );
  const largest = readdirSync(cases, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, bytes: sizeOf(join(cases, e.name)) }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3);
  console.log('CLI reference: node dist/cli/index.js matrix <case> --format connlist');
  const out = largest.map(({ name, bytes }) => {
    const start = performance.now();
    const run = spawnSync(process.execPath, [cli, 'matrix', join(cases, name), '--format', 'connlist'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const ms = performance.now() - start;
    const lines = run.stdout.split('\n').filter(Boolean).length;
    console.log(
      `  ${name.padEnd(50)} ${(bytes / 1024).toFixed(0).padStart(6)} KiB  ${ms.toFixed(0).padStart(6)} ms  ${lines} lines (exit ${run.status})`,
    );
    return { name, bytes, ms, lines };
  });
  console.log('');
  return out;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
