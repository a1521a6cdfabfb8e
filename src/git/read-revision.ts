import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { compareDiagnostics } from '../core/diagnostics.js';
import { ConfigurationError } from '../core/errors.js';
import { resolveCommit } from './commits.js';
import { readDirectory } from './directory-source.js';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TOTAL_BYTES, type Limits } from './file-limits.js';
import { readGitRevision } from './git-source.js';
import { createPathFilter } from './path-filter.js';
import type { ReadOptions, RevisionFiles, RevisionInput } from './types.js';

export { ensureCommit, isShallow, mergeBase } from './commits.js';
export type { BlobReads, ReadOptions, RevisionFiles, RevisionInput } from './types.js';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * An existing directory on disk wins over a revision of the same name; anything else must be a
 * revision of `repo`. `role` (`base`, `head`) prefixes the error message.
 */
export async function resolveRevisionInput(arg: string, repo: string, role?: string): Promise<RevisionInput> {
  if (arg !== '' && (await isDirectory(arg))) return { kind: 'directory', path: arg };
  const prefix = role ? `${role}: ` : '';
  if (!(await isDirectory(repo))) {
    throw new ConfigurationError(
      `${prefix}'${arg}' is not a directory, and the repository ${repo} does not exist`,
    );
  }
  if (!(await resolveCommit(repo, arg))) {
    throw new ConfigurationError(
      `${prefix}'${arg}' is neither a directory nor a revision of ${resolve(repo)}`,
    );
  }
  return { kind: 'git', repo, rev: arg };
}

/** All files of one side matching the include/exclude globs, sorted by path, with what was skipped. */
export async function readRevision(input: RevisionInput, options: ReadOptions): Promise<RevisionFiles> {
  const filter = createPathFilter(options.include, options.exclude);
  const limits: Limits = {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    maxTotalBytes: options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES,
  };
  const result =
    input.kind === 'git'
      ? await readGitRevision(input.repo, input.rev, filter, limits, options.blobs, input, options.planned)
      : await readExistingDirectory(input.path, filter, limits, options.planned);
  result.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  result.diagnostics.sort(compareDiagnostics);
  return result;
}

async function readExistingDirectory(
  path: string,
  filter: ReturnType<typeof createPathFilter>,
  limits: Limits,
  planned: ReadOptions['planned'],
): Promise<RevisionFiles> {
  if (!(await isDirectory(path))) throw new ConfigurationError(`'${path}' is not a directory`);
  return readDirectory(resolve(path), path, filter, limits, planned);
}
