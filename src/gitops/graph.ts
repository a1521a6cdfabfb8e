import { posix } from 'node:path';
import type { LinkProblem } from '../git/symlinks.js';
import { isKustomizationName, type KustomizationRef, type ParsedKustomization } from './kustomization.js';
import type { TreeFile } from './tree.js';

/** A reason not to render, at the line of the kustomization that asks for it. */
export interface Problem {
  readonly code: string;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  /** A remote entry of resources/bases/components (`render.remote: skip` can leave it out). */
  readonly remote?: RemoteEntry;
}

/** `resources[index]` of the kustomization `file` names a remote `value`. */
export interface RemoteEntry {
  readonly file: string;
  readonly field: string;
  readonly index: number;
  readonly value: string;
}

export type Resolved =
  | { readonly kind: 'dir'; readonly path: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'path' }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string };

/** Always remote for kustomize: URLs, go-getter and scp-like git addresses, `?ref=` queries. */
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git::|[\w.-]+@[\w.-]+:)|[?&](?:ref|version|timeout|submodules)=/i;
/** `github.com/org/repo//dir`: remote when no local path of that name exists. */
const HOST_PATH = /^[\w-]+(?:\.[\w-]+)+\//;

/** `a/b/c` -> `a/b`; the repository root is `.`. */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '.' : path.slice(0, slash);
}

/** `dir` and every directory above it, deepest first, ending with `.`. */
export function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; d !== '.'; d = dirOf(d)) out.push(d);
  out.push('.');
  return out;
}

/** The files of a revision with the directories they imply and the kustomization of each directory. */
export class RepoIndex {
  readonly dirs = new Set<string>(['.']);
  /** Directory -> its kustomization file (`kustomization.yaml` wins over `.yml` and `Kustomization`). */
  readonly kustomizations = new Map<string, string>();

  constructor(
    readonly files: ReadonlyMap<string, TreeFile>,
    /** Symlinks that are not followed (tree.ts), by link path: a reference through one is refused. */
    readonly brokenLinks: ReadonlyMap<string, LinkProblem> = new Map(),
  ) {
    const names = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
    for (const path of [...files.keys()].sort()) {
      for (const d of ancestors(dirOf(path))) this.dirs.add(d);
      const base = posix.basename(path);
      if (!isKustomizationName(base)) continue;
      const current = this.kustomizations.get(dirOf(path));
      if (!current || names.indexOf(base) < names.indexOf(posix.basename(current))) {
        this.kustomizations.set(dirOf(path), path);
      }
    }
  }
}

function refused(code: string, message: string): Resolved {
  return { kind: 'refused', code, message };
}

/** Why `path`, or a directory on the way to it, is a link that is not followed; undefined if none is. */
function brokenLinkOn(index: RepoIndex, path: string, ref: KustomizationRef): Resolved | undefined {
  const at = [path, ...ancestors(dirOf(path))].find((p) => index.brokenLinks.has(p));
  const problem = at === undefined ? undefined : index.brokenLinks.get(at);
  if (!problem) return undefined;
  const named = `'${ref.value}' (${ref.field})${at === path ? '' : ` leads through ${at}, which`}`;
  switch (problem.kind) {
    case 'outside':
      return refused(
        'symlink-outside-repository',
        `${named} is a symbolic link to ${problem.target}, out of the repository; never read`,
      );
    case 'dangling':
      return refused(
        'kustomize-reference-missing',
        `${named} is a symbolic link to ${problem.target}, which does not exist in this revision`,
      );
    case 'budget':
      return refused('symlink-expansion-limit', `${named} is past the symbolic links' expansion limit`);
    default:
      return refused(
        'symlink-loop',
        `${named} is a symbolic link that loops (${problem.target}); not followed`,
      );
  }
}

/**
 * Where a reference leads in the revision, or why it is refused. Kustomize treats a reference it
 * cannot find locally as a remote base, so "missing" is refused as firmly as a URL.
 */
