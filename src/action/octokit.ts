import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Octokit } from './comment.js';

/** Rate-limited requests are retried this many times before the comment is given up. */
const RATE_LIMIT_RETRIES = 2;
const MAX_RATE_LIMIT_WAIT_SECONDS = 120;

/**
 * An Octokit that retries 5xx answers (plugin-retry: 3 times, growing delay) and waits out
 * primary and secondary rate limits (plugin-throttling). Client errors such as 403/404/422 are
 * not retried: they will not change, and the caller explains them.
 */
export function createOctokit(token: string, baseUrl: string): Octokit {
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      // A primary limit can ask to wait an hour: a comment is not worth holding the runner that long.
      const again = retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
      core.warning(
        `GitHub ${kind} rate limit on ${options.method} ${options.url}: ` +
          (again ? `retrying in ${retryAfter} s` : 'giving up on the comment'),
      );
      return again;
    };
  return getOctokit(
    token,
    {
      baseUrl,
      throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
    },
    retry,
    throttling,
  );
}
