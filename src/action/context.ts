import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '../core/errors.js';
import { encodePathSegment, repositoryWebUrl } from '../render/links.js';

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
  /** The repository's web page (`<GITHUB_SERVER_URL>/<owner>/<repo>`); undefined if the server is no http(s) address. */
  readonly repositoryUrl: string | undefined;
  /** The run's page (this attempt's, when known), where the job summary is; undefined outside a runner. */
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

/** GITHUB_SERVER_URL is the GHES host on GitHub Enterprise Server; github.com when unset. */
function repositoryUrl(env: Env, owner: string, repo: string): string | undefined {
  const server = repositoryWebUrl(env.GITHUB_SERVER_URL || 'https://github.com');
  return server && `${server}/${encodePathSegment(owner)}/${encodePathSegment(repo)}`;
}

/** `<repo>/actions/runs/<id>/attempts/<n>`: the attempt's page, since a re-run has its own summary. */
function runUrl(env: Env, repositoryUrl: string | undefined): string | undefined {
  const id = env.GITHUB_RUN_ID;
  if (!repositoryUrl || !id || !/^\d+$/.test(id)) return undefined;
  const attempt = env.GITHUB_RUN_ATTEMPT;
  const suffix = attempt && /^\d+$/.test(attempt) ? `/attempts/${attempt}` : '';
  return `${repositoryUrl}/actions/runs/${id}${suffix}`;
}

export async function readRunnerContext(env: Env, cwd: string): Promise<RunnerContext> {
  const { owner, repo } = repository(env);
  const web = repositoryUrl(env, owner, repo);
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
    repositoryUrl: web,
    runUrl: runUrl(env, web),
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