export function resolveRef(index: RepoIndex, fromDir: string, ref: KustomizationRef): Resolved {
  const { value } = ref;
  if (REMOTE.test(value))
    return refused('remote-base-refused', `remote base not analysed: '${value}' (${ref.field})`);
  if (posix.isAbsolute(value) || value.includes('\\')) {
    return refused('render-path-refused', `absolute path refused: '${value}' (${ref.field})`);
  }
  const path = posix.normalize(posix.join(fromDir, value)).replace(/\/+$/, '') || '.';
  if (path === '..' || path.startsWith('../')) {
    return refused('render-path-refused', `'${value}' (${ref.field}) leads outside the repository; refused`);
  }
  if (ref.role === 'path') return { kind: 'path' };
  if (index.files.has(path)) return { kind: 'file', path };
  if (index.dirs.has(path)) {
    if (ref.role === 'plugin') {
      return refused('plugin-refused', `plugin configurations from a directory are not analysed: '${value}'`);
    }
    if (ref.role === 'include' && index.kustomizations.has(path)) return { kind: 'dir', path };
    return refused(
      'kustomize-reference-missing',
      `'${value}' (${ref.field}) is a directory without a kustomization`,
    );
  }
  const broken = brokenLinkOn(index, path, ref);
  if (broken) return broken;
  if (HOST_PATH.test(value))
    return refused('remote-base-refused', `remote base not analysed: '${value}' (${ref.field})`);
  return refused(
    'kustomize-reference-missing',
    `'${value}' (${ref.field}) does not exist in this revision (kustomize would try it as a remote base; refused)`,
  );
}

/** Everything one render root reads: its kustomizations, the files they name, and what is refused. */
export interface Closure {
  readonly root: string;
  readonly dirs: Set<string>;
  readonly files: Set<string>;
  /** Files named by generators/transformers/validators: checked for plugins before rendering. */
  readonly pluginFiles: { readonly path: string; readonly from: string; readonly line: number }[];
  readonly problems: Problem[];
}

/** Follows includes transitively from `root` (a kustomization directory); cycles are visited once. */
export function closureOf(
  index: RepoIndex,
  root: string,
  parsed: ReadonlyMap<string, ParsedKustomization>,
): Closure {
  const closure: Closure = { root, dirs: new Set(), files: new Set(), pluginFiles: [], problems: [] };
  const queue = [root];
  for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
    if (closure.dirs.has(dir)) continue;
    closure.dirs.add(dir);
    const k = parsed.get(dir);
    if (!k) continue;
    closure.files.add(k.file);
    if (k.error)
      closure.problems.push({
        code: 'kustomization-invalid',
        message: `invalid kustomization: ${k.error.message}`,
        file: k.file,
        line: k.error.line,
      });
    for (const ref of k.refs) {
      const resolved = resolveRef(index, dir, ref);
      if (resolved.kind === 'dir') queue.push(resolved.path);
      else if (resolved.kind === 'file') {
        closure.files.add(resolved.path);
        if (ref.role === 'plugin')
          closure.pluginFiles.push({ path: resolved.path, from: k.file, line: ref.line });
      } else if (resolved.kind === 'refused') {
        const remote =
          resolved.code === 'remote-base-refused' && ref.role === 'include' && ref.index !== undefined
            ? { remote: { file: k.file, field: ref.field, index: ref.index, value: ref.value } }
            : {};
        closure.problems.push({
          code: resolved.code,
          message: resolved.message,
          file: k.file,
          line: ref.line,
          ...remote,
        });
      }
    }
    for (const chart of k.helmCharts) {
      if (chart.repo) {
        closure.problems.push({
          code: 'remote-base-refused',
          message: `remote Helm chart not analysed: '${chart.repo}' (helmCharts; vendor the chart and drop repo)`,
          file: k.file,
          line: chart.line,
        });
      }
    }
  }
  return closure;
}

/** Directories some kustomization includes (resources, bases, components): not roots on their own. */
export function includedDirs(
  index: RepoIndex,
  parsed: ReadonlyMap<string, ParsedKustomization>,
): Set<string> {
  const included = new Set<string>();
  for (const [dir, k] of parsed) {
    for (const ref of k.refs) {
      const resolved = ref.role === 'include' ? resolveRef(index, dir, ref) : undefined;
      if (resolved?.kind === 'dir' && resolved.path !== dir) included.add(resolved.path);
    }
  }
  return included;
}

/** The deepest directory of `claims` holding `path`, or undefined when none does. */
export function claimOf(path: string, claims: ReadonlySet<string>): string | undefined {
  return ancestors(dirOf(path)).find((d) => claims.has(d));
}

/** Every file of the tree at or below one of `dirs`. */
export function filesUnder(index: RepoIndex, dirs: ReadonlySet<string>): string[] {
  if (dirs.has('.')) return [...index.files.keys()];
  return [...index.files.keys()].filter((path) => claimOf(path, dirs) !== undefined);
}
