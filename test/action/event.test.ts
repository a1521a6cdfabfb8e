import { describe, expect, it } from 'vitest';
import { planRevisions } from '../../src/action/event.js';
import { ConfigurationError } from '../../src/core/errors.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

const prPayload = {
  pull_request: { number: 42, base: { sha: A, ref: 'main' }, head: { sha: B, ref: 'feature' } },
};

describe('planRevisions', () => {
  it.each(['pull_request', 'pull_request_target'])('%s: PR base and head, from their merge base', (event) => {
    expect(planRevisions(event, prPayload, {})).toEqual({
      kind: 'diff',
      base: { kind: 'commit', sha: A },
      head: { kind: 'commit', sha: B },
      useMergeBase: true,
      pullRequest: 42,
      notes: [],
    });
  });

  it('push: before and after, no merge base', () => {
    expect(planRevisions('push', { before: A, after: B }, {})).toEqual({
      kind: 'diff',
      base: { kind: 'commit', sha: A },
      head: { kind: 'commit', sha: B },
      useMergeBase: false,
      notes: [],
    });
  });

  it('push with an all-zero before (first push): compares with nothing and says so', () => {
    const plan = planRevisions('push', { before: ZERO, after: B, created: true }, {});
    expect(plan).toMatchObject({ kind: 'diff', base: { kind: 'empty' }, head: { kind: 'commit', sha: B } });
    expect(plan.kind === 'diff' && plan.notes[0]).toMatch(/first push.*set the base input/);
  });

  it('push with an explicit base on a first push uses it and drops the note', () => {
    const plan = planRevisions('push', { before: ZERO, after: B }, { base: 'origin/main' });
    expect(plan).toMatchObject({
      base: { kind: 'input', value: 'origin/main' },
      head: { kind: 'commit', sha: B },
      notes: [],
    });
  });

  it('push deleting a ref (all-zero after) is skipped', () => {
    expect(planRevisions('push', { before: A, after: ZERO, deleted: true }, {})).toMatchObject({
      kind: 'skip',
    });
  });

  it('merge_group: its base_sha and head_sha', () => {
    expect(planRevisions('merge_group', { merge_group: { base_sha: A, head_sha: B } }, {})).toEqual({
      kind: 'diff',
      base: { kind: 'commit', sha: A },
      head: { kind: 'commit', sha: B },
      useMergeBase: false,
      notes: [],
    });
  });

  it('workflow_dispatch without base/head asks for them', () => {
    expect(() => planRevisions('workflow_dispatch', { inputs: {} }, {})).toThrow(ConfigurationError);
    expect(() => planRevisions('workflow_dispatch', {}, { base: 'main' })).toThrow(
      /set both the base and head inputs/,
    );
  });

  it('workflow_dispatch with base and head uses them', () => {
    expect(planRevisions('workflow_dispatch', {}, { base: 'main', head: 'HEAD' })).toEqual({
      kind: 'diff',
      base: { kind: 'input', value: 'main' },
      head: { kind: 'input', value: 'HEAD' },
      useMergeBase: false,
      notes: [],
    });
  });

  it('explicit inputs win on a PR, which is still commented on', () => {
    expect(
      planRevisions('pull_request', prPayload, { base: 'fixtures/base', head: 'fixtures/head' }),
    ).toMatchObject({
      base: { kind: 'input', value: 'fixtures/base' },
      head: { kind: 'input', value: 'fixtures/head' },
      useMergeBase: false,
      pullRequest: 42,
    });
  });

  it('one explicit side keeps the other from the event, without a merge base', () => {
    expect(planRevisions('pull_request', prPayload, { base: 'origin/release' })).toMatchObject({
      base: { kind: 'input', value: 'origin/release' },
      head: { kind: 'commit', sha: B },
      useMergeBase: false,
    });
  });

  it('a payload without shas is a ConfigurationError naming the field', () => {
    expect(() => planRevisions('pull_request', { pull_request: { number: 1 } }, {})).toThrow(
      /pull_request\.base\.sha/,
    );
    expect(() =>
      planRevisions('merge_group', { merge_group: { base_sha: 'main', head_sha: B } }, {}),
    ).toThrow(ConfigurationError);
  });
});
