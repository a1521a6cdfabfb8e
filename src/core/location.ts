/** Where a piece of input came from: the revision label, the repo-relative file, and a 1-based line/column. */
export interface SourceLocation {
  /** The revision label as the user gave it (`main`, `HEAD~1`, a sha, or a directory path). */
  readonly revision: string;
  /** Repository-relative path with `/` separators. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** `file:line`, the form reviewers click on. */
export function fileLine(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}`;
}

/** `revision:file:line:column`, the form diagnostics use. */
export function fullLocation(loc: SourceLocation): string {
  return `${loc.revision}:${loc.file}:${loc.line}:${loc.column}`;
}

export function compareLocations(a: SourceLocation, b: SourceLocation): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}
