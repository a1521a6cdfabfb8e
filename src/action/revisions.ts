import { mkdtemp, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import type { RevisionPlan, Side } from './event.js';

/** The git operations the action needs; implemented by src/git (the only folder that runs git). */
export interface GitOps {
  ensureCommit(repo: string, sha: string): Promise<{ fetched: boolean }>;
  mergeBase(repo: string, a: string, b: string): Promise<string | undefined>;
  isShallow(repo: string): Promise<boolean>;
}

export interface Log {
  info(message: string): void;
  warning(message: string): void;
}

/** What runDiff gets: revisions of the workspace repo, or directories. */
export interface ResolvedRevisions {
  readonly base: string;
  readonly head: string;
  /** Workspace-relative directory of head when it is one: annotations need repo-relative files. */
  readonly headDirectory?: string;
}

type Diff = Extract<RevisionPlan, { kind: 'diff' }>;

const SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

const CHECKOUT_ADVICE =
  'Run actions/checkout before this action, in the default path, preferably with `fetch-depth: 0`. ' +
  'With a shallow checkout the action fetches the commits it needs from the origin remote, which for a ' +
  'private repository needs the credentials actions/checkout keeps by default (`persist-credentials: true`).';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function ensure(git: GitOps, repo: string, sha: string, role: string, log: Log): Promise<void> {
  try {
    const { fetched } = await git.ensureCommit(repo, sha);
    if (fetched) log.info(`fetched the ${role} commit ${sha} (the checkout did not contain it)`);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    // src/git's message already names the commit, the clone and git's own reason.
    throw new ConfigurationError(`cannot read the ${role} commit: ${why}\n${CHECKOUT_ADVICE}`);
  }
}

async function resolveSide(side: Side, role: string, ctx: Context): Promise<string> {
  switch (side.kind) {
    case 'commit':
      await ensure(ctx.git, ctx.repo, side.sha, role, ctx.log);
      return side.sha;
    case 'empty':
      // An empty directory is "nothing" for runDiff, which accepts directories for either side.
      return mkdtemp(join(ctx.tempDir, 'policy-diff-empty-'));
    case 'input':
      if (await isDirectory(resolve(ctx.repo, side.value))) return side.value;
      // Other revisions (origin/main, v1.2) are resolved by runDiff, which reports unknown ones.
      if (SHA.test(side.value)) await ensure(ctx.git, ctx.repo, side.value, role, ctx.log);
      return side.value;
  }
}

interface Context {
  readonly git: GitOps;
  readonly repo: string;
  readonly tempDir: string;
  readonly log: Log;
}

async function mergeBaseOf(ctx: Context, base: string, head: string): Promise<string> {
  const found = await ctx.git.mergeBase(ctx.repo, base, head);
  if (found !== undefined) {
    if (found !== base) ctx.log.info(`comparing with the merge base ${found} of ${base} and ${head}`);
    return found;
  }
  const shallow = await ctx.git.isShallow(ctx.repo);
  ctx.log.warning(
    `no merge base of ${base} and ${head} ${shallow ? 'in this shallow clone' : 'was found'}: comparing with the ` +
      `PR's base commit, so changes merged into the base branch after the PR branched off may show as reverted. ` +
      (shallow ? 'Use actions/checkout with `fetch-depth: 0` to compare with the merge base.' : ''),
  );
  return base;
}

/** Makes both sides of the plan readable: fetches missing commits, picks the merge base. */
export async function resolveRevisions(
  plan: Diff,
  repo: string,
  tempDir: string,
  git: GitOps,
  log: Log,
): Promise<ResolvedRevisions> {
  const ctx: Context = { git, repo, tempDir, log };
  for (const note of plan.notes) log.info(note);
  const base = await resolveSide(plan.base, 'base', ctx);
  const head = await resolveSide(plan.head, 'head', ctx);
  const headIsDirectory = plan.head.kind === 'input' && (await isDirectory(resolve(repo, head)));
  return {
    base: plan.useMergeBase ? await mergeBaseOf(ctx, base, head) : base,
    head,
    ...(headIsDirectory && { headDirectory: relative(repo, resolve(repo, head)).split(sep).join('/') }),
  };
}
