import { isParseWorker, parallelFromEnv, serveParseWorker } from '../manifests/parse-pool.js';
import { run } from './main.js';

if (isParseWorker()) serveParseWorker();
else await run(parallelFromEnv(import.meta.url, process.env));
