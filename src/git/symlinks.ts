import type { PathFilter } from './path-filter.js';

/**
 * Symbolic links followed as `kubectl apply -R`, kustomize and Argo CD follow them (SEMANTICS R3),
 * over one snapshot of a revision: a git tree (mode 120000 entries, whose blob is the target) or
 * a directory walked with lstat/readlink. Nothing here touches the filesystem, so a link is
 * resolved only against the snapshot and a target outside it is never read.
 *
 * A file reached through a link is analysed under the link's path (its file:line are the link
 * path's): that is the path kubectl and Argo CD name, and the one the reviewer sees in the tree.
 * A file reached twice (directly and through a link) is read twice, as kubectl applies it twice.
 */
export interface LinkTree<F> {
  /** Regular files by repository path (`/` separated, no leading `/`). */
  readonly files: ReadonlyMap<string, F>;
  /** Symbolic links by repository path, with their target as written (relative or absolute). */
  readonly links: ReadonlyMap<string, string>;
  /** Every directory ('' is the root) with the names of its entries. */
  readonly dirs: ReadonlyMap<string, readonly string[]>;
}

/** One file of the revision as it is read: under `path`, with the content of `file`. */
export interface LinkedFile<F> {
  readonly path: string;
  readonly file: F;
}

export type LinkProblem =
  /** The link, or one it leads through, points out of the repository: never read, an error. */
  | {
      readonly kind: 'outside';
      readonly path: string;
      readonly target: string;
      readonly via?: string;
      /** The link's own path is a file the include globs want (not only a directory that could hold some). */
      readonly wanted: boolean;
    }
  /** A directory link back into a directory already being read: not expanded again. */
  | { readonly kind: 'cycle'; readonly path: string; readonly target: string }
  /** More than MAX_HOPS links in a row (a link loop: a -> b -> a). */
  | { readonly kind: 'loop'; readonly path: string; readonly target: string }
  /** The target does not exist in the revision. */
  | { readonly kind: 'dangling'; readonly path: string; readonly target: string }
  /** Links expand the tree past the budget (links fanning out into each other). */
  | { readonly kind: 'budget'; readonly path: string; readonly limit: number };

/** Linux's MAXSYMLINKS: links followed while resolving one path before ELOOP. */
const MAX_HOPS = 40;
/** Entries visited beyond the snapshot's own before expansion stops with an error. */
const EXTRA_ENTRIES = 100_000;

type Resolved<F> =
  | { readonly kind: 'file'; readonly file: F }
  | { readonly kind: 'dir'; readonly path: string }
  | { readonly kind: 'outside'; readonly link: string; readonly target: string }
  | { readonly kind: 'loop' }
  | { readonly kind: 'dangling' };

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/**
 * Resolves a path component by component as the kernel does: a link's target replaces it,
 * relative to the link's directory, and `..` climbs the physical directory reached so far.
 */
export function resolvePath<F>(tree: LinkTree<F>, path: string): Resolved<F> {
  let remaining = path.split('/');
  const resolved: string[] = [];
  let hops = 0;
  // The last link followed: a `..` that climbs above the root can only come from a target.
  let lastLink = { link: path, target: '..' };
  while (remaining.length > 0) {
    const part = remaining[0] as string;
    remaining = remaining.slice(1);
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (resolved.pop() === undefined) return { kind: 'outside', ...lastLink };
      continue;
    }
    const candidate = [...resolved, part].join('/');
    const target = tree.links.get(candidate);
    if (target === undefined) {
      resolved.push(part);
      continue;
    }
    if (++hops > MAX_HOPS) return { kind: 'loop' };
    if (target.startsWith('/')) return { kind: 'outside', link: candidate, target };
    lastLink = { link: candidate, target };
    remaining = [...target.split('/'), ...remaining];
  }
  const at = resolved.join('/');
  const file = tree.files.get(at);
  if (file !== undefined) return { kind: 'file', file };
  return tree.dirs.has(at) ? { kind: 'dir', path: at } : { kind: 'dangling' };
}

