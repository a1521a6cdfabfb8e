import { main } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process, capturing what it writes; `cwd` is where relative paths resolve. */
export async function runCli(argv: readonly string[], cwd = '/'): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main([...argv], {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    cwd,
  });
  return { code, stdout, stderr };
}
