import { type Diagnostic, REACH_ALL } from '../core/diagnostics.js';
import type { SourceLocation } from '../core/location.js';
import { comparePaths } from './path-filter.js';

export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_TOTAL_BYTES = 512 * 1024 * 1024;

export interface Limits {
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
}

/** A file that passed the path filter, with its size known before its content is read. */
export interface Candidate {
  readonly path: string;
  readonly size: number;
}

function at(revision: string, file: string): SourceLocation {
  return { revision, file, line: 1, column: 1 };
}

/**
 * Sorts candidates by path and keeps those within the limits. A file too large to read, or the
 * files past the total budget, might hold policies, so each is an error: the result is incomplete.
 */
export function planReads<T extends Candidate>(
  candidates: readonly T[],
  revision: string,
  limits: Limits,
): { toRead: T[]; diagnostics: Diagnostic[] } {
  const toRead: T[] = [];
  const diagnostics: Diagnostic[] = [];
  let total = 0;
  const sorted = [...candidates].sort((a, b) => comparePaths(a.path, b.path));
  for (const [index, candidate] of sorted.entries()) {
    if (candidate.size > limits.maxFileBytes) {
      diagnostics.push(fileTooLarge(revision, candidate, limits.maxFileBytes));
      continue;
    }
    if (total + candidate.size > limits.maxTotalBytes) {
      diagnostics.push(totalExceeded(revision, candidate.path, sorted.length - index, limits.maxTotalBytes));
      break;
    }
    total += candidate.size;
    toRead.push(candidate);
  }
  return { toRead, diagnostics };
}

export function fileTooLarge(revision: string, candidate: Candidate, max: number): Diagnostic {
  return {
    severity: 'error',
    code: 'file-too-large',
    message: `file is ${candidate.size} bytes, over the limit of ${max} bytes; not read`,
    location: at(revision, candidate.path),
    dropped: candidate.path,
    reach: REACH_ALL,
  };
}

function totalExceeded(revision: string, file: string, remaining: number, max: number): Diagnostic {
  return {
    severity: 'error',
    code: 'total-size-exceeded',
    message: `stopped reading: the files together exceed the limit of ${max} bytes`,
    location: at(revision, file),
    dropped: `${remaining} file(s) from ${file} on`,
    reach: REACH_ALL,
  };
}
