import { type Diagnostic, REACH_ALL } from '../core/diagnostics.js';
import type { SourceLocation } from '../core/location.js';
import type { DecodedText } from './decode-text.js';
import type { LinkProblem } from './symlinks.js';

/**
 * What reading a revision's files can say about one file. An error means content that might hold
 * policies is missing: the file's namespace is unknown, so every pair is uncertain (reach all).
 */

function at(revision: string, file: string, line = 1): SourceLocation {
  return { revision, file, line, column: 1 };
}

function hex(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A character kubectl's YAML (or JSON) reader refuses, e.g. a NUL byte: kubectl refuses the file. */
export function textRefused(
  revision: string,
  file: string,
  decoded: Extract<DecodedText, { kind: 'refused' }>,
): Diagnostic {
  return {
    severity: 'error',
    code: 'control-character',
    message: `the file holds the control character ${hex(decoded.codePoint)}, which kubectl refuses (YAML and JSON allow none); not read`,
    location: at(revision, file, decoded.line),
    dropped: file,
    reach: REACH_ALL,
  };
}

/** Bytes that are not UTF-8: read as U+FFFD, as kubectl reads them; the file is analysed. */
export function invalidUtf8(revision: string, file: string, line: number): Diagnostic {
  return {
    severity: 'note',
    code: 'invalid-utf8',
    message: 'bytes that are not valid UTF-8 are read as U+FFFD, as kubectl reads them',
    location: at(revision, file, line),
  };
}

/** `manifests` or `base.d` may be a directory; `run.sh` or `README.md` names a file. */
function mayBeDirectory(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return (
    dot <= 0 ||
    !/^[A-Za-z][A-Za-z0-9]{0,7}$/.test(name.slice(dot + 1)) ||
    /^(d|yaml|yml|json)$/i.test(name.slice(dot + 1))
  );
}

export function linkProblem(revision: string, problem: LinkProblem): Diagnostic {
  const location = at(revision, problem.path);
  switch (problem.kind) {
    case 'outside': {
      const leaves = problem.via
        ? `symlink to ${problem.target} leads through ${problem.via}, which leaves the repository; not read`
        : `symlink to ${problem.target} leaves the repository; not read`;
      // A link named like a manifest, or like a directory that could hold some, may hide policies:
      // fail closed. One named like another kind of file (tools/run.sh) holds no manifest.
      if (problem.wanted || mayBeDirectory(problem.path)) {
        return {
          severity: 'error',
          code: 'symlink-outside-repository',
          message: leaves,
          location,
          dropped: problem.path,
          reach: REACH_ALL,
        };
      }
      return {
        severity: 'warning',
        code: 'symlink-outside-repository',
        message: `${leaves} (its name is not a manifest's, so it is taken for a file that holds none)`,
        location,
      };
    }
    case 'budget':
      return {
        severity: 'error',
        code: 'symlink-expansion-limit',
        message: `symbolic links expand the tree past ${problem.limit} entries; stopped following them here`,
        location,
        dropped: `files from ${problem.path} on`,
        reach: REACH_ALL,
      };
    case 'cycle':
      // Nothing is missing: the directory is read on its own path; kubectl would not finish.
      return {
        severity: 'warning',
        code: 'symlink-cycle',
        message: `symlink to ${problem.target} leads back into a directory already being read; not followed again`,
        location,
      };
    case 'loop':
      return {
        severity: 'warning',
        code: 'symlink-cycle',
        message: `symlink to ${problem.target} loops (too many levels of symbolic links); kubectl cannot read it`,
        location,
      };
    case 'dangling':
      return {
        severity: 'warning',
        code: 'symlink-dangling',
        message: `symlink to ${problem.target} points to nothing in this revision; kubectl cannot read it`,
        location,
      };
  }
}

export function blobMissing(revision: string, file: string): Diagnostic {
  return {
    severity: 'error',
    code: 'blob-missing',
    message: 'the file is listed in the tree but git has no content for it (partial or damaged clone)',
    location: at(revision, file),
    dropped: file,
    reach: REACH_ALL,
  };
}

/** A directory whose tree object git lacks: none of its files can be listed or read. */
export function treeMissing(revision: string, dir: string): Diagnostic {
  return {
    severity: 'error',
    code: 'tree-missing',
    message:
      'the directory is listed but git has no tree for it (partial or damaged clone); none of its files were read',
    location: at(revision, dir),
    dropped: `${dir}/`,
    reach: REACH_ALL,
  };
}

/** The revision's tree itself cannot be listed: nothing of it is read. */
export function treeUnreadable(revision: string, why: string): Diagnostic {
  return {
    severity: 'error',
    code: 'tree-unreadable',
    message: `git cannot list the files of revision ${revision} (partial or damaged clone): ${why}`,
    dropped: 'every file of the revision',
    reach: REACH_ALL,
  };
}
