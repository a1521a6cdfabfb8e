import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CatFileBatch } from '../git/cat-file-batch.js';
import { snapshot } from '../git/directory-source.js';
import { listTreeOnce } from '../git/ls-tree.js';
import { directoriesOf, expandLinks, type LinkProblem, type LinkTree } from '../git/symlinks.js';
import type { RevisionInput } from '../git/types.js';

/** One file of a revision as kustomize and Helm would read it: a regular file, or one reached through an in-repo link. */
export interface TreeFile {
  readonly path: string;
  readonly size: number;
}

/**
 * Every file of one revision, unfiltered: kustomize reads `.env` and `.properties` files that the
 * include globs never see. In-repo symlinks are followed as kustomize follows them on a checkout
 * (src/git/symlinks.ts, the same resolution as the manifest reader): a linked file is a file under
 * the link's path with its target's content, a linked directory lists its target's files under the
 * link's path. The render workspace then holds regular files only, so no tool can follow a link
 * anywhere. Contents are read only for the files asked for.
 */
export interface RevisionTree {
  readonly files: ReadonlyMap<string, TreeFile>;
  /** Links that lead out of the repository, nowhere, or round in a loop, by link path: never read. */
  readonly brokenLinks: ReadonlyMap<string, LinkProblem>;
  /** Contents by path; a path that cannot be read is absent from the result. */
  read(paths: readonly string[]): Promise<Map<string, Buffer>>;
}

/** Same rule as the reader in src/git: a symlink or FIFO swapped in after the walk is not followed. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export async function openTree(input: RevisionInput, commit: string | undefined): Promise<RevisionTree> {
  if (input.kind === 'git') {
    if (!commit) throw new Error(`no commit resolved for ${input.rev}`);
    return gitTree(input, input.repo, commit);
  }
  return directoryTree(resolve(input.path));
}

/** A link tree with its links followed: each file (by the path it is read under) and the broken links. */
function followLinks<F>(tree: LinkTree<F>): { files: Map<string, F>; broken: Map<string, LinkProblem> } {
  const { files, problems } = expandLinks(tree, () => true);
  return {
    files: new Map(files.map((f) => [f.path, f.file])),
    broken: new Map(problems.map((p) => [p.path, p])),
  };
}

interface GitBlob {
  readonly sha: string;
  readonly size: number;
}

async function readGitBlobs(repo: string, shas: readonly string[]): Promise<(Buffer | undefined)[]> {
  if (shas.length === 0) return [];
  const batch = new CatFileBatch(repo);
  try {
    const objects = await Promise.all(shas.map((sha) => batch.read(sha)));
    await batch.close();
    return objects.map((o) => (o.kind === 'found' && o.type === 'blob' ? o.content : undefined));
  } finally {
    batch.kill();
  }
}

async function gitTree(input: RevisionInput, repo: string, commit: string): Promise<RevisionTree> {
  // A tree git cannot list (damaged clone) renders nothing: src/git reports it as an error. The
  // manifest reader listed the same commit for this input already: that listing is reused.
  const entries = await listTreeOnce(input, repo, commit).catch(() => []);
  const regular = new Map<string, GitBlob>();
  for (const e of entries) if (e.kind === 'file') regular.set(e.path, { sha: e.sha, size: e.size });
  const symlinks = entries.filter((e) => e.kind === 'symlink');
  // A link's blob is its target; one git cannot give leads nowhere known, so it is not followed.
  const targets = await readGitBlobs(
    repo,
    symlinks.map((e) => e.sha),
  );
  const links = new Map<string, string>();
  symlinks.forEach((e, i) => {
    const target = targets[i];
    if (target) links.set(e.path, target.toString('utf8'));
  });
  const dirs = directoriesOf(entries.map((e) => e.path));
  const { files: blobs, broken } = followLinks({ files: regular, links, dirs });
  const files = new Map([...blobs].map(([path, b]) => [path, { path, size: b.size }]));
  const read = async (paths: readonly string[]): Promise<Map<string, Buffer>> => {
    const wanted = paths.filter((p) => blobs.has(p));
    const contents = await readGitBlobs(
      repo,
      wanted.map((p) => blobs.get(p)!.sha),
    );
    const result = new Map<string, Buffer>();
    wanted.forEach((path, i) => {
      const content = contents[i];
      if (content) result.set(path, content);
    });
    return result;
  };
  return { files, brokenLinks: broken, read };
}

async function directoryTree(root: string): Promise<RevisionTree> {
  // Unreadable entries are reported by src/git's reader already; here they are just absent.
  const tree = await snapshot(root, () => {}).catch(() => ({
    files: new Map<string, string>(),
    links: new Map<string, string>(),
    dirs: new Map<string, string[]>(),
  }));
  const { files: absolutes, broken } = followLinks(tree);
  const files = new Map<string, TreeFile>();
  for (const [path, absolute] of absolutes) {
    try {
      files.set(path, { path, size: (await lstat(absolute)).size });
    } catch {
      // Vanished since the walk: absent, like any unreadable file.
    }
  }
  const read = async (paths: readonly string[]): Promise<Map<string, Buffer>> => {
    const result = new Map<string, Buffer>();
    for (const path of paths) {
      const absolute = files.has(path) ? absolutes.get(path) : undefined;
      const content = absolute === undefined ? undefined : await readRegular(absolute);
      if (content) result.set(path, content);
    }
    return result;
  };
  return { files, brokenLinks: broken, read };
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
