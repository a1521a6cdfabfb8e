import { spawn } from 'node:child_process';

/**
 * Sizes of objects by sha through one `git cat-file --batch-check`, without reading contents.
 * A sha git does not have (a partial or damaged clone) is absent from the result, never an
 * exception. GIT_NO_LAZY_FETCH: a partial clone is not made to fetch every blob of the tree one
 * by one just to learn sizes; the contents actually read are still fetched on demand.
 */
export function objectSizes(repo: string, shas: readonly string[]): Promise<Map<string, number>> {
  const unique = [...new Set(shas)];
  if (unique.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch-check=%(objectname) %(objectsize)'], {
      cwd: repo,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, GIT_NO_LAZY_FETCH: '1' },
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => reject(new Error(`cannot run git cat-file: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(stderr.trim() || `git cat-file --batch-check exited with ${code ?? signal}`));
        return;
      }
      try {
        resolve(parseSizes(Buffer.concat(chunks).toString('utf8'), unique.length));
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.end(`${unique.join('\n')}\n`);
  });
}

/** `<sha> <size>` per object, or `<sha> missing`; one line per request, in order. */
function parseSizes(output: string, expected: number): Map<string, number> {
  const lines = output.split('\n').filter((line) => line !== '');
  if (lines.length !== expected) {
    throw new Error(`git cat-file --batch-check answered ${lines.length} of ${expected} objects`);
  }
  const sizes = new Map<string, number>();
  for (const line of lines) {
    const [sha, size] = line.split(' ');
    if (sha && size !== undefined && /^\d+$/.test(size)) sizes.set(sha, Number(size));
  }
  return sizes;
}
