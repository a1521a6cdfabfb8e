import * as core from '@actions/core';
import { closeOpenBlocks } from './comment-body.js';

/** The runner refuses a step summary over 1 MiB; the margin leaves room for the note. */
export const SUMMARY_MAX_BYTES = 1024 * 1024;

/** What the renderer may use of it: it cuts noise first; fitSummary is only the safety net. */
export const SUMMARY_RENDER_BUDGET = SUMMARY_MAX_BYTES - 16 * 1024;

const NOTE =
  '\n\n---\n> ✂️ **Truncated**: the report is larger than the 1 MiB job summary limit. ' +
  'The complete report is the JSON file of the `report-json` output (upload it with actions/upload-artifact).\n';

/** Cuts `text` to at most `maxBytes` of UTF-8 at a line end, with a note saying where the rest is. */
export function fitSummary(text: string, maxBytes = SUMMARY_MAX_BYTES): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  // Room for the note and for closing a few open blocks.
  const room = maxBytes - Buffer.byteLength(NOTE, 'utf8') - 256;
  // Decoding a byte-cut buffer may end in a broken character (U+FFFD): drop the partial line.
  let kept = Buffer.from(text, 'utf8').subarray(0, Math.max(0, room)).toString('utf8');
  const lineEnd = kept.lastIndexOf('\n');
  if (lineEnd > 0) kept = kept.slice(0, lineEnd);
  return `${kept}${closeOpenBlocks(kept)}${NOTE}`;
}

/** Writes the full report to the job summary; no-op (with a notice in the log) outside a runner. */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info('GITHUB_STEP_SUMMARY is not set: no job summary written');
    return;
  }
  try {
    await core.summary.addRaw(fitSummary(markdown), true).write();
  } catch (error) {
    // The verdict, the annotations and the comment still carry the report: warn, do not fail.
    core.warning(
      `could not write the job summary: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
