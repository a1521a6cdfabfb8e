import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/** How kustomize is run: `kustomize build <dir>` or `kubectl kustomize <dir>`. */
export interface KustomizeTool {
  readonly command: string;
  readonly prefix: readonly string[];
}

export interface Tools {
  readonly kustomize?: KustomizeTool;
  readonly helm?: string;
  /** The search path the tools were found on, passed on to them. */
  readonly searchPath: string;
}

/** The absolute path of an executable named `name` on `searchPath`, or undefined. */
export async function findExecutable(name: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(delimiter)) {
    // An empty or relative PATH entry means the current directory: never trust it for tools.
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // Not there or not executable: keep looking.
    }
  }
  return undefined;
}

/** The standalone `kustomize` wins over `kubectl kustomize` (it is usually the newer one). */
export async function findTools(searchPath: string): Promise<Tools> {
  const kustomize = await findExecutable('kustomize', searchPath);
  const kubectl = kustomize ? undefined : await findExecutable('kubectl', searchPath);
  const helm = await findExecutable('helm', searchPath);
  return {
    searchPath,
    ...(kustomize ? { kustomize: { command: kustomize, prefix: ['build'] } } : {}),
    ...(kubectl ? { kustomize: { command: kubectl, prefix: ['kustomize'] } } : {}),
    ...(helm ? { helm } : {}),
  };
}

/**
 * The whole environment of a render: no tokens, no proxies, no kubeconfig, a throwaway HOME, so
 * a PR's files cannot make the tool use the runner's credentials or network configuration.
 */
export function minimalEnv(searchPath: string, home: string): NodeJS.ProcessEnv {
  return {
    PATH: searchPath,
    HOME: home,
    TMPDIR: home,
    LANG: 'C.UTF-8',
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_DATA_HOME: join(home, 'data'),
    HELM_CONFIG_HOME: join(home, 'helm-config'),
    HELM_CACHE_HOME: join(home, 'helm-cache'),
    HELM_DATA_HOME: join(home, 'helm-data'),
    KUBECONFIG: join(home, 'no-kubeconfig'),
  };
}

export type RunResult =
  | { readonly kind: 'ok'; readonly stdout: string }
  | { readonly kind: 'failed'; readonly message: string };

export interface RunLimits {
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
}

const STDERR_KEEP = 8192;

/**
 * Runs a render tool and collects stdout. The child gets its own process group so a timeout or an
 * oversized output kills it and anything it started; nothing outlives the call.
 */
export function runTool(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv } & RunLimits,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let stopped: string | undefined;
    const stop = (why: string): void => {
      stopped ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => stop(`timed out after ${options.timeoutMs / 1000} s`), options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.maxOutputBytes) stop(`output over the limit of ${options.maxOutputBytes} bytes`);
      else chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < STDERR_KEEP) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ kind: 'failed', message: `cannot run ${command}: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (stopped) resolve({ kind: 'failed', message: stopped });
      else if (code === 0) resolve({ kind: 'ok', stdout: Buffer.concat(chunks).toString('utf8') });
      // Untrimmed: the caller first turns temp paths into repository paths, then trims (trimMessage).
      else resolve({ kind: 'failed', message: stderr.trim() || `exit ${code ?? signal}` });
    });
  });
}

/** kubectl's log prefix and wrapper: `E1121 13:24:27.965156 1019 run.go:72] "command failed" err=< ... >`. */
const KLOG = /^[EWI]\d{4} [\d:.]+\s+\d+ [\w.-]+:\d+\] (?:"command failed" err=<)?/;

/** A tool's message, short enough for a diagnostic, on one line. */
export function trimMessage(text: string, maxChars = 600): string {
  const lines = text
    .trim()
    .split('\n')
    .map((l) => l.replace(KLOG, '').trim());
  const body = lines.filter((l) => l !== '' && l !== '>');
  const trimmed = body.join(' | ');
  return trimmed.length > maxChars ? `${trimmed.slice(0, maxChars)}…` : trimmed;
}
