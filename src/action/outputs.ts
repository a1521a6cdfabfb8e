import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { renderSarif } from '../render/sarif.js';
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
  /** The SARIF log for code scanning (github/codeql-action/upload-sarif); absent when not written. */
  readonly sarif?: string;
}

export interface ReportFiles {
  readonly reportJson: string;
  readonly sarif: string;
}

/**
 * Writes the JSON report and the SARIF log where later steps can read or upload them. A fresh
 * directory per run keeps two policy-diff steps of one job from overwriting each other's files.
 * `headDirectory`: head's directory in the repository when head is one (SARIF URIs are
 * repository-relative).
 */
export async function writeReportFiles(
  report: Report,
  runnerTemp: string | undefined,
  headDirectory?: string,
): Promise<ReportFiles> {
  const dir = await mkdtemp(join(runnerTemp || tmpdir(), 'policy-diff-'));
  const reportJson = join(dir, 'report.json');
  const sarif = join(dir, 'policy-diff.sarif');
  await writeFile(reportJson, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
  await writeFile(sarif, renderSarif(report, headDirectory !== undefined ? { headDirectory } : {}), 'utf8');
  return { reportJson, sarif };
}

export function outputsOf(report: Report, result: CheckResult, files?: ReportFiles): ActionOutputs {
  return {
    opened: report.summary.opened,
    closed: report.summary.closed,
    changed: report.summary.changed,
    newFindings: report.summary.findings.new,
    result,
    ...(files !== undefined && { reportJson: files.reportJson, sarif: files.sarif }),
  };
}

export function setOutputs(outputs: ActionOutputs): void {
  core.setOutput('opened', outputs.opened);
  core.setOutput('closed', outputs.closed);
  core.setOutput('changed', outputs.changed);
  core.setOutput('new-findings', outputs.newFindings);
  core.setOutput('result', outputs.result);
  core.setOutput('report-json', outputs.reportJson ?? '');
  core.setOutput('sarif', outputs.sarif ?? '');
}
