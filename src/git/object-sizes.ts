import { spawn } from 'node:child_process';

const FORMAT = '--batch-check=%(objectname) %(objectsize)';

/**
 * Sizes of objects by sha, without reading contents. A sha git does not have (a partial or
 * damaged clone) is absent from the result, never an exception. One `git cat-file --batch-check`
 * answers all of them; in a partial clone it fetches what is missing from the promisor remote.
 * When that fetch fails git dies (`could not fetch ... from promisor remote`), so the sizes are
 * then taken from the objects the clone has locally (`--batch-all-objects`, which never fetches).
 */
export async function objectSizes(repo: string, shas: readonly string[]): Promise<Map<string, number>> {
  const unique = [...new Set(shas)];
  if (unique.length === 0) return new Map();
  try {
    return parseSizes(await catFile(repo, [FORMAT], `${unique.join('\n')}\n`), unique.length);
  } catch {
    const local = parseSizes(await catFile(repo, ['--batch-all-objects', FORMAT], ''));
    const sizes = new Map<string, number>();
    for (const sha of unique) {
      const size = local.get(sha);
      if (size !== undefined) sizes.set(sha, size);
    }
    return sizes;
  }
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
