import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { isParseWorker, parallelFromEnv, serveParseWorker } from '../src/manifests/parse-pool.js';
import { CommitWriter, generateRepo, SIZES } from './generate.js';
import { SCENARIO_NAMES, type ScenarioName, scenario } from './scenarios.js';
import {
  type FloorResult,
  runE2e,
  runFloor,
  runStages,
  type StageResult,
  type WorkerRequest,
} from './worker.js';

/**
 * `npm run bench [sizes] [scenarios]`: generates the repositories, runs every pull-request scenario
 * (scenarios.ts) of each in a fresh process under a standard runner's heap (the production pipeline
 * `runDiff` with a stage observer, then the Markdown comment), measures the read+parse floor, times
 * the CLI on the largest netpol-analyzer inputs, prints a table and writes bench/out/results.json.
 * Default: every scenario at S and M, and the small PR at L. Exits 1 when a scenario failed (out of
 * memory, timeout) or analysed an incomplete revision: then it did not measure the whole analysis.
 *
 * The same bundle is the worker: `index.js worker <json request>` runs one measurement and sends
 * the result to its parent.
 */

/** About what V8 picks on a standard 7 GB GitHub runner. */
const HEAP_MiB = Number(process.env.BENCH_HEAP_MIB ?? 1792);

interface ScenarioResult {
  readonly size: string;
  readonly scenario: string;
  readonly what: string;
  readonly stages?: StageResult;
  readonly error?: string;
}

interface SizeResult {
  readonly size: string;
  readonly files: number;
  readonly bytes: number;
  readonly floor: FloorResult;
  readonly scenarios: ScenarioResult[];
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
    // For profiling: `index.js generate L [scenario]` leaves a repository behind and prints a worker request.
    const size = SIZES.find((s) => s.name === process.argv[3])!;
    const name = (process.argv[4] ?? 'small') as ScenarioName;
    const pr = scenario(generateRepo(size, 42), name);
    const git = new CommitWriter(size.name);
    const base = git.commit(pr.base, `base (${size.name})`);
    const head = git.commit(pr.head, `${name}: ${pr.what}`);
    git.pack();
    console.log(JSON.stringify({ mode: 'stages', repo: git.dir, base, head }));
    return;
  }
  const args = process.argv.slice(2);
  const sizeArgs = args.filter((a) => SIZES.some((s) => s.name === a));
  const scenarioArgs = args.filter((a) =>
    (SCENARIO_NAMES as readonly string[]).includes(a),
  ) as ScenarioName[];
  const unknown = args.filter((a) => !sizeArgs.includes(a) && !(scenarioArgs as string[]).includes(a));
  if (unknown.length) {
    console.error(
      `unknown argument(s) ${unknown.join(', ')}: sizes ${SIZES.map((s) => s.name).join(' ')}, scenarios ${SCENARIO_NAMES.join(' ')}`,
    );
    process.exit(2);
  }
  // What runs: the sizes and scenarios named (all scenarios when none is), else the default.
  const plan: [string, readonly ScenarioName[]][] = sizeArgs.length
    ? sizeArgs.map((s) => [s, scenarioArgs.length ? scenarioArgs : SCENARIO_NAMES])
    : [
        ['S', scenarioArgs.length ? scenarioArgs : SCENARIO_NAMES],
        ['M', scenarioArgs.length ? scenarioArgs : SCENARIO_NAMES],
        ['L', ['small']],
        ['SA', ['small']],
      ];
  const outDir = resolve('bench/out');
  mkdirSync(outDir, { recursive: true });
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  console.log(
    `policy-diff benchmark on ${machine}; each scenario in a fresh process, heap limit ${HEAP_MiB} MiB\n`,
  );
  const results: SizeResult[] = [];
  for (const [sizeName, names] of plan) {
    const size = SIZES.find((s) => s.name === sizeName)!;
    const repo = generateRepo(size, 42);
    const git = new CommitWriter(size.name);
    try {
      const prs = [...new Set(['small' as const, ...names])].map((n) => scenario(repo, n));
      const commits = prs.map((pr) => ({
        pr,
        base: git.commit(pr.base, `base of ${pr.name}`),
        head: git.commit(pr.head, `${pr.name}: ${pr.what}`),
      }));
      git.pack();
      if (process.env.BENCH_KEEP) console.log(`repository kept: ${git.dir}`);
      const small = commits[0]!;
      const floor = (await inFreshProcess({
        mode: 'floor',
        repo: git.dir,
        base: small.base,
        head: small.head,
      })) as FloorResult;
      const bytes = [...repo.base.values()].reduce((n, t) => n + Buffer.byteLength(t), 0);
      console.log(
        `== ${size.name}: ${size.namespaces} namespaces, ${size.workloads} workloads, ${size.networkPolicies} NetworkPolicies, ${size.authorizationPolicies} AuthorizationPolicies (${repo.base.size} files, ${(bytes / 2 ** 20).toFixed(1)} MiB); floor (read + YAML parse of both revisions of small) ${floor.ms.toFixed(0)} ms`,
      );
      console.log(HEADER);
      const scenarios: ScenarioResult[] = [];
      for (const c of commits) {
        // `small` always runs: every other scenario's "x small" is read against it.
        if (c.pr.name !== 'small' && !names.includes(c.pr.name as ScenarioName)) continue;
        const out = (await inFreshProcess({ mode: 'stages', repo: git.dir, base: c.base, head: c.head })) as
          | StageResult
          | Failure;
        const result: ScenarioResult = {
          size: size.name,
          scenario: c.pr.name,
          what: c.pr.what,
          ...('error' in out ? { error: out.error } : { stages: out }),
        };
        scenarios.push(result);
        const smallMs = scenarios.find((r) => r.scenario === 'small')?.stages?.totalMs;
        console.log(row(result, smallMs, floor.ms));
      }
      results.push({ size: size.name, files: repo.base.size, bytes, floor, scenarios });
      console.log('');
    } finally {
      if (!process.env.BENCH_KEEP) git.cleanup();
    }
  }
  const growth = growthOf(results);
  for (const g of growth) console.log(`${g.from} -> ${g.to} (small PR): x${g.ratio.toFixed(1)}`);
  const cli = timeCli();
  const failures = results.flatMap((r) => r.scenarios).filter((s) => s.error || s.stages?.incomplete);
  writeFileSync(
    join(outDir, 'results.json'),
    `${JSON.stringify({ machine, heapMiB: HEAP_MiB, date: new Date().toISOString(), results, growth, cli }, null, 2)}\n`,
  );
  console.log(`written ${join(outDir, 'results.json')}`);
  if (failures.length) {
    console.error(`\nBENCHMARK FAILED: ${failures.length} scenario(s) did not measure a complete analysis:`);
    for (const f of failures) {
      console.error(`  ${f.size} ${f.scenario}: ${f.error ?? `incomplete: ${f.stages!.errors.join('; ')}`}`);
    }
    process.exit(1);
  }
}

