import { gitStdout } from './git-client.js';
import { objectSizes } from './object-sizes.js';

export type TreeEntryKind = 'file' | 'symlink' | 'submodule' | 'other';

/** One line of `git ls-tree -r --long`: the path is a label only, never a filesystem path. */
export interface TreeEntry {
  readonly path: string;
  readonly kind: TreeEntryKind;
  readonly mode: string;
  readonly sha: string;
  /** Blob size in bytes; 0 for submodules (ls-tree prints `-`) and for blobs git does not have. */
  readonly size: number;
  /** Set when git has no such blob (a partial or damaged clone): its size is not known. */
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

/**
 * Every entry of a commit's tree, recursively, relative to the repository root. Sizes come from
 * one batch-check rather than `ls-tree --long`, which dies on the first blob a partial or damaged
 * clone lacks (even one no include glob names): such a blob is listed with `missing`.
 */
export async function listTree(repo: string, commit: string): Promise<TreeEntry[]> {
  // --full-tree: paths relative to the repository root even when `repo` is a subdirectory of it.
  const output = await gitStdout(repo, ['ls-tree', '-r', '-z', '--full-tree', commit]);
  const entries = parseLsTree(output.toString('utf8'));
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
