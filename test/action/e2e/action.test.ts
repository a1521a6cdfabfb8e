import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from './fake-github.js';
import { type BundleRun, runBundle } from './run-bundle.js';
import { createFixtureRepo, type FixtureRepo, git, shallowClone, writeSnapshotDirs } from './workspace.js';

const TOKEN = 'ghs_e2eSecretToken0123456789abcdef';
const MARKER = '<!-- policy-diff:Policy diff:policy-diff -->';
const ROOT = resolve(import.meta.dirname, '../../..');

/**
 * POLICY_DIFF_ACTION_BUNDLE points at a bundle built elsewhere (e.g. `dist/action/index.js` in a
 * dist check); otherwise the action is built with ncc exactly as `npm run build:action` does.
 */
async function buildBundle(out: string): Promise<string> {
  const prebuilt = process.env.POLICY_DIFF_ACTION_BUNDLE;
  if (prebuilt) return resolve(prebuilt);
  const ncc = join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
  await promisify(execFile)(process.execPath, [ncc, 'build', 'src/action/index.ts', '-o', out, '-q'], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return join(out, 'index.js');
}

function prPayload(repo: FixtureRepo, number: number, options: { fork?: boolean; base?: string } = {}) {
  const full = 'octo/gitops';
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      base: { sha: options.base ?? repo.base, ref: 'main', repo: { full_name: full } },
      head: { sha: repo.head, ref: 'feature', repo: { full_name: options.fork ? 'someone/gitops' : full } },
    },
    repository: { full_name: full, name: 'gitops', owner: { login: 'octo' } },
  };
}

/** The runner reads `::add-mask::` and never shows it; anything else must not contain the token. */
function expectTokenHidden(run: BundleRun): void {
  const visible = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  expect(visible).not.toContain(TOKEN);
  expect(run.summary).not.toContain(TOKEN);
}

