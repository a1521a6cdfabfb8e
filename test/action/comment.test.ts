import { describe, expect, it } from 'vitest';
import { explainCommentError } from '../../src/action/comment.js';
import { changesSomething } from '../../src/action/publish.js';
import { change, finding, report } from './report-fixture.js';

const httpError = (status: number, message: string) => Object.assign(new Error(message), { status });

describe('explainCommentError', () => {
  it('403: how to get write permission', () => {
    const text = explainCommentError(httpError(403, 'Resource not accessible by integration'), false);
    expect(text).toMatch(/\(403: Resource not accessible by integration\)/);
    expect(text).toMatch(/permissions: pull-requests: write/);
    expect(text).toMatch(/job summary and the annotations/);
    expect(text).not.toMatch(/pull_request_target/);
  });

  it('404 on a fork: also the pull_request_target pattern, done safely', () => {
    const text = explainCommentError(httpError(404, 'Not Found'), true);
    expect(text).toMatch(/fork.*pull_request_target.*without checking out or running the PR code/);
  });

  it('other errors still point to the summary', () => {
    expect(explainCommentError(new Error('socket hang up'), false)).toMatch(
      /\(error: socket hang up\).*job summary/,
    );
    expect(explainCommentError(httpError(422, 'Validation Failed'), false)).toMatch(/locked/);
  });
});

describe('changesSomething', () => {
  it.each([
    ['nothing', report(), false],
    ['a path change', report({ changes: [change()] }), true],
    ['a new finding', report({ findings: [finding()] }), true],
    ['a fixed finding', report({ findings: [finding({ status: 'fixed' })] }), true],
    ['only existing findings', report({ findings: [finding({ status: 'existing' })] }), false],
    ['a workload removed', report({ summary: { workloadsRemoved: 1 } }), true],
    ['an incomplete analysis', report({ incomplete: true }), true],
  ])('%s: %s', (_name, r, expected) => {
    expect(changesSomething(r)).toBe(expected);
  });
});
