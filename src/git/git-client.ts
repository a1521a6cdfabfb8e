import { spawn } from 'node:child_process';
import { type SimpleGit, simpleGit } from 'simple-git';

interface GitResult {
  readonly stdOut: Buffer[];
  readonly stdErr: Buffer[];
  readonly exitCode: number;
}

/**
 * simple-git only treats a non-zero exit as an error when git also wrote to stderr, so
 * `rev-parse --verify` or `merge-base` failing quietly would look like success with empty output.
 * Every non-zero exit is an error here; callers decide what a failure means.
 */
function strictErrors(error: Buffer | Error | undefined, result: GitResult): Buffer | Error | undefined {
  if (error) return error;
  if (result.exitCode === 0) return undefined;
  const stderr = Buffer.concat(result.stdErr).toString('utf8').trim();
  return new Error(stderr || `git exited with code ${result.exitCode}`);
}

/**
 * The one way src/git talks to git for short commands (the batch reader spawns its own process,
 * and big listings use `gitStdout`).
 */
export function gitClient(repo: string): SimpleGit {
  return simpleGit({ baseDir: repo, errors: strictErrors, maxConcurrentProcesses: 4 });
}

/** Runs a git command and returns trimmed stdout, or undefined when git fails. */
export async function gitOutput(repo: string, args: readonly string[]): Promise<string | undefined> {
  try {
    return (await gitClient(repo).raw([...args])).trim();
  } catch {
    return undefined;
  }
}

/** Git error text for messages: the first line of what git said. */
export function gitErrorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.trim() ?? '';
}

/**
 * Runs git and returns all of its stdout, read until the stream closes; rejects on a non-zero exit.
 * For outputs of any size: simple-git can hand back a truncated stdout when several commands run at
 * once (steveukx/git-js#795, seen here on `ls-tree` of base and head read together), and a listing
 * cut short would silently drop files.
 */
export function gitStdout(repo: string, args: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => reject(new Error(`cannot run git: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new Error(stderr.trim() || `git exited with ${code ?? signal}`));
    });
  });
}
