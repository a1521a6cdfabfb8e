import { describe, expect, it } from 'vitest';
import { readRunnerContext } from '../../src/action/context.js';
import { eventRefs, planRevisions } from '../../src/action/event.js';
import { actionLinks } from '../../src/action/links.js';

const BASE = '1'.repeat(40);
const HEAD = '2'.repeat(40);
const MERGE_BASE = '3'.repeat(40);

const env = (extra: Record<string, string> = {}) => ({
  GITHUB_REPOSITORY: 'octo/gitops',
  GITHUB_RUN_ID: '4242',
  ...extra,
});

const prPayload = {
  pull_request: {
    number: 7,
    base: { sha: BASE, ref: 'main' },
    head: { sha: HEAD, ref: 'feature/tighten' },
  },
};

describe('the runner context', () => {
  it('links the run on github.com by default, with its attempt', async () => {
    const ctx = await readRunnerContext(env({ GITHUB_RUN_ATTEMPT: '3' }), '/tmp');
    expect(ctx.repositoryUrl).toBe('https://github.com/octo/gitops');
    expect(ctx.runUrl).toBe('https://github.com/octo/gitops/actions/runs/4242/attempts/3');
  });

  it('uses GITHUB_SERVER_URL (GitHub Enterprise Server)', async () => {
    const ctx = await readRunnerContext(env({ GITHUB_SERVER_URL: 'https://ghe.example.com/' }), '/tmp');
    expect(ctx.repositoryUrl).toBe('https://ghe.example.com/octo/gitops');
    expect(ctx.runUrl).toBe('https://ghe.example.com/octo/gitops/actions/runs/4242');
  });

  it('links nothing from a server address that is not http(s), or a run id that is not a number', async () => {
    const ctx = await readRunnerContext(env({ GITHUB_SERVER_URL: 'javascript:alert(1)' }), '/tmp');
    expect(ctx.repositoryUrl).toBeUndefined();
    expect(ctx.runUrl).toBeUndefined();
    const odd = await readRunnerContext(env({ GITHUB_RUN_ID: '1)(x' }), '/tmp');
    expect(odd.runUrl).toBeUndefined();
  });
});

describe('eventRefs', () => {
  it("names a PR's sides by its base and head branches", () => {
    const plan = planRevisions('pull_request', prPayload, {});
    expect(eventRefs('pull_request', prPayload, plan)).toEqual({ base: 'main', head: 'feature/tighten' });
  });

  it("names both sides of a push by its branch, and a merge queue's by its refs", () => {
    const push = { ref: 'refs/heads/main', before: BASE, after: HEAD };
    expect(eventRefs('push', push, planRevisions('push', push, {}))).toEqual({ base: 'main', head: 'main' });
    const queue = {
      merge_group: {
        base_sha: BASE,
        head_sha: HEAD,
        base_ref: 'refs/heads/main',
        head_ref: 'refs/heads/gh-readonly-queue/main/pr-7-abc',
      },
    };
    expect(eventRefs('merge_group', queue, planRevisions('merge_group', queue, {}))).toEqual({
      base: 'main',
      head: 'gh-readonly-queue/main/pr-7-abc',
    });
  });

  it('does not name a side given as an input with the branch of the event', () => {
    const plan = planRevisions('pull_request', prPayload, { base: 'origin/release' });
    expect(eventRefs('pull_request', prPayload, plan)).toEqual({ head: 'feature/tighten' });
  });
});

describe('actionLinks', () => {
  const ctx = {
    repositoryUrl: 'https://github.com/octo/gitops',
    runUrl: 'https://github.com/octo/gitops/actions/runs/4242/attempts/1',
  };

  it("links the base to the commit it was read from (the merge base) and the head to the PR's head", () => {
    const links = actionLinks(
      ctx,
      { base: 'main', head: 'feature' },
      { base: { label: MERGE_BASE, commit: MERGE_BASE }, head: { label: HEAD, commit: HEAD } },
    );
    expect(links).toEqual({
      base: `https://github.com/octo/gitops/blob/${MERGE_BASE}/`,
      head: `https://github.com/octo/gitops/blob/${HEAD}/`,
      run: ctx.runUrl,
      commit: {
        base: `https://github.com/octo/gitops/commit/${MERGE_BASE}`,
        head: `https://github.com/octo/gitops/commit/${HEAD}`,
      },
      ref: { base: 'main', head: 'feature' },
    });
  });

  it('links no file of a directory side, and nothing without a repository address', () => {
    const report = { base: { label: 'snapshots/base' }, head: { label: HEAD, commit: HEAD } };
    const links = actionLinks(ctx, {}, report);
    expect(links?.base).toBeUndefined();
    expect(links?.head).toBe(`https://github.com/octo/gitops/blob/${HEAD}/`);
    expect(actionLinks({ repositoryUrl: undefined, runUrl: undefined }, {}, report)).toBeUndefined();
  });
});
