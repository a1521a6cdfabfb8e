import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import type { CheckResult } from '../report/fail-on.js';
import type { Report } from '../report/types.js';

export interface ActionOutputs {
  readonly opened: number;
  readonly closed: number;
  readonly changed: number;
  readonly newFindings: number;
  readonly result: CheckResult;
  /** Absent when the report could not be written. */
  readonly reportJson?: string;
}

/**
 * Writes the report where later steps can read or upload it. A fresh directory per run keeps two
 * policy-diff steps of one job from overwriting each other's file.
 */
export async function writeReportJson(report: Report, runnerTemp: string | undefined): Promise<string> {
  const dir = await mkdtemp(join(runnerTemp || tmpdir(), 'policy-diff-'));
  const path = join(dir, 'report.json');
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
  return path;
}

export function outputsOf(report: Report, result: CheckResult, reportJson?: string): ActionOutputs {
  return {
    opened: report.summary.opened,
    closed: report.summary.closed,
    changed: report.summary.changed,
    newFindings: report.summary.findings.new,
    result,
    ...(reportJson !== undefined && { reportJson }),
  };
}

export function setOutputs(outputs: ActionOutputs): void {
  core.setOutput('opened', outputs.opened);
  core.setOutput('closed', outputs.closed);
  core.setOutput('changed', outputs.changed);
  core.setOutput('new-findings', outputs.newFindings);
  core.setOutput('result', outputs.result);
  core.setOutput('report-json', outputs.reportJson ?? '');
}
