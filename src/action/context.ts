import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '../core/errors.js';

/** What the runner tells every step through its environment, read once. */
export interface RunnerContext {
  readonly eventName: string;
  readonly payload: unknown;
  readonly owner: string;
  readonly repo: string;
  readonly workflow: string;
  readonly job: string;
  /** Where actions/checkout left the repository. */
  readonly workspace: string;
  readonly runnerTemp: string | undefined;
  readonly apiUrl: string;
  /** The run's page, where the job summary is; undefined outside a runner. */
  readonly runUrl: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

async function readPayload(path: string | undefined): Promise<unknown> {
  if (!path) return {};
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot read the event payload GITHUB_EVENT_PATH=${path}: ${why}`);
  }
}

function repository(env: Env): { owner: string; repo: string } {
  const [owner, repo, ...rest] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new ConfigurationError(
      `GITHUB_REPOSITORY is '${env.GITHUB_REPOSITORY ?? ''}', expected owner/name: run this action in GitHub Actions`,
    );
  }
  return { owner, repo };
}

export async function readRunnerContext(env: Env, cwd: string): Promise<RunnerContext> {
  const { owner, repo } = repository(env);
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload: await readPayload(env.GITHUB_EVENT_PATH),
    owner,
    repo,
    workflow: env.GITHUB_WORKFLOW ?? 'workflow',
    job: env.GITHUB_JOB ?? 'job',
    workspace: env.GITHUB_WORKSPACE || cwd,
    runnerTemp: env.RUNNER_TEMP,
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    runUrl: env.GITHUB_RUN_ID ? `${server}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
  };
}

/** A PR from a fork gets a read-only token under `pull_request`: the comment warning says so. */
export function isForkPullRequest(payload: unknown): boolean {
  if (typeof payload !== 'object' || payload === null) return false;
  const pr = (payload as { pull_request?: { head?: { repo?: unknown }; base?: { repo?: unknown } } })
    .pull_request;
  const name = (repo: unknown) =>
    typeof repo === 'object' && repo !== null ? (repo as { full_name?: unknown }).full_name : undefined;
  const head = name(pr?.head?.repo);
  const base = name(pr?.base?.repo);
  return typeof head === 'string' && typeof base === 'string' && head !== base;
}
