#!/usr/bin/env node
import { isParseWorker, parallelFromEnv, serveParseWorker } from '../manifests/parse-pool.js';
import { main } from './main.js';

if (isParseWorker()) {
  serveParseWorker();
} else {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    stdoutIsTTY: process.stdout.isTTY === true,
    env: process.env,
    parallel: parallelFromEnv(import.meta.url, process.env),
  });
}
