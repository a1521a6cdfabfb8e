import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { evaluateFailOn, type FailOn, parseFailOn } from '../../src/report/fail-on.js';
import { change, finding, report } from './report-fixture.js';

const opened = change({ kind: 'opened' });
const closed = change({
  kind: 'closed',
  before: 'TCP 80',
  after: 'No Connections',
  added: '',
  removed: 'TCP 80',
});
const changed = change({ kind: 'changed', before: 'TCP 80', after: 'TCP 80,443', added: 'TCP 443' });
const newError = finding({ severity: 'error', status: 'new' });
const newWarning = finding({ severity: 'warning', status: 'new' });
const oldError = finding({ severity: 'error', status: 'existing' });

describe('evaluateFailOn', () => {
  const cases: [string, Parameters<typeof report>[0], FailOn, 'pass' | 'fail' | 'incomplete'][] = [
    ['nothing changes', {}, ['new-errors'], 'pass'],
    ['new error finding', { findings: [newError] }, ['new-errors'], 'fail'],
    ['new warning only', { findings: [newWarning] }, ['new-errors'], 'pass'],
    ['existing error only', { findings: [oldError] }, ['new-errors'], 'pass'],
    ['opened, default fail-on', { changes: [opened] }, ['new-errors'], 'pass'],
    ['opened, fail-on opened', { changes: [opened] }, ['opened'], 'fail'],
    ['closed, fail-on opened', { changes: [closed] }, ['opened'], 'pass'],
    ['closed, fail-on closed', { changes: [closed] }, ['closed'], 'fail'],
    ['changed, fail-on opened,closed', { changes: [changed] }, ['opened', 'closed'], 'pass'],
    ['changed, fail-on any-change', { changes: [changed] }, ['any-change'], 'fail'],
    ['workload added, any-change', { summary: { workloadsAdded: 1 } }, ['any-change'], 'fail'],
    ['opened, fail-on none', { changes: [opened] }, [], 'pass'],
    ['incomplete, fail-on none', { incomplete: true }, [], 'incomplete'],
    ['incomplete beats a pass', { incomplete: true, changes: [opened] }, ['closed'], 'incomplete'],
    ['incomplete beats a fail', { incomplete: true, findings: [newError] }, ['new-errors'], 'incomplete'],
  ];
  it.each(cases)('%s', (_name, parts, failOn, expected) => {
    const verdict = evaluateFailOn(report(parts), failOn);
    expect(verdict.result).toBe(expected);
    expect(verdict.failed).toBe(expected !== 'pass');
    expect(verdict.reason).not.toContain('\n');
    expect(verdict.reason.length).toBeGreaterThan(10);
  });

  it('says which condition failed and how many', () => {
    const verdict = evaluateFailOn(report({ changes: [opened, opened], findings: [newError] }), [
      'new-errors',
      'opened',
    ]);
    expect(verdict.reason).toBe(
      '1 new error finding (fail-on: new-errors); 2 paths opened (fail-on: opened)',
    );
  });

  it('says why an incomplete analysis fails', () => {
    expect(evaluateFailOn(report({ incomplete: true }), []).reason).toMatch(/incomplete.*fails closed/);
  });
});

describe('parseFailOn', () => {
  it.each([
    ['', ['new-errors']],
    ['new-errors', ['new-errors']],
    ['opened, closed', ['opened', 'closed']],
    ['opened\nclosed\n', ['opened', 'closed']],
    ['OPENED,opened', ['opened']],
    ['any-change,incomplete', ['any-change']],
    ['none', []],
    ['incomplete', []],
    // Severities, the CLI's first vocabulary: a new finding at or above it.
    ['error', ['new-errors']],
    ['warning,opened', ['new-warnings', 'opened']],
    ['info', ['new-findings']],
  ])('%j', (text, expected) => {
    expect(parseFailOn(text)).toEqual(expected);
  });

  it.each(['open', 'new-error', 'none,opened'])('rejects %j with a ConfigurationError', (text) => {
    expect(() => parseFailOn(text)).toThrow(ConfigurationError);
  });

  it('lists the valid conditions in the error', () => {
    expect(() => parseFailOn('everything')).toThrow(
      /unknown condition 'everything'.*new-errors, opened, closed, any-change/,
    );
  });
});
