import { constants, type Dirent } from 'node:fs';
import { type FileHandle, lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceFile } from '../manifests/types.js';
import {
  binarySkipped,
  type Candidate,
  decodeText,
  fileTooLarge,
  type Limits,
  planReads,
  symlinkSkipped,
} from './file-limits.js';
import type { PathFilter } from './path-filter.js';
import type { RevisionFiles } from './types.js';

/** Never descended into: VCS internals and dependency trees hold no manifests of the repo. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);

/**
 * O_NOFOLLOW: a file swapped for a symlink after the walk is refused rather than followed.
 * O_NONBLOCK: a file swapped for a FIFO cannot hang the read. Both are 0 where unsupported.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

interface DirectoryCandidate extends Candidate {
  readonly absolute: string;
}

/** Reads a directory tree without following symlinks; `label` is the directory as the user gave it. */
export async function readDirectory(
  root: string,
  label: string,
  filter: PathFilter,
  limits: Limits,
): Promise<RevisionFiles> {
  const diagnostics: Diagnostic[] = [];
  const candidates: DirectoryCandidate[] = [];
  const onUnreadable = (path: string, error: unknown) => diagnostics.push(unreadable(label, path, error));
  const visit: Visit = async (entry, absolute, path) => {
    if (!filter(path)) return;
    if (entry.isSymbolicLink()) diagnostics.push(symlinkSkipped(label, path));
    // Sockets, FIFOs and devices are not files to read (a FIFO would block forever).
    else if (entry.isFile()) {
      try {
        candidates.push({ path, absolute, size: (await lstat(absolute)).size });
      } catch (error) {
        onUnreadable(path, error);
      }
    }
  };
  await walk(root, '', visit, onUnreadable);
  const plan = planReads(candidates, label, limits);
  diagnostics.push(...plan.diagnostics);
  const files: SourceFile[] = [];
  for (const candidate of plan.toRead) {
    const read = await readRegularFile(candidate.absolute, limits.maxFileBytes);
    if (read.kind === 'too-large') diagnostics.push(fileTooLarge(label, candidate, limits.maxFileBytes));
    else if (read.kind === 'not-regular') diagnostics.push(symlinkSkipped(label, candidate.path));
    else if (read.kind === 'unreadable') diagnostics.push(unreadable(label, candidate.path, read.error));
    else {
      const text = decodeText(read.content);
      if (text === undefined) diagnostics.push(binarySkipped(label, candidate.path));
      else files.push({ path: candidate.path, text });
    }
  }
  return { label, files, diagnostics };
}

type Visit = (entry: Dirent, absolute: string, path: string) => Promise<void>;
type OnUnreadable = (path: string, error: unknown) => void;

/**
 * Depth-first walk; Dirent types come from readdir, which reports a symlink as a symlink, so a
 * symlinked directory is never entered. An unreadable subdirectory is reported, not fatal.
 */
async function walk(
  absolute: string,
  relative: string,
  visit: Visit,
  onUnreadable: OnUnreadable,
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(absolute, { withFileTypes: true });
  } catch (error) {
    if (relative === '') throw error;
    onUnreadable(relative, error);
    return;
  }
  for (const entry of entries) {
    const childAbsolute = join(absolute, entry.name);
    const childRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) await walk(childAbsolute, childRelative, visit, onUnreadable);
    } else {
      await visit(entry, childAbsolute, childRelative);
    }
  }
}

type FileRead =
  | { readonly kind: 'ok'; readonly content: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'not-regular' }
  | { readonly kind: 'unreadable'; readonly error: unknown };

/**
 * Opens without following a symlink and re-checks type and size on the open handle, so a file
 * replaced (by a symlink, a FIFO, or a bigger file) since the walk is refused, not followed.
 */
async function readRegularFile(absolute: string, maxBytes: number): Promise<FileRead> {
  let handle: FileHandle;
  try {
    handle = await open(absolute, OPEN_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return { kind: 'not-regular' };
    return { kind: 'unreadable', error };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { kind: 'not-regular' };
    if (stat.size > maxBytes) return { kind: 'too-large' };
    return { kind: 'ok', content: await handle.readFile() };
  } catch (error) {
    return { kind: 'unreadable', error };
  } finally {
    await handle.close();
  }
}

function unreadable(revision: string, file: string, error: unknown): Diagnostic {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return {
    severity: 'error',
    code: 'file-unreadable',
    message: `cannot read: ${code ?? (error instanceof Error ? error.message : String(error))}`,
    location: { revision, file, line: 1, column: 1 },
    dropped: file,
  };
}
