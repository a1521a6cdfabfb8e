import { posix } from 'node:path';
import type { RenderConfig } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { PathFilter } from '../git/path-filter.js';
import { type Closure, closureOf, includedDirs, type Problem, type RepoIndex } from './graph.js';
import type { ParsedKustomization } from './kustomization.js';
import type { RootSpec } from './render-root.js';

/** A root with everything it reads and what keeps it from rendering. */
export interface PlannedRoot {
  readonly spec: RootSpec;
  /** Directories whose files belong to this root (kustomization directories, the chart directory). */
  readonly dirs: ReadonlySet<string>;
  /** Files it names outside those directories' subtrees as well as inside (patches, values files...). */
  readonly files: ReadonlySet<string>;
  readonly problems: Problem[];
  readonly closure?: Closure;
  /** Remote entries left out (`render.remote: skip`): rendered without them. */
  readonly skipped?: readonly Problem[];
}

export interface RootPlan {
  readonly roots: PlannedRoot[];
  readonly diagnostics: Diagnostic[];
  /** Kustomization directories that are neither rendered nor read raw. */
  readonly unrendered: string[];
}

function at(revision: string, file: string, line = 1): Diagnostic['location'] {
  return { revision, file, line, column: 1 };
}

/** `<dir>/kustomization.yaml` through the include/exclude globs: `exclude` can switch discovery off. */
export function isDiscoverable(dir: string, filter: PathFilter): boolean {
  return filter(dir === '.' ? 'kustomization.yaml' : `${dir}/kustomization.yaml`);
}

function kustomizeRoot(
  index: RepoIndex,
  dir: string,
  enableHelm: boolean,
  parsed: ReadonlyMap<string, ParsedKustomization>,
  remote: RenderConfig['remote'],
): PlannedRoot {
  const closure = closureOf(index, dir, parsed);
  const file = index.kustomizations.get(dir) ?? `${dir}/kustomization.yaml`;
  const skip = (p: Problem): boolean => remote === 'skip' && p.remote !== undefined;
  const problems = closure.problems.filter((p) => !skip(p));
  const skipped = closure.problems.filter(skip);
  const usesHelm = [...closure.dirs].flatMap((d) => parsed.get(d)?.helmCharts ?? []);
  const first = usesHelm[0];
  if (first && !enableHelm) {
    const message = `helmCharts need 'enableHelm: true' on this root under 'render' in .policy-diff.yaml`;
    problems.push({ code: 'helm-not-enabled', message, file, line: first.line });
  }
  return {
    spec: { tool: 'kustomize', dir, file, enableHelm },
    dirs: closure.dirs,
    files: closure.files,
    problems,
    closure,
    ...(skipped.length > 0 ? { skipped } : {}),
  };
}

function helmRoot(
  index: RepoIndex,
  root: Extract<RenderConfig['roots'][number], { tool: 'helm' }>,
): PlannedRoot {
  const file = root.path === '.' ? 'Chart.yaml' : `${root.path}/Chart.yaml`;
  const values = root.values.map((v) => posix.normalize(posix.join(root.path, v)));
  const problems: Problem[] = values
    .filter((v) => !index.files.has(v))
    .map((v) => ({
      code: 'render-values-missing',
      message: `values file ${v} does not exist in this revision`,
      file,
      line: 1,
    }));
  const spec: RootSpec = {
    tool: 'helm',
    dir: root.path,
    file,
    values,
    releaseName: root.releaseName,
    ...(root.namespace ? { namespace: root.namespace } : {}),
  };
  return { spec, dirs: new Set([root.path]), files: new Set([file, ...values]), problems };
}

/**
 * The roots of one revision: those listed in `render`, then (with `discover`) every discoverable
 * kustomization no other kustomization includes. Components are never rendered alone.
 */
export function planRoots(
  index: RepoIndex,
  parsed: ReadonlyMap<string, ParsedKustomization>,
  config: RenderConfig,
  filter: PathFilter,
  revision: string,
  /** Directories Applications render with their own options (applications-plan.ts): not roots again. */
  taken: ReadonlySet<string> = new Set(),
): RootPlan {
  const roots: PlannedRoot[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const root of config.roots) {
    const exists =
      root.tool === 'helm'
        ? index.files.has(posix.join(root.path, 'Chart.yaml'))
        : index.kustomizations.has(root.path);
    if (!exists) {
      const what = root.tool === 'helm' ? 'Chart.yaml' : 'kustomization';
      const message = `render root ${root.path} has no ${what} in this revision; not rendered`;
      diagnostics.push({
        severity: 'warning',
        code: 'render-root-missing',
        message,
        location: at(revision, root.path),
      });
    } else if (root.tool === 'helm') roots.push(helmRoot(index, root));
    else roots.push(kustomizeRoot(index, root.path, root.enableHelm, parsed, config.remote));
  }
  const explicit = new Set(roots.map((r) => r.spec.dir));
  const included = includedDirs(index, parsed);
  const candidates = [...parsed.keys()].filter(
    (d) => isDiscoverable(d, filter) && !included.has(d) && !explicit.has(d) && !taken.has(d),
  );
  for (const dir of candidates.sort()) {
    const k = parsed.get(dir);
    if (k?.kind === 'Component') {
      const message = 'kustomize Component that no kustomization includes; not rendered';
      diagnostics.push({
        severity: 'note',
        code: 'component-not-rendered',
        message,
        location: at(revision, k.file),
      });
    } else if (config.discover) roots.push(kustomizeRoot(index, dir, false, parsed, config.remote));
  }
  const covered = new Set([...roots.flatMap((r) => [...r.dirs]), ...taken]);
  const unrendered = [...parsed.keys()].filter((d) => isDiscoverable(d, filter) && !covered.has(d)).sort();
  for (const dir of config.discover ? [] : unrendered) {
    const file = parsed.get(dir)?.file ?? dir;
    const message =
      "kustomization not listed under 'render' (render.discover is false): not rendered, its files not read";
    diagnostics.push({
      severity: 'note',
      code: 'kustomization-not-rendered',
      message,
      location: at(revision, file),
    });
  }
  return { roots, diagnostics, unrendered };
}
