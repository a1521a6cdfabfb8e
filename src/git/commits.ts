import { ConfigurationError } from '../core/errors.js';
import { gitClient, gitErrorText, gitOutput } from './git-client.js';

const FULL_SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The commit sha a revision names, or undefined when git cannot resolve it to a commit. */
export async function resolveCommit(repo: string, rev: string): Promise<string | undefined> {
  // A leading '-' would be read as an option, not a revision.
  if (rev === '' || rev.startsWith('-')) return undefined;
  const sha = await gitOutput(repo, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  return sha !== undefined && FULL_SHA.test(sha) ? sha : undefined;
}

export async function isShallow(repo: string): Promise<boolean> {
  return (await gitOutput(repo, ['rev-parse', '--is-shallow-repository'])) === 'true';
}

async function hasCommit(repo: string, sha: string): Promise<boolean> {
  return (await gitOutput(repo, ['cat-file', '-e', `${sha}^{commit}`])) !== undefined;
}

/**
 * Makes sure a commit the Action was told about (a PR's base or head sha) is in the local clone.
 * actions/checkout clones with depth 1 by default, so the base commit is often missing: fetch just
 * that commit. A full clone is fetched without --depth so it does not become shallow.
 */
export async function ensureCommit(repo: string, sha: string): Promise<{ fetched: boolean }> {
  const wanted = sha.toLowerCase();
  if (!FULL_SHA.test(wanted)) throw new ConfigurationError(`'${sha}' is not a full commit sha`);
  if (await hasCommit(repo, wanted)) return { fetched: false };
  const depth = (await isShallow(repo)) ? ['--depth=1'] : [];
  try {
    await gitClient(repo).raw(['fetch', '--no-tags', ...depth, 'origin', wanted]);
  } catch (error) {
    throw missingCommit(repo, wanted, gitErrorText(error));
  }
  if (!(await hasCommit(repo, wanted))) throw missingCommit(repo, wanted, 'origin did not send it');
  return { fetched: true };
}

function missingCommit(repo: string, sha: string, why: string): ConfigurationError {
  return new ConfigurationError(
    `commit ${sha} is not in the clone at ${repo} and fetching it from origin failed: ${why}. ` +
      `Check out the full history: actions/checkout with 'fetch-depth: 0'.`,
  );
}

/**
 * The best common ancestor of two revisions, or undefined when there is none in the local history
 * (unrelated histories, or a shallow clone that cut it off). Unknown revisions are a user mistake.
 */
export async function mergeBase(repo: string, a: string, b: string): Promise<string | undefined> {
  const [shaA, shaB] = await Promise.all([resolveCommit(repo, a), resolveCommit(repo, b)]);
  if (!shaA) throw new ConfigurationError(`'${a}' is not a revision of ${repo}`);
  if (!shaB) throw new ConfigurationError(`'${b}' is not a revision of ${repo}`);
  const base = await gitOutput(repo, ['merge-base', shaA, shaB]);
  return base && FULL_SHA.test(base) ? base : undefined;
}
