import { constants, type Dirent } from 'node:fs';
import { type FileHandle, lstat, open, readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { type Diagnostic, REACH_ALL } from '../core/diagnostics.js';
import type { SourceFile } from '../manifests/types.js';
import { decodeText } from './decode-text.js';
import { type Candidate, fileTooLarge, type Limits, planReads } from './file-limits.js';
import type { PathFilter } from './path-filter.js';
import { invalidUtf8, linkProblem, textRefused } from './read-diagnostics.js';
import { expandLinks, joinPath, type LinkTree } from './symlinks.js';
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

/**
 * Reads a directory tree; `label` is the directory as the user gave it. Symbolic links are read
 * with readlink and resolved inside the walked snapshot (src/git/symlinks.ts), exactly as in a git
 * revision, so a link out of the directory is never opened.
 */
export async function readDirectory(
  root: string,
  label: string,
  filter: PathFilter,
  limits: Limits,
  planned?: (bytes: number, files: number) => void,
): Promise<RevisionFiles> {
  const diagnostics: Diagnostic[] = [];
  const onUnreadable = (path: string, error: unknown) => diagnostics.push(unreadable(label, path, error));
  const tree = await snapshot(root, onUnreadable);
  const { files: linked, problems } = expandLinks(tree, filter);
  diagnostics.push(...problems.map((problem) => linkProblem(label, problem)));
  const candidates: DirectoryCandidate[] = [];
  for (const { path, file: absolute } of linked) {
    try {
      candidates.push({ path, absolute, size: (await lstat(absolute)).size });
    } catch (error) {
      onUnreadable(path, error);
    }
  }
  const plan = planReads(candidates, label, limits);
  diagnostics.push(...plan.diagnostics);
  planned?.(
    plan.toRead.reduce((n, c) => n + c.size, 0),
    plan.toRead.length,
  );
  const files: SourceFile[] = [];
  for (const candidate of plan.toRead) {
    const read = await readRegularFile(candidate.absolute, limits.maxFileBytes);
    if (read.kind === 'too-large') diagnostics.push(fileTooLarge(label, candidate, limits.maxFileBytes));
    else if (read.kind === 'not-regular')
      diagnostics.push(unreadable(label, candidate.path, 'changed while read'));
    else if (read.kind === 'unreadable') diagnostics.push(unreadable(label, candidate.path, read.error));
    else {
      const decoded = decodeText(read.content);
      if (decoded.kind === 'refused') diagnostics.push(textRefused(label, candidate.path, decoded));
      else {
        files.push({ path: candidate.path, text: decoded.text });
        if (decoded.replacedAtLine)
          diagnostics.push(invalidUtf8(label, candidate.path, decoded.replacedAtLine));
      }
    }
  }
  return { label, files, diagnostics };
}

type OnUnreadable = (path: string, error: unknown) => void;

/**
 * The directory as a link tree: regular files (by absolute path), links with their targets and
 * every directory's entries. Sockets, FIFOs and devices are left out (a FIFO would block forever).
 * An absolute link target inside the root is made relative, so it resolves inside the snapshot.
 */
export async function snapshot(root: string, onUnreadable: OnUnreadable): Promise<LinkTree<string>> {
  const files = new Map<string, string>();
  const links = new Map<string, string>();
  const dirs = new Map<string, string[]>();
  const roots = [root, await realpath(root).catch(() => root)];
  const visit = async (entry: Dirent, absolute: string, path: string): Promise<boolean> => {
    if (entry.isFile()) files.set(path, absolute);
    else if (entry.isSymbolicLink()) {
      try {
        links.set(path, relativeTarget(await readlink(absolute), absolute, roots));
      } catch (error) {
        onUnreadable(path, error);
        return false;
      }
    } else return false;
    return true;
  };
  await walk(root, '', dirs, visit, onUnreadable);
  return { files, links, dirs };
}

function relativeTarget(target: string, link: string, roots: readonly string[]): string {
  if (!target.startsWith('/')) return target;
  for (const root of roots) {
    if (target === root || target.startsWith(`${root}${sep}`)) {
      const inRoot = relative(root, target);
      // The link's own place is always under the walked root (roots[0]).
      const fromLink = relative(dirname(relative(roots[0] ?? root, link)), inRoot);
      return fromLink === '' ? '.' : fromLink.split(sep).join('/');
    }
  }
  return target;
}

type Visit = (entry: Dirent, absolute: string, path: string) => Promise<boolean>;

/**
 * Depth-first walk; Dirent types come from readdir, which reports a symlink as a symlink, so a
 * symlinked directory is never entered here (symlinks.ts expands it). An unreadable subdirectory
 * is reported, not fatal.
 */
async function walk(
  absolute: string,
  relativePath: string,
  dirs: Map<string, string[]>,
  visit: Visit,
  onUnreadable: OnUnreadable,
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(absolute, { withFileTypes: true });
  } catch (error) {
    if (relativePath === '') throw error;
    onUnreadable(relativePath, error);
    return;
  }
  const names: string[] = [];
  dirs.set(relativePath, names);
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const childAbsolute = join(absolute, entry.name);
    const childRelative = joinPath(relativePath, entry.name);
    if (entry.isDirectory()) {
      if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
      names.push(entry.name);
      await walk(childAbsolute, childRelative, dirs, visit, onUnreadable);
    } else if (await visit(entry, childAbsolute, childRelative)) {
      names.push(entry.name);
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
    reach: REACH_ALL,
  };
}
