import { ConfigurationError } from '../core/errors.js';
import type { Finding, Report } from './types.js';

/**
 * What makes the check fail, besides an incomplete analysis (which always fails: a policy that
 * could not be read might be the one that opens everything, so the check fails closed).
 * - `new-errors`: a finding of severity `error` that head introduces.
 * - `new-warnings`: a finding of severity `warning` or `error` that head introduces.
 * - `new-findings`: any finding that head introduces (`info` included).
 * - `opened` / `closed`: a source -> destination path that head allows and base did not / the reverse.
 * - `any-change`: any opened, closed or changed path, or a workload added or removed.
 */
export type FailOnCondition =
  | 'new-errors'
  | 'new-warnings'
  | 'new-findings'
  | 'opened'
  | 'closed'
  | 'any-change';

/** Empty: only an incomplete analysis fails (`fail-on: none`). */
export type FailOn = readonly FailOnCondition[];

export type CheckResult = 'pass' | 'fail' | 'incomplete';

export interface FailOnVerdict {
  readonly failed: boolean;
  readonly result: CheckResult;
  /** One line, for `core.setFailed` / the CLI's last line. */
  readonly reason: string;
}

export const FAIL_ON_CONDITIONS: readonly FailOnCondition[] = [
  'new-errors',
  'opened',
  'closed',
  'any-change',
  'new-warnings',
  'new-findings',
];
export const DEFAULT_FAIL_ON: FailOn = ['new-errors'];

/**
 * Severities, the CLI's first vocabulary, still accepted by both: a new finding at or above it.
 * `error` is `new-errors`, `warning` is `new-warnings`, `info` is `new-findings`.
 */
const SEVERITY_CONDITION: Readonly<Record<string, FailOnCondition>> = {
  error: 'new-errors',
  warning: 'new-warnings',
  info: 'new-findings',
};

/**
 * The one fail-on vocabulary of the CLI (`--fail-on`) and the Action (`fail-on`): `new-errors,opened`
 * (commas, newlines or spaces), severities for compatibility. `none` alone means "only
 * incomplete"; `incomplete` is accepted and ignored because it always applies.
 */
export function parseFailOn(text: string): FailOn {
  const words = text
    .split(/[\s,]+/)
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w !== '');
  if (words.length === 0) return DEFAULT_FAIL_ON;
  if (words.includes('none')) {
    if (words.some((w) => w !== 'none' && w !== 'incomplete')) {
      throw new ConfigurationError(
        `fail-on: 'none' cannot be combined with other conditions (got '${text}')`,
      );
    }
    return [];
  }
  const conditions: FailOnCondition[] = [];
  for (const word of words) {
    if (word === 'incomplete') continue;
    const condition = FAIL_ON_CONDITIONS.find((c) => c === word) ?? SEVERITY_CONDITION[word];
    if (!condition) {
      throw new ConfigurationError(
        `fail-on: unknown condition '${word}'; expected a comma-separated list of ${FAIL_ON_CONDITIONS.join(', ')} (or a severity: error, warning, info), or none`,
      );
    }
    if (!conditions.includes(condition)) conditions.push(condition);
  }
  return conditions;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const RANK: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

/** New findings (not accepted, not existing) at or above a severity. */
export function newFindingsAtLeast(report: Report, severity: Finding['severity']): Finding[] {
  return report.findings.filter((f) => f.status === 'new' && RANK[f.severity] <= RANK[severity]);
}

function newErrorCount(report: Report): number {
  return newFindingsAtLeast(report, 'error').length;
}

/** Why each condition matches, or undefined when it does not. */
function matchCondition(report: Report, condition: FailOnCondition): string | undefined {
  const s = report.summary;
  switch (condition) {
    case 'new-errors': {
      const n = newErrorCount(report);
      return n > 0 ? `${plural(n, 'new error finding')}` : undefined;
    }
    case 'new-warnings': {
      const n = newFindingsAtLeast(report, 'warning').length;
      return n > 0 ? `${plural(n, 'new finding')} of severity warning or error` : undefined;
    }
    case 'new-findings': {
      const n = newFindingsAtLeast(report, 'info').length;
      return n > 0 ? `${plural(n, 'new finding')}` : undefined;
    }
    case 'opened':
      return s.opened > 0 ? `${plural(s.opened, 'path')} opened` : undefined;
    case 'closed':
      return s.closed > 0 ? `${plural(s.closed, 'path')} closed` : undefined;
    case 'any-change': {
      const total = s.opened + s.closed + s.changed + s.workloadsAdded + s.workloadsRemoved;
      return total > 0 ? `${plural(total, 'change')} to paths or workloads` : undefined;
    }
  }
}

function describeSummary(report: Report): string {
  const s = report.summary;
  return `${s.opened} opened, ${s.closed} closed, ${s.changed} changed, ${plural(s.findings.new, 'new finding')}`;
}

/** The check's verdict: pure, shared by the Action (`core.setFailed`) and the CLI (exit code). */
export function evaluateFailOn(report: Report, failOn: FailOn): FailOnVerdict {
  if (report.incomplete) {
    const errors = report.summary.errors;
    return {
      failed: true,
      result: 'incomplete',
      reason: `analysis incomplete: ${plural(errors, 'input error')} (see diagnostics), so the check fails closed`,
    };
  }
  const matched = failOn.flatMap((c) => {
    const why = matchCondition(report, c);
    return why ? [`${why} (fail-on: ${c})`] : [];
  });
  if (matched.length > 0) {
    return { failed: true, result: 'fail', reason: matched.join('; ') };
  }
  const rule = failOn.length > 0 ? failOn.join(',') : 'none';
  return {
    failed: false,
    result: 'pass',
    reason: `nothing matches fail-on ${rule}: ${describeSummary(report)}`,
  };
}
