import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BundleRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

export interface BundleEnv {
  readonly bundle: string;
  readonly workspace: string;
  readonly apiUrl: string;
  /** A scratch directory for the event file, outputs, summary and RUNNER_TEMP. */
  readonly scratch: string;
  readonly eventName: string;
  readonly payload: unknown;
  readonly inputs: Record<string, string>;
  /** Node binary; the current one by default. */
  readonly node?: string;
}

/** `name<<delimiter\nvalue\ndelimiter` blocks, as @actions/core writes GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i]?.match(/^([^<=]+)<<(.+)$/);
    if (!m?.[1] || !m[2]) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i] ?? '');
    outputs[m[1]] = value.join('\n');
  }
  return outputs;
}

/**
 * Runs the bundle the way the runner does: `node dist/index.js` in the workspace, with the
 * runner's environment (inputs as `INPUT_<NAME>` upper-cased with dashes kept) and files.
 */
export function runBundle(env: BundleEnv): Promise<BundleRun> {
  mkdirSync(env.scratch, { recursive: true });
  const eventPath = join(env.scratch, 'event.json');
  const outputPath = join(env.scratch, 'output.txt');
  const summaryPath = join(env.scratch, 'summary.md');
  const runnerTemp = join(env.scratch, 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  writeFileSync(eventPath, JSON.stringify(env.payload));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const inputs = Object.fromEntries(
    Object.entries(env.inputs).map(([name, value]) => [
      `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
      value,
    ]),
  );
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: env.scratch,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: env.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'octo/gitops',
    GITHUB_WORKSPACE: env.workspace,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_API_URL: env.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKFLOW: 'Policy diff',
    GITHUB_JOB: 'policy-diff',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_TEMP: runnerTemp,
    ...inputs,
  };
  return new Promise((resolve) => {
    execFile(
      env.node ?? process.execPath,
      [env.bundle],
      { cwd: env.workspace, env: childEnv, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({
          code,
          stdout,
          stderr,
          outputs: parseOutputFile(readFileSync(outputPath, 'utf8')),
          summary: readFileSync(summaryPath, 'utf8'),
        });
      },
    );
  });
}
