#!/usr/bin/env node
import { isParseWorker, parallelFromEnv, serveParseWorker } from '../manifests/parse-pool.js';
import { main } from './main.js';
import { readAll } from './stdin.js';

if (isParseWorker()) {
  serveParseWorker();
} else {
  // `policy-diff ... | head`: a reader that stops early is no crash; the exit code stays the verdict.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    stdoutIsTTY: process.stdout.isTTY === true,
    env: process.env,
    parallel: parallelFromEnv(import.meta.url, process.env),
    stdin: () => readAll(process.stdin),
  });
}
