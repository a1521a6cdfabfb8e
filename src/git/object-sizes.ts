import { spawn } from 'node:child_process';
import { gitOutput } from './git-client.js';

const FORMAT = '--batch-check=%(objectname) %(objectsize)';

/**
 * Sizes of objects by sha, without reading contents. A sha whose size is not known here is
 * absent from the result, never an exception: git does not have it (a damaged clone), or it is a
 * blob a partial clone has not fetched yet. A partial clone is asked only for what it holds
 * (`--batch-all-objects` never fetches): `--batch-check` would fetch every blob of the tree one by
 * one just to learn sizes, and die on the first one the promisor remote cannot give. The content
 * of a blob that is read is still fetched on demand (git-source reads it and checks its size).
 */
export async function objectSizes(repo: string, shas: readonly string[]): Promise<Map<string, number>> {
  const unique = [...new Set(shas)];
  if (unique.length === 0) return new Map();
  if (!(await isPartialClone(repo))) {
    try {
      // --buffer: every request is written at once and stdin closed, so git need not flush per object.
      return parseSizes(await catFile(repo, [FORMAT, '--buffer'], `${unique.join('\n')}\n`), unique.length);
    } catch {
      // Fall through: git died on an object (e.g. a promisor remote configured otherwise).
    }
  }
  const local = parseSizes(await catFile(repo, ['--batch-all-objects', '--unordered', FORMAT], ''));
  const sizes = new Map<string, number>();
  for (const sha of unique) {
    const size = local.get(sha);
    if (size !== undefined) sizes.set(sha, size);
  }
  return sizes;
}

/** A promisor remote (`remote.<name>.promisor`, or `extensions.partialClone` in newer git). */
async function isPartialClone(repo: string): Promise<boolean> {
  const found = await gitOutput(repo, [
    'config',
    '--get-regexp',
    '^(extensions\\.partialclone|remote\\..*\\.promisor)$',
  ]);
  return found !== undefined && found !== '';
}

function catFile(repo: string, args: readonly string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', ...args], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => reject(new Error(`cannot run git cat-file: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(new Error(stderr.trim() || `git cat-file exited with ${code ?? signal}`));
    });
    child.stdin.end(input);
  });
}

/** `<sha> <size>` per object, or `<sha> missing`; with `expected`, one line per request. */
function parseSizes(output: string, expected?: number): Map<string, number> {
  const lines = output.split('\n').filter((line) => line !== '');
  if (expected !== undefined && lines.length !== expected) {
    throw new Error(`git cat-file --batch-check answered ${lines.length} of ${expected} objects`);
  }
  const sizes = new Map<string, number>();
  for (const line of lines) {
    const [sha, size] = line.split(' ');
    if (sha && size !== undefined && /^\d+$/.test(size)) sizes.set(sha, Number(size));
  }
  return sizes;
}