/**
 * Whether the include globs could match a file below `dir`: probes with the manifest extensions,
 * so a link that might be a directory of manifests is not dismissed for its own name.
 */
export function couldHoldManifests(filter: PathFilter, dir: string): boolean {
  return ['yaml', 'yml', 'json'].some((ext) => filter(`${dir}/x.${ext}`) || filter(`${dir}/x/x.${ext}`));
}

/**
 * Every file of the tree the filter wants, with links followed: file links read the target's
 * content under the link path, directory links list the target directory under the link path.
 * Problems are reported only for links that could hold wanted files.
 */
export function expandLinks<F>(
  tree: LinkTree<F>,
  filter: PathFilter,
): { files: LinkedFile<F>[]; problems: LinkProblem[] } {
  const files: LinkedFile<F>[] = [];
  const problems: LinkProblem[] = [];
  const limit = tree.files.size + tree.links.size + tree.dirs.size + EXTRA_ENTRIES;
  let visited = 0;
  // Explicit stack: deep trees cannot overflow the call stack. `chain` holds the physical
  // directories from the root down to this one, so a link back into any of them is a cycle.
  const stack: { physical: string; path: string; chain: readonly string[] }[] = [
    { physical: '', path: '', chain: [''] },
  ];
  while (stack.length > 0) {
    const { physical, path, chain } = stack.pop() as (typeof stack)[number];
    for (const name of tree.dirs.get(physical) ?? []) {
      if (++visited > limit) {
        problems.push({ kind: 'budget', path: joinPath(path, name), limit });
        return { files, problems };
      }
      const childPhysical = joinPath(physical, name);
      const childPath = joinPath(path, name);
      const file = tree.files.get(childPhysical);
      if (file !== undefined) {
        if (filter(childPath)) files.push({ path: childPath, file });
      } else if (tree.dirs.has(childPhysical)) {
        stack.push({ physical: childPhysical, path: childPath, chain: [...chain, childPhysical] });
      } else {
        const target = tree.links.get(childPhysical);
        if (target === undefined) continue;
        const wanted = filter(childPath);
        const resolved = resolvePath(tree, childPhysical);
        if (resolved.kind === 'file') {
          if (wanted) files.push({ path: childPath, file: resolved.file });
        } else if (resolved.kind === 'dir') {
          if (!chain.includes(resolved.path)) {
            stack.push({ physical: resolved.path, path: childPath, chain: [...chain, resolved.path] });
          } else if (couldHoldManifests(filter, childPath)) {
            problems.push({ kind: 'cycle', path: childPath, target });
          }
        } else if (wanted || couldHoldManifests(filter, childPath)) {
          problems.push(problemOf(resolved, childPath, childPhysical, target, wanted));
        }
      }
    }
  }
  return { files, problems };
}

function problemOf<F>(
  resolved: Exclude<Resolved<F>, { kind: 'file' | 'dir' }>,
  path: string,
  physical: string,
  target: string,
  wanted: boolean,
): LinkProblem {
  if (resolved.kind === 'outside') {
    // Name the hop that leaves when it is not the link itself (a -> b, b -> /etc).
    return resolved.link === physical
      ? { kind: 'outside', path, target, wanted }
      : { kind: 'outside', path, target, wanted, via: `${resolved.link} -> ${resolved.target}` };
  }
  return { kind: resolved.kind, path, target };
}

/** The directories of a set of file paths, each with its entries' names, root included. */
export function directoriesOf(paths: Iterable<string>): Map<string, string[]> {
  const dirs = new Map<string, Set<string>>([['', new Set()]]);
  for (const path of paths) {
    let parent = '';
    for (const part of path.split('/')) {
      const names = dirs.get(parent) ?? new Set<string>();
      dirs.set(parent, names);
      names.add(part);
      parent = joinPath(parent, part);
    }
  }
  const sorted = new Map<string, string[]>();
  for (const [dir, names] of dirs) sorted.set(dir, [...names].sort());
  return sorted;
}
