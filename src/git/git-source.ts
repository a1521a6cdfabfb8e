import type { Diagnostic } from '../core/diagnostics.js';
import { ConfigurationError } from '../core/errors.js';
import type { SourceFile } from '../manifests/types.js';
import { type BatchObject, CatFileBatch } from './cat-file-batch.js';
import { resolveCommit } from './commits.js';
import { binarySkipped, decodeText, type Limits, planReads, symlinkSkipped } from './file-limits.js';
import { listTree, type TreeEntry } from './ls-tree.js';
import type { PathFilter } from './path-filter.js';
import type { BlobReads, RevisionFiles } from './types.js';

/**
 * Reads a revision straight from git objects: the tree from ls-tree, the blobs through one
 * cat-file process. Nothing is checked out and tree paths never touch the filesystem.
 */
export async function readGitRevision(
  repo: string,
  rev: string,
  filter: PathFilter,
  limits: Limits,
  blobs: BlobReads = new Map(),
): Promise<RevisionFiles> {
  const commit = await resolveCommit(repo, rev);
  if (!commit) throw new ConfigurationError(`'${rev}' is not a revision of ${repo}`);
  const diagnostics: Diagnostic[] = [];
  const candidates: TreeEntry[] = [];
  for (const entry of await listTree(repo, commit)) {
    if (!filter(entry.path)) continue;
    // Symlinks are never followed: their target could be anything on the machine running us.
    if (entry.kind === 'symlink') diagnostics.push(symlinkSkipped(rev, entry.path));
    // Submodules are other repositories, and 'other' modes do not exist in valid trees.
    if (entry.kind === 'file') candidates.push(entry);
  }
  const plan = planReads(candidates, rev, limits);
  diagnostics.push(...plan.diagnostics);
  const objects = await readBlobs(repo, plan.toRead, blobs);
  const files: SourceFile[] = [];
  for (const [index, entry] of plan.toRead.entries()) {
    const object = objects[index];
    const text = object?.kind === 'found' && object.type === 'blob' ? textOf(object) : null;
    if (text === null) diagnostics.push(blobMissing(rev, entry.path));
    else if (text === undefined) diagnostics.push(binarySkipped(rev, entry.path));
    else files.push({ path: entry.path, text });
  }
  return { label: rev, commit, files, diagnostics };
}

/**
 * All blobs through one batch process; a blob already asked for (by this revision or, through
 * `bySha`, by the other one) is not read again. The child never outlives this.
 */
async function readBlobs(
  repo: string,
  entries: readonly TreeEntry[],
  bySha: BlobReads,
): Promise<BatchObject[]> {
  if (entries.length === 0) return [];
  const batch = new CatFileBatch(repo);
  try {
    const reads = entries.map((entry) => {
      let read = bySha.get(entry.sha);
      if (!read) {
        read = batch.read(entry.sha);
        bySha.set(entry.sha, read);
      }
      return read;
    });
    const objects = await Promise.all(reads);
    await batch.close();
    return objects;
  } finally {
    batch.kill();
  }
}

/** Decoded once per blob, so both revisions hold the same string for a file they share. */
const texts = new WeakMap<BatchObject, string | undefined>();

function textOf(object: Extract<BatchObject, { kind: 'found' }>): string | undefined {
  if (!texts.has(object)) texts.set(object, decodeText(object.content));
  return texts.get(object);
}

function blobMissing(revision: string, file: string): Diagnostic {
  return {
    severity: 'error',
    code: 'blob-missing',
    message: 'the file is listed in the tree but git has no content for it (partial or damaged clone)',
    location: { revision, file, line: 1, column: 1 },
    dropped: file,
  };
}