const HEADER =
  'scenario              ms   cpu ms   x small  x floor  peak RSS MiB  changes (+ counted)  findings    cells  classes';

function row(r: ScenarioResult, smallMs: number | undefined, floorMs: number): string {
  const name = r.scenario.padEnd(18);
  if (!r.stages) return `${name} FAILED: ${r.error}`;
  const s = r.stages;
  const findings = Object.values(s.findings.byStatus).reduce((n, k) => n + k, 0);
  const cells = s.stages.reduce((n, st) => Math.max(n, st.cells ?? 0), 0);
  return (
    `${name}${s.totalMs.toFixed(0).padStart(6)}  ${s.cpuMs.toFixed(0).padStart(7)}  ${(smallMs ? s.totalMs / smallMs : 1).toFixed(2).padStart(7)}  ${(s.totalMs / floorMs).toFixed(2).padStart(7)}` +
    `  ${s.maxRssMiB.toFixed(0).padStart(12)}  ${`${s.changes}${s.omitted ? ` (+${s.omitted})` : ''}`.padStart(19)}  ${String(findings).padStart(8)}  ${String(cells).padStart(7)}  ${s.classes.join('/')}` +
    (s.incomplete ? `  INCOMPLETE: ${s.errors[0] ?? ''}` : '')
  );
}

/** How the small PR grows from one size to the next. */
function growthOf(results: readonly SizeResult[]): { from: string; to: string; ratio: number }[] {
  const ms = (r: SizeResult) => r.scenarios.find((s) => s.scenario === 'small')?.stages?.totalMs;
  const out: { from: string; to: string; ratio: number }[] = [];
  // The S-M-L-XL ladder only (SA is a shape, not a step).
  const ladder = results.filter((r) => !SIZES.find((s) => s.name === r.size)?.accountPerWorkload);
  for (let i = 1; i < ladder.length; i++) {
    const [a, b] = [ms(ladder[i - 1]!), ms(ladder[i]!)];
    if (a && b) out.push({ from: ladder[i - 1]!.size, to: ladder[i]!.size, ratio: b / a });
  }
  return out;
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
      execArgv: [
        ...process.execArgv,
        `--max-old-space-size=${HEAP_MiB}`,
        ...(process.env.BENCH_RETAINED ? ['--expose-gc'] : []),
      ],
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
