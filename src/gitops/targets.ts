import picomatch from 'picomatch';
import type { TargetConfig } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { RevisionFiles } from '../git/types.js';
import type { SourceFile } from '../manifests/types.js';
import { claimOf } from './graph.js';
import type { AppOutput, GitopsRevision, RootReach } from './render-revision.js';

/**
 * The target of the files no render root covers, when the targets are discovered: they are
 * applied by something else than the roots (a parenthesised name no directory has).
 */
export const OTHER_FILES_TARGET = '(other files)';

/** What one cluster or environment receives in one revision. */
export interface TargetFiles {
  readonly name: string;
  readonly files: SourceFile[];
  readonly diagnostics: Diagnostic[];
}

interface Member {
  readonly name: string;
  readonly roots: RootReach[];
  readonly plain: SourceFile[];
  /** A path this target claims, for diagnostics that name a file no root or plain file holds. */
  readonly claims: (path: string) => boolean;
}

/** A directory (itself and below) or a glob, as `targets[].paths` says. */
function pathMatcher(paths: readonly string[]): (path: string) => boolean {
  const tests = paths.map((p) =>
    /[*?[\]{}!]/.test(p)
      ? picomatch(p, { dot: true })
      : (path: string) => p === '.' || path === p || path.startsWith(`${p}/`),
  );
  return (path) => tests.some((t) => t(path));
}

function reads(root: RootReach, path: string): boolean {
  return root.files.has(path) || claimOf(path, new Set(root.dirs)) !== undefined;
}

/**
 * Splits one revision into its targets: `configured` (`targets:` of the config), else discovered:
 * when the render roots (kustomizations no other includes, or listed roots) are alternatives of
 * one another, each is its own target and the plain files one more; otherwise the revision is one
 * cluster. `several` is false when the revision is one cluster as far as it says (the run analyses
 * it whole unless the other revision has several).
 * A diagnostic goes to the targets that read its file, or to all when none does.
 */
export function splitTargets(
  revision: RevisionFiles,
  gitops: GitopsRevision,
  configured: readonly TargetConfig[] | undefined,
): { readonly targets: TargetFiles[]; readonly several: boolean } {
  const members = configured ? configuredMembers(gitops, configured) : discoveredMembers(gitops);
  const out: Diagnostic[] = [];
  if (configured) out.push(...unassigned(revision.label, gitops, members));
  const byRoot = new Map(gitops.rendered.map((r) => [r.root, r.file]));
  const all = [...revision.diagnostics, ...gitops.diagnostics];
  const targets = members.map((m) => {
    const owns = (d: Diagnostic) => d.location !== undefined && m.claims(d.location.file);
    const diagnostics = all.filter((d) => owns(d) || !members.some((o) => o.claims(d.location?.file ?? '')));
    const rendered = m.roots.flatMap((r) => byRoot.get(r.dir) ?? []);
    return { name: m.name, files: [...m.plain, ...rendered], diagnostics: [...diagnostics, ...out] };
  });
  return { targets, several: configured !== undefined || members.length > 1 };
}

/**
 * Whether the roots are alternatives (environments or clusters) rather than parts of one cluster:
 * two roots that read a common file are overlays of a shared base (`overlays/prod` and
 * `overlays/dev`, `clusters/prod` and `clusters/staging`), and no cluster applies both. Roots that
 * share nothing may well be applied together (an `apps/` root beside an `istio/` root), and
 * splitting them would hide the policies of one from the workloads of the other: they stay one.
 */
function rootsAreAlternatives(roots: readonly RootReach[]): boolean {
  for (let i = 0; i < roots.length; i++)
    for (let j = i + 1; j < roots.length; j++) {
      const [a, b] = [roots[i], roots[j]] as [RootReach, RootReach];
      for (const file of a.files) if (b.files.has(file)) return true;
    }
  return false;
}

/**
 * With Applications, a target is what one top Application applies (its directory: Flux's
 * clusters/prod, an Argo CD app of apps), whatever else it reads; roots and files no Application
 * reads are one more, "(other files)".
 */
function appMembers(gitops: GitopsRevision, apps: readonly AppOutput[]): Member[] {
  const groups = [...new Set(apps.map((a) => a.group))].sort();
  const members: Member[] = groups.map((name) => {
    const own = apps.filter((a) => a.group === name);
    return {
      name,
      roots: [],
      plain: own.flatMap((a) => a.files),
      claims: (path) => own.some((a) => a.reads.has(path)),
    };
  });
  if (gitops.files.length > 0 || gitops.roots.length > 0) {
    const plain = new Set(gitops.files.map((f) => f.path));
    members.push({
      name: OTHER_FILES_TARGET,
      roots: [...gitops.roots],
      plain: gitops.files,
      claims: (path) => plain.has(path) || gitops.roots.some((r) => reads(r, path)),
    });
  }
  return members;
}

function discoveredMembers(gitops: GitopsRevision): Member[] {
  if (gitops.apps) return appMembers(gitops, gitops.apps);
  if (!rootsAreAlternatives(gitops.roots)) {
    const plain = new Set(gitops.files.map((f) => f.path));
    return [
      {
        name: '.',
        roots: [...gitops.roots],
        plain: gitops.files,
        claims: (path) => plain.has(path) || gitops.roots.some((r) => reads(r, path)),
      },
    ];
  }
  const members: Member[] = gitops.roots.map((root) => ({
    name: root.dir,
    roots: [root],
    plain: [],
    claims: (path) => reads(root, path),
  }));
  if (gitops.files.length > 0) {
    const plain = new Set(gitops.files.map((f) => f.path));
    members.push({
      name: OTHER_FILES_TARGET,
      roots: [],
      plain: gitops.files,
      claims: (path) => plain.has(path),
    });
  }
  return members;
}

function configuredMembers(gitops: GitopsRevision, targets: readonly TargetConfig[]): Member[] {
  return targets.map((t) => {
    const matches = pathMatcher(t.paths);
    const roots = gitops.roots.filter((r) => matches(r.dir));
    // An Application's output belongs to the target that names its target directory.
    const apps = (gitops.apps ?? []).filter((a) => matches(a.group));
    return {
      name: t.name,
      roots,
      plain: [...gitops.files.filter((f) => matches(f.path)), ...apps.flatMap((a) => a.files)],
      claims: (path) =>
        matches(path) || roots.some((r) => reads(r, path)) || apps.some((a) => a.reads.has(path)),
    };
  });
}

/** A root or plain file that no configured target takes is not analysed: said once, as a note. */
function unassigned(revision: string, gitops: GitopsRevision, members: readonly Member[]): Diagnostic[] {
  const taken = new Set(members.flatMap((m) => m.roots.map((r) => r.dir)));
  const plain = new Set(members.flatMap((m) => m.plain.map((f) => f.path)));
  const left = [
    ...gitops.roots.filter((r) => !taken.has(r.dir)).map((r) => r.dir),
    ...gitops.files.filter((f) => !plain.has(f.path)).map((f) => f.path),
  ];
  if (left.length === 0) return [];
  const shown = left.slice(0, 5).join(', ');
  const more = left.length > 5 ? ` and ${left.length - 5} more` : '';
  return [
    {
      severity: 'note',
      code: 'not-in-any-target',
      message: `in no target of 'targets' in the config, not analysed: ${shown}${more}`,
      location: { revision, file: left[0] ?? '.', line: 1, column: 1 },
    },
  ];
}
