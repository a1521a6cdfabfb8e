import type { getOctokit } from '@actions/github';
import { isOurComment } from './comment-body.js';

export type Octokit = ReturnType<typeof getOctokit>;

export interface CommentTarget {
  readonly owner: string;
  readonly repo: string;
  readonly issueNumber: number;
}

export interface ExistingComment {
  readonly id: number;
  readonly body: string;
  readonly url: string;
}

export type CommentOutcome =
  | { readonly action: 'created' | 'updated' | 'unchanged'; readonly id: number; readonly url: string }
  /** Nothing to say and no earlier comment to correct (`comment: on-change`). */
  | { readonly action: 'skipped' };

/** The oldest comment that starts with the marker; every page is read, so long PRs work too. */
export async function findComment(
  octokit: Octokit,
  target: CommentTarget,
  marker: string,
): Promise<ExistingComment | undefined> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  const found = comments.find((c) => isOurComment(c.body, marker));
  return found ? { id: found.id, body: found.body ?? '', url: found.html_url } : undefined;
}

/**
 * Creates this job's comment once, then edits it in place; an identical body is not rewritten
 * (no notification, no "edited" noise). `create: false` only updates an existing comment.
 */
export async function upsertComment(
  octokit: Octokit,
  target: CommentTarget,
  marker: string,
  body: string,
  create: boolean,
): Promise<CommentOutcome> {
  const existing = await findComment(octokit, target, marker);
  if (existing) {
    if (existing.body === body) return { action: 'unchanged', id: existing.id, url: existing.url };
    const { data } = await octokit.rest.issues.updateComment({
      owner: target.owner,
      repo: target.repo,
      comment_id: existing.id,
      body,
    });
    return { action: 'updated', id: data.id, url: data.html_url };
  }
  if (!create) return { action: 'skipped' };
  const { data } = await octokit.rest.issues.createComment({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    body,
  });
  return { action: 'created', id: data.id, url: data.html_url };
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}

/**
 * Why the comment could not be written and what to change. 403 is a read-only token (fork PRs
 * get one under `pull_request`); 404 is what GitHub answers a fork's token for a hidden resource.
 */
export function explainCommentError(error: unknown, fork: boolean): string {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const base = `policy-diff could not write the PR comment (${status ?? 'error'}: ${message}). The report is in the job summary and the annotations.`;
  if (status === 403 || status === 404) {
    return (
      `${base} To get the comment, give the job \`permissions: pull-requests: write\`. ` +
      (fork
        ? 'This PR comes from a fork, whose token is read-only under `pull_request`: run the workflow on ' +
          '`pull_request_target` instead, safely, without checking out or running the PR code (policy-diff only ' +
          'reads the PR’s manifests as data). See docs/action.md.'
        : 'See docs/action.md.')
    );
  }
  if (status === 422) return `${base} GitHub refused the comment (is the conversation locked?).`;
  return base;
}
