import { gitStdout } from './git-client.js';
import { objectSizes } from './object-sizes.js';

/** `missing-tree`: a directory whose tree object git does not have (damaged clone). */
export type TreeEntryKind = 'file' | 'symlink' | 'submodule' | 'missing-tree' | 'other';

/** One line of `git ls-tree -r --long`: the path is a label only, never a filesystem path. */
export interface TreeEntry {
  readonly path: string;
  readonly kind: TreeEntryKind;
  readonly mode: string;
  readonly sha: string;
  /** Blob size in bytes; 0 for submodules (ls-tree prints `-`) and for blobs git does not have. */
  readonly size: number;
  /** Set when the clone does not hold the blob (damaged, or a partial clone not fetched yet): size unknown. */
  readonly missing?: true;
}

// `<mode> SP <type> SP <object> [SP+ <size>] TAB <path>`; with --long the size column is padded.
const ENTRY = /^([0-7]{6}) ([a-z]+) ([0-9a-f]{40,64})(?: +(-|\d+))?\t(.+)$/s;

function kindOf(mode: string, type: string): TreeEntryKind {
  if (mode === '120000') return 'symlink';
  if (mode === '160000' || type === 'commit') return 'submodule';
  return type === 'blob' && mode.startsWith('100') ? 'file' : 'other';
}

export function parseLsTree(output: string): TreeEntry[] {
  // With -z every record ends with NUL: anything else is a listing cut short, never a shorter tree.
  if (output !== '' && !output.endsWith('\0')) {
    throw new Error(`git ls-tree output is incomplete (ends with '${output.slice(-80)}')`);
  }
  const entries: TreeEntry[] = [];
  for (const record of output.split('\0')) {
    if (record === '') continue;
    const match = ENTRY.exec(record);
    if (!match) throw new Error(`unexpected git ls-tree output: '${record.slice(0, 200)}'`);
    const [, mode = '', type = '', sha = '', size = '', path = ''] = match;
    entries.push({
      path,
      kind: kindOf(mode, type),
      mode,
      sha,
      size: size === '-' || size === '' ? 0 : Number(size),
    });
  }
  return entries;
}

const listings = new WeakMap<object, Map<string, Promise<readonly TreeEntry[]>>>();

/**
 * listTree, asked once per `scope` and commit: the manifest reader (git-source.ts) and the render
 * tree (gitops/tree.ts) both list the same commit, and on a big repository each listing costs a
 * process walking every blob's header for its size (a third of the read stage on 5,000 loose
 * objects). The scope is the side's RevisionInput, which lives for one run: a later run (the
 * clone fetched or lost objects since) lists again. A failed listing fails for every asker.
 */
export function listTreeOnce(scope: object, repo: string, commit: string): Promise<readonly TreeEntry[]> {
  let byCommit = listings.get(scope);
  if (!byCommit) {
    byCommit = new Map();
    listings.set(scope, byCommit);
  }
  const key = `${repo}\u0000${commit}`;
  let listing = byCommit.get(key);
  if (!listing) {
    listing = listTree(repo, commit);
    byCommit.set(key, listing);
  }
  return listing;
}

/**
 * Every entry of a commit's tree, recursively, relative to the repository root. Sizes come from
 * one batch-check rather than `ls-tree --long`, which dies on the first blob a partial or damaged
 * clone lacks (even one no include glob names): such a blob is listed with `missing`.
 */
export async function listTree(repo: string, commit: string): Promise<TreeEntry[]> {
  const entries = await listEntries(repo, commit);
  const blobs = entries.filter((e) => e.kind === 'file' || e.kind === 'symlink');
  const sizes = await objectSizes(
    repo,
    blobs.map((e) => e.sha),
  );
  return entries.map((entry) => {
    if (entry.kind !== 'file' && entry.kind !== 'symlink') return entry;
    const size = sizes.get(entry.sha);
    return size === undefined ? { ...entry, size: 0, missing: true } : { ...entry, size };
  });
}

async function listEntries(repo: string, commit: string): Promise<TreeEntry[]> {
  try {
    // --full-tree: paths relative to the repository root even when `repo` is a subdirectory of it.
    const output = await gitStdout(repo, ['ls-tree', '-r', '-z', '--full-tree', commit]);
    return parseLsTree(output.toString('utf8'));
  } catch (error) {
    // Only a damaged tree takes the slow path; a root tree git cannot read throws on.
    const root = await gitStdout(repo, ['rev-parse', '--verify', '--quiet', `${commit}^{tree}`]).catch(() => {
      throw error;
    });
    return listDamaged(repo, root.toString('utf8').trim(), '');
  }
}

/**
 * `ls-tree -r` stops at the first tree object git lacks. Listed one directory at a time instead,
 * only a directory whose tree is missing is lost, as a `missing-tree` entry.
 */
async function listDamaged(repo: string, tree: string, prefix: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  for (const entry of parseLsTree((await gitStdout(repo, ['ls-tree', '-z', tree])).toString('utf8'))) {
    const path = prefix === '' ? entry.path : `${prefix}/${entry.path}`;
    if (entry.mode !== '040000') {
      entries.push({ ...entry, path });
      continue;
    }
    try {
      entries.push(...(await listDamaged(repo, entry.sha, path)));
    } catch {
      entries.push({ ...entry, path, kind: 'missing-tree' });
    }
  }
  return entries;
}
