/** A mistake in what the user asked for (flags, config file, inputs): exit code 2, never a stack trace. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** Exit codes shared by the CLI and documented in the README. */
export const ExitCode = {
  ok: 0,
  failedPolicy: 1,
  usage: 2,
  incomplete: 3,
} as const;
