/** GitHub rejects issue comments longer than this (it counts characters; JS length never undercounts). */
export const COMMENT_MAX_CHARS = 65_536;

/**
 * The hidden marker that finds this job's comment again. It names workflow and job so two
 * workflows (or two jobs) running policy-diff on one PR keep one comment each.
 */
export function commentMarker(workflow: string, job: string): string {
  // `--` would end the HTML comment early; keep the marker one short, stable line.
  const clean = (s: string) =>
    s
      .replace(/[^\w .:/()@+-]/g, '_')
      .replace(/-{2,}/g, '-')
      .trim();
  return `<!-- policy-diff:${clean(workflow)}:${clean(job)} -->`;
}

/** Ours only when the marker opens the body: a reply quoting our comment starts with `>`. */
export function isOurComment(body: string | null | undefined, marker: string): boolean {
  return typeof body === 'string' && body.startsWith(marker);
}

export interface CommentBodyOptions {
  /** Link to the run, where the job summary holds the full report. */
  readonly summaryUrl?: string;
  /** The PR no longer changes anything: said first so an old comment is not misread. */
  readonly noLongerChanges?: boolean;
  readonly maxChars?: number;
}

function truncationNote(summaryUrl: string | undefined): string {
  const where = summaryUrl ? `[job summary](${summaryUrl})` : 'job summary of this run';
  return (
    `\n\n---\n> ✂️ **Truncated**: this comment was cut to fit GitHub's ${COMMENT_MAX_CHARS.toLocaleString('en-US')}-character limit. ` +
    `The full report is in the ${where} and in the JSON report (\`report-json\` output).\n`
  );
}

/** Closes what a cut may have left open, so the note renders as text and not inside a block. */
export function closeOpenBlocks(text: string): string {
  let closers = '';
  const fences = text.match(/^\s*```/gm)?.length ?? 0;
  if (fences % 2 === 1) closers += '\n```';
  const opened = text.match(/<details[\s>]/g)?.length ?? 0;
  const closed = text.match(/<\/details>/g)?.length ?? 0;
  for (let i = closed; i < opened; i++) closers += '\n\n</details>';
  return closers;
}

/**
 * The final safety net: whatever the renderer produced, the body GitHub receives fits the limit.
 * Cuts at a line end (never inside a row or a surrogate pair) and says where the rest is.
 */
export function fitComment(body: string, summaryUrl?: string, maxChars = COMMENT_MAX_CHARS): string {
  if (body.length <= maxChars) return body;
  const note = truncationNote(summaryUrl);
  // Room for the note and for closing up to a few open blocks.
  let keep = body.slice(0, Math.max(0, maxChars - note.length - 200));
  const lineEnd = keep.lastIndexOf('\n');
  if (lineEnd > keep.length / 2) keep = keep.slice(0, lineEnd);
  if (/[\uD800-\uDBFF]$/.test(keep)) keep = keep.slice(0, -1);
  const result = `${keep}${closeOpenBlocks(keep)}${note}`;
  // Pathological input (thousands of unclosed <details>): fall back to a hard cut.
  return result.length <= maxChars
    ? result
    : `${body.slice(0, maxChars - note.length)}${note}`.slice(0, maxChars);
}

/** Marker, optional "no longer changes" banner, the rendered report; always within the limit. */
export function buildCommentBody(marker: string, markdown: string, options: CommentBodyOptions = {}): string {
  const banner = options.noLongerChanges
    ? '> This pull request no longer changes any access path or finding; the earlier report is replaced by this one.\n\n'
    : '';
  return fitComment(
    `${marker}\n${banner}${markdown}`,
    options.summaryUrl,
    options.maxChars ?? COMMENT_MAX_CHARS,
  );
}
