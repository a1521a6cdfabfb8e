import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RevisionPlan } from '../../src/action/event.js';
import { type GitOps, type Log, resolveRevisions } from '../../src/action/revisions.js';
import { ConfigurationError } from '../../src/core/errors.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const M = 'c'.repeat(40);

type Diff = Extract<RevisionPlan, { kind: 'diff' }>;

function fakeGit(options: {
  missing?: string[];
  unfetchable?: string[];
  mergeBase?: string;
  shallow?: boolean;
}) {
  const calls: string[] = [];
  const git: GitOps = {
    ensureCommit: async (_repo, sha) => {
      calls.push(`ensure ${sha}`);
      if (options.unfetchable?.includes(sha))
        throw new ConfigurationError(`commit ${sha} could not be fetched`);
      return { fetched: options.missing?.includes(sha) ?? false };
    },
    mergeBase: async (_repo, a, b) => {
      calls.push(`merge-base ${a} ${b}`);
      return options.mergeBase;
    },
    isShallow: async () => options.shallow ?? false,
  };
  return { git, calls };
}

function recorder(): Log & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warning: (m) => lines.push(`warning ${m}`) };
}

const root = mkdtempSync(join(tmpdir(), 'policy-diff-revisions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const prPlan: Diff = {
  kind: 'diff',
  base: { kind: 'commit', sha: A },
  head: { kind: 'commit', sha: B },
  useMergeBase: true,
  pullRequest: 1,
  notes: [],
};

describe('resolveRevisions', () => {
  it('ensures both commits and compares with the merge base', async () => {
    const { git, calls } = fakeGit({ missing: [A], mergeBase: M });
    const log = recorder();
    expect(await resolveRevisions(prPlan, root, root, git, log)).toEqual({ base: M, head: B });
    expect(calls).toEqual([`ensure ${A}`, `ensure ${B}`, `merge-base ${A} ${B}`]);
    expect(log.lines).toEqual([
      `info fetched the base commit ${A} (the checkout did not contain it)`,
      `info comparing with the merge base ${M} of ${A} and ${B}`,
    ]);
  });

  it('falls back to the PR base with a warning when a shallow clone has no merge base', async () => {
    const { git } = fakeGit({ shallow: true });
    const log = recorder();
    expect(await resolveRevisions(prPlan, root, root, git, log)).toEqual({ base: A, head: B });
    expect(log.lines.join('\n')).toMatch(/warning no merge base .* shallow clone.*fetch-depth: 0/);
  });

  it('says what to change in the workflow when a commit cannot be fetched', async () => {
    const { git } = fakeGit({ unfetchable: [A] });
    const resolving = resolveRevisions(prPlan, root, root, git, recorder());
    await expect(resolving).rejects.toThrow(ConfigurationError);
    await expect(resolving).rejects.toThrow(
      /cannot read the base commit: commit a+ could not be fetched[\s\S]*actions\/checkout.*fetch-depth: 0/,
    );
  });

  it('uses an empty directory for an empty base (first push)', async () => {
    const temp = join(root, 'temp');
    mkdirSync(temp);
    const plan: Diff = { ...prPlan, base: { kind: 'empty' }, useMergeBase: false, notes: ['first push'] };
    const log = recorder();
    const resolved = await resolveRevisions(plan, root, temp, fakeGit({}).git, log);
    expect(resolved.base.startsWith(join(temp, 'policy-diff-empty-'))).toBe(true);
    expect(readdirSync(resolved.base)).toEqual([]);
    expect(log.lines).toEqual(['info first push']);
  });

  it('passes directories through and remembers the head directory for annotations', async () => {
    mkdirSync(join(root, 'snap/base'), { recursive: true });
    mkdirSync(join(root, 'snap/head'), { recursive: true });
    const plan: Diff = {
      kind: 'diff',
      base: { kind: 'input', value: 'snap/base' },
      head: { kind: 'input', value: 'snap/head/' },
      useMergeBase: false,
      notes: [],
    };
    const { git, calls } = fakeGit({});
    expect(await resolveRevisions(plan, root, root, git, recorder())).toEqual({
      base: 'snap/base',
      head: 'snap/head/',
      headDirectory: 'snap/head',
    });
    expect(calls).toEqual([]);
  });

  it('ensures explicit shas but leaves names to runDiff', async () => {
    const plan: Diff = {
      kind: 'diff',
      base: { kind: 'input', value: 'origin/main' },
      head: { kind: 'input', value: B },
      useMergeBase: false,
      notes: [],
    };
    const { git, calls } = fakeGit({});
    expect(await resolveRevisions(plan, root, root, git, recorder())).toEqual({
      base: 'origin/main',
      head: B,
    });
    expect(calls).toEqual([`ensure ${B}`]);
  });
});
