import { constants, type Dirent } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CatFileBatch } from '../git/cat-file-batch.js';
import { listTree } from '../git/ls-tree.js';
import type { RevisionInput } from '../git/types.js';

/** One regular file of a revision; symlinks and submodules are never part of a tree here. */
export interface TreeFile {
  readonly path: string;
  readonly size: number;
}

/**
 * Every regular file of one revision, unfiltered: kustomize reads `.env` and `.properties` files
 * that the include globs never see. Contents are read only for the files asked for.
 */
export interface RevisionTree {
  readonly files: ReadonlyMap<string, TreeFile>;
  /** Contents by path; a path that cannot be read is absent from the result. */
  read(paths: readonly string[]): Promise<Map<string, Buffer>>;
}

/** Same rule as the reader in src/git: a symlink or FIFO swapped in after the walk is not followed. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);

export async function openTree(input: RevisionInput, commit: string | undefined): Promise<RevisionTree> {
  if (input.kind === 'git') {
    if (!commit) throw new Error(`no commit resolved for ${input.rev}`);
    return gitTree(input.repo, commit);
  }
  return directoryTree(resolve(input.path));
}

async function gitTree(repo: string, commit: string): Promise<RevisionTree> {
  const shas = new Map<string, string>();
  const files = new Map<string, TreeFile>();
  // A tree git cannot list (damaged clone) renders nothing: src/git reports it as an error.
  for (const entry of await listTree(repo, commit).catch(() => [])) {
    if (entry.kind !== 'file') continue;
    shas.set(entry.path, entry.sha);
    files.set(entry.path, { path: entry.path, size: entry.size });
  }
  const read = async (paths: readonly string[]): Promise<Map<string, Buffer>> => {
    const result = new Map<string, Buffer>();
    const wanted = paths.filter((p) => shas.has(p));
    if (wanted.length === 0) return result;
    const batch = new CatFileBatch(repo);
    try {
      const objects = await Promise.all(wanted.map((p) => batch.read(shas.get(p) ?? '')));
      await batch.close();
      objects.forEach((object, index) => {
        const path = wanted[index];
        if (path !== undefined && object.kind === 'found' && object.type === 'blob')
          result.set(path, object.content);
      });
      return result;
    } finally {
      batch.kill();
    }
  };
  return { files, read };
}

async function directoryTree(root: string): Promise<RevisionTree> {
  const files = new Map<string, TreeFile>();
  await walk(root, '', files);
  const read = async (paths: readonly string[]): Promise<Map<string, Buffer>> => {
    const result = new Map<string, Buffer>();
    for (const path of paths) {
      if (!files.has(path)) continue;
      const content = await readRegular(join(root, path));
      if (content) result.set(path, content);
    }
    return result;
  };
  return { files, read };
}

/** Depth-first; readdir reports symlinks as symlinks, so a symlinked directory is never entered. */
async function walk(absolute: string, relative: string, out: Map<string, TreeFile>): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(absolute, { withFileTypes: true });
  } catch {
    // Unreadable directories are reported by src/git's reader already; here they are just absent.
    return;
  }
  for (const entry of entries) {
    const childAbsolute = join(absolute, entry.name);
    const childRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) await walk(childAbsolute, childRelative, out);
    } else if (entry.isFile()) {
      try {
        out.set(childRelative, { path: childRelative, size: (await lstat(childAbsolute)).size });
      } catch {
        // Vanished since readdir: absent, like any unreadable file.
      }
    }
  }
}

async function readRegular(absolute: string): Promise<Buffer | undefined> {
  try {
    const handle = await open(absolute, OPEN_FLAGS);
    try {
      return (await handle.stat()).isFile() ? await handle.readFile() : undefined;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}
