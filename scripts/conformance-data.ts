import { resolve } from 'node:path';
import { fetchConformance } from './conformance/fetch.js';
import { archiveUrl, CACHE_DIR, INDEX_DIR, SOURCES } from './conformance/sources.js';

/**
 * `npm run conformance:fetch`: downloads the conformance data of netpol-analyzer and NCA at the
 * pinned commits into .cache/conformance (run from the project root), for machines without
 * ../shared/conformance. Options: --dest DIR; --archive-base URL (a mirror laid out like
 * codeload.github.com: <base>/<owner>/<repo>/tar.gz/<commit>; file: URLs work).
 */
const USAGE = 'usage: conformance-data [--dest DIR] [--archive-base URL]';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value\n${USAGE}`);
  args.splice(i, 2);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  const dest = resolve(option(args, '--dest') ?? CACHE_DIR);
  const base = option(args, '--archive-base');
  if (args.length > 0) throw new Error(`unknown argument ${args[0]}\n${USAGE}`);
  const result = await fetchConformance({
    dest,
    sources: SOURCES,
    indexDir: resolve(INDEX_DIR),
    urlOf: base === undefined ? archiveUrl : (s) => `${base.replace(/\/$/, '')}/${s.repo}/tar.gz/${s.commit}`,
    log: (line) => console.log(line),
  });
  console.log(result === 'current' ? `${dest}: already at the pinned commits` : `${dest}: ready`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(`conformance-data: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