describe('the action bundle, run as the runner runs it', () => {
  const github = new FakeGitHub();
  let root = '';
  let bundle = '';
  let apiUrl = '';
  let repo: FixtureRepo;
  let runs = 0;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'policy-diff-action-e2e-'));
    [bundle, apiUrl] = await Promise.all([buildBundle(join(root, 'bundle')), github.start()]);
    repo = createFixtureRepo(join(root, 'repo'));
  }, 240_000);

  afterAll(async () => {
    await github.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const run = (
    pr: number,
    inputs: Record<string, string> = {},
    extra: { workspace?: string; payload?: unknown; eventName?: string } = {},
  ) =>
    runBundle({
      bundle,
      apiUrl,
      workspace: extra.workspace ?? repo.dir,
      scratch: join(root, `run-${++runs}`),
      eventName: extra.eventName ?? 'pull_request',
      payload: extra.payload ?? prPayload(repo, pr),
      inputs: { 'github-token': TOKEN, ...inputs },
      // The runner uses Node 24 (`using: node24`); point this at such a binary to run the bundle there.
      ...(process.env.POLICY_DIFF_E2E_NODE && { node: process.env.POLICY_DIFF_E2E_NODE }),
    });

  const writes = () => github.calls.filter((c) => c.method !== 'GET');

  it('creates the comment once, and writes the summary, the outputs and the JSON report', async () => {
    github.reset();
    github.seed(1, 120); // ours lands on page 2 of the listing
    const result = await run(1);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expectTokenHidden(result);
    expect(writes().map((c) => c.method)).toEqual(['POST']);
    const created = github.commentsOf(1).at(-1);
    expect(created?.body.startsWith(`${MARKER}\n`)).toBe(true);
    expect(created?.body).toContain('shop/web[Deployment]');
    expect(github.calls.every((c) => c.authorization === `token ${TOKEN}`)).toBe(true);
    expect(result.outputs).toMatchObject({
      opened: '1',
      closed: '0',
      changed: '0',
      'new-findings': '0',
      result: 'pass',
    });
    const reportJson = result.outputs['report-json'] ?? '';
    expect(existsSync(reportJson)).toBe(true);
    expect(JSON.parse(readFileSync(reportJson, 'utf8'))).toMatchObject({ summary: { opened: 1 } });
    expect(result.summary).toContain('shop/web[Deployment]');
    // Links: the rule at the head commit, both commits by branch and short sha, the run's attempt.
    for (const text of [created?.body ?? '', result.summary]) {
      expect(text).toContain(`](https://github.com/octo/gitops/blob/${repo.head}/cluster/policies.yaml#L20)`);
      expect(text).toContain(
        `\`main\` @ [\`${repo.base.slice(0, 7)}\`](https://github.com/octo/gitops/commit/${repo.base})`,
      );
      expect(text).toContain(
        `\`feature\` @ [\`${repo.head.slice(0, 7)}\`](https://github.com/octo/gitops/commit/${repo.head})`,
      );
      expect(text).toContain('(https://github.com/octo/gitops/actions/runs/4242/attempts/1)');
    }
    // One annotation per rule line at head, naming the rule and the paths it opens.
    expect(result.stdout).toMatch(
      /::warning title=policy-diff%3A path opened,file=cluster\/policies\.yaml,line=20,col=7::NetworkPolicy shop\/allow-web-to-api ingress\[0\] opens 1 path: shop\/web/,
    );
    // The SARIF log for code scanning, beside the JSON report, its URIs repository-relative.
    const sarif = JSON.parse(readFileSync(result.outputs.sarif ?? '', 'utf8'));
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({
      uri: 'cluster/policies.yaml',
      uriBaseId: '%SRCROOT%',
    });
  });

  it('updates the same comment in place when the report changes, and fails per fail-on', async () => {
    github.reset();
    const id = github.commentsOf(1).at(-1)?.id;
    const result = await run(1, { 'fail-on': 'opened' });
    expect(result.code).toBe(1);
    expectTokenHidden(result);
    expect(result.stdout).toMatch(/::error::policy-diff fail: 1 path opened \(fail-on: opened\)/);
    expect(result.outputs.result).toBe('fail');
    expect(writes().map((c) => `${c.method} ${c.path}`)).toEqual([
      `PATCH /repos/octo/gitops/issues/comments/${id}`,
    ]);
    expect(github.commentsOf(1)).toHaveLength(121);
    expect(github.commentsOf(1).at(-1)?.body).toContain('Check fail');
  });

  it('does not rewrite a comment whose body is unchanged', async () => {
    github.reset();
    const result = await run(1, { 'fail-on': 'opened' });
    expect(result.code).toBe(1);
    expect(writes()).toEqual([]);
    expect(github.calls.filter((c) => c.method === 'GET').length).toBe(2);
  });

  it('comment: on-change updates an existing comment to say the PR no longer changes anything', async () => {
    github.reset();
    const result = await run(1, {}, { payload: prPayload(repo, 1, { base: repo.head }) });
    expect(result.code).toBe(0);
    expect(result.outputs.opened).toBe('0');
    expect(writes().map((c) => c.method)).toEqual(['PATCH']);
    expect(github.commentsOf(1).at(-1)?.body).toContain('no longer changes');
  });

  it('comment: on-change writes no comment on a PR that changes nothing', async () => {
    github.reset();
    const result = await run(2, {}, { payload: prPayload(repo, 2, { base: repo.head }) });
    expect(result.code).toBe(0);
    expect(writes()).toEqual([]);
    expect(result.summary).not.toBe('');
  });

  it('retries a 500 from the API', async () => {
    github.reset();
    github.failNext('GET', 500);
    const result = await run(3);
    expect(result.code).toBe(0);
    expect(github.calls.map((c) => `${c.method} ${c.status}`)).toEqual(['GET 500', 'GET 200', 'POST 201']);
    expect(github.commentsOf(3)).toHaveLength(1);
  });

  it('a 403 on the comment (fork PR, read-only token) warns and still reports', async () => {
    github.reset();
    github.failNext('POST', 403);
    const result = await run(4, { 'fail-on': 'opened' }, { payload: prPayload(repo, 4, { fork: true }) });
    expect(result.code).toBe(1); // per fail-on, not because of the comment
    expectTokenHidden(result);
    expect(result.stdout).toMatch(
      /::warning::policy-diff could not write the PR comment \(403.*pull-requests: write.*pull_request_target/,
    );
    expect(result.summary).toContain('shop/web[Deployment]');
    expect(result.outputs.result).toBe('fail');
    expect(github.calls.filter((c) => c.method === 'POST')).toHaveLength(1); // 403 is not retried
  });

  it('a 422 on the comment warns and exits per fail-on', async () => {
    github.reset();
    github.failNext('POST', 422);
    const result = await run(5);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/::warning::policy-diff could not write the PR comment \(422/);
  });

  it('fetches the base commit into a shallow clone', async () => {
    github.reset();
    const clone = shallowClone(repo, join(root, 'shallow'));
    const result = await run(6, {}, { workspace: clone });
    expect(result.code).toBe(0);
    expectTokenHidden(result);
    expect(result.stdout).toContain(`fetched the base commit ${repo.base}`);
    expect(result.stdout).toMatch(/::warning::no merge base .* shallow clone.*fetch-depth: 0/);
    expect(result.outputs.opened).toBe('1');
    expect(github.commentsOf(6)).toHaveLength(1);
  });

  it('a shallow clone that cannot fetch says what to change in the workflow', async () => {
    github.reset();
    const clone = shallowClone(repo, join(root, 'shallow-offline'));
    git(clone, 'remote', 'set-url', 'origin', `file://${join(root, 'gone')}`);
    const result = await run(9, {}, { workspace: clone });
    expect(result.code).toBe(1);
    expectTokenHidden(result);
    expect(result.stdout).toMatch(/::error::cannot read the base commit: .*fetch-depth: 0/);
    expect(result.stdout).toMatch(/persist-credentials/);
    expect(github.calls).toEqual([]);
  });

  it('a bad input fails the step with a one-line message and no stack', async () => {
    github.reset();
    const result = await run(7, { comment: 'sometimes' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("::error::comment: 'sometimes' is not one of always, on-change, never");
    expect(result.stdout).not.toMatch(/\n\s+at /);
    expect(github.calls).toEqual([]);
  });

  it('an incomplete analysis fails whatever fail-on says (workflow_dispatch with explicit revisions)', async () => {
    github.reset();
    const result = await run(
      0,
      { base: 'main', head: 'broken', 'fail-on': 'none' },
      {
        eventName: 'workflow_dispatch',
        payload: { inputs: {} },
      },
    );
    expect(result.code).toBe(1);
    expect(result.outputs.result).toBe('incomplete');
    expect(result.stdout).toMatch(/::error::policy-diff incomplete: analysis incomplete/);
    expect(github.calls).toEqual([]); // no PR: no comment
  });

  it('compares two directories of the workspace and annotates the head directory files', async () => {
    github.reset();
    const workspace = join(root, 'plain-workspace');
    writeSnapshotDirs(workspace);
    const result = await run(8, { base: 'snapshots/base', head: 'snapshots/head' }, { workspace });
    expect(result.code).toBe(0);
    expect(result.outputs.opened).toBe('1');
    expect(result.stdout).toMatch(
      /::warning title=policy-diff%3A path opened,file=snapshots\/head\/cluster\/policies\.yaml,line=20/,
    );
    expect(github.commentsOf(8)).toHaveLength(1);
  });
});
