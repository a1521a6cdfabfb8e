import { posix } from 'node:path';
import picomatch from 'picomatch';
import type { RenderConfig } from '../config/types.js';
import { type Diagnostic, REACH_ALL } from '../core/diagnostics.js';
import type { SourceFile } from '../manifests/types.js';
import { kubeYamlValueOrUndefined } from '../manifests/yaml-read.js';
import { type AppObject, type AppSource, readAppObjects, ThisRepo } from './applications.js';
import { type AppsRead, readArgo } from './argo-apps.js';
import { readApplicationSet } from './argo-appsets.js';
import { fluxSources, readFlux } from './flux-apps.js';
import { claimOf, closureOf, dirOf, filesUnder, type RepoIndex } from './graph.js';
import type { ParsedKustomization } from './kustomization.js';
import type { PlannedRoot } from './roots.js';

/** One application source ready to render or read: a root, or plain files, in its target. */
export interface AppUnit {
  readonly source: AppSource;
  /** The path the Application names (a nested kustomization's unit keeps its Application's). */
  readonly appPath: string;
  /** The target: the directory of the top Application (or the path a self-syncing one applies). */
  readonly group: string;
  readonly root?: PlannedRoot;
  readonly plain: readonly string[];
  /** Every file it reads (its root's closure and chart, or its plain files). */
  readonly reads: ReadonlySet<string>;
}

export interface AppPlan {
  readonly units: AppUnit[];
  readonly diagnostics: Diagnostic[];
  /** Kustomization and chart directories the applications render: not roots of their own. */
  readonly dirs: ReadonlySet<string>;
  /** Files the applications read: not read again as plain files. */
  readonly files: ReadonlySet<string>;
}

const EMPTY: AppPlan = { units: [], diagnostics: [], dirs: new Set(), files: new Set() };

/** What a source reads: kustomize root (its kustomization), Helm chart (Chart.yaml), or plain files. */
function unitOf(
  source: AppSource,
  index: RepoIndex,
  parsed: ReadonlyMap<string, ParsedKustomization>,
  remote: RenderConfig['remote'],
): Omit<AppUnit, 'group'> {
  const { path } = source;
  if (source.plugin !== undefined) return pluginUnit(source, index);
  if (index.kustomizations.has(path)) {
    const closure = closureOf(index, path, parsed);
    const skip = (p: { remote?: unknown }) => remote === 'skip' && p.remote !== undefined;
    const file = index.kustomizations.get(path) as string;
    const root: PlannedRoot = {
      spec: { tool: 'kustomize', dir: path, file, enableHelm: false, wrapper: source.kustomize },
      dirs: closure.dirs,
      files: closure.files,
      problems: closure.problems.filter((p) => !skip(p)),
      closure,
      ...(closure.problems.some(skip) ? { skipped: closure.problems.filter(skip) } : {}),
    };
    return {
      source,
      appPath: path,
      root,
      plain: [],
      reads: new Set([...closure.files, ...filesUnder(index, closure.dirs)]),
    };
  }
  const chart = path === '.' ? 'Chart.yaml' : `${path}/Chart.yaml`;
  if (index.files.has(chart) && source.helm) {
    const values = source.helm.valueFiles;
    const root: PlannedRoot = {
      spec: {
        tool: 'helm',
        dir: path,
        file: chart,
        values: values.filter((v) => index.files.has(v)),
        releaseName: source.helm.releaseName,
        ...(source.helm.namespace ? { namespace: source.helm.namespace } : {}),
        ...(source.helm.values ? { inlineValues: source.helm.values } : {}),
      },
      dirs: new Set([path]),
      files: new Set([chart, ...values]),
      problems: values
        .filter((v) => !index.files.has(v))
        .map((v) => ({
          code: 'render-values-missing',
          message: `values file ${v} does not exist in this revision`,
          file: source.at.file,
          line: source.at.line,
        })),
    };
    return {
      source,
      appPath: path,
      root,
      plain: [],
      reads: new Set([...filesUnder(index, new Set([path])), ...values]),
    };
  }
  const jsonnet = jsonnetFiles(source, index);
  if (jsonnet.length > 0 || source.jsonnet === 'configured') return jsonnetUnit(source, index, jsonnet);
  return { source, appPath: path, plain: [], reads: new Set() };
}

/** The Jsonnet files Argo CD would evaluate in a directory source (and the libraries beside them). */
function jsonnetFiles(source: AppSource, index: RepoIndex): string[] {
  if (source.jsonnet === undefined) return [];
  return filesUnder(index, new Set([source.path])).filter(
    (f) => /\.(?:jsonnet|libsonnet)$/.test(f) && (source.recurse || dirOf(f) === source.path),
  );
}

/**
 * A directory source holding Jsonnet (argocd-example-apps' jsonnet-guestbook): Argo CD evaluates
 * it, we read YAML and JSON only, so its objects would vanish unseen. Planned, like a plugin's,
 * as a root that never renders, its error carrying the directory's digest.
 */
function jsonnetUnit(
  source: AppSource,
  index: RepoIndex,
  jsonnet: readonly string[],
): Omit<AppUnit, 'group'> {
  const shown =
    jsonnet.slice(0, 3).join(', ') + (jsonnet.length > 3 ? ` and ${jsonnet.length - 3} more` : '');
  const what = jsonnet.length > 0 ? `Jsonnet (${shown})` : 'Jsonnet (source.directory.jsonnet is set)';
  const message = `${source.app} reads ${source.path} as a directory that holds ${what}, which Argo CD evaluates and policy-diff does not; what it installs is not analysed`;
  const file = jsonnet[0] ?? source.at.file;
  return neverRendered(source, index, file, 'application-jsonnet-not-analysed', message);
}

/**
 * A source a config management plugin renders: the plugin runs commands in Argo CD's repo server
 * (argocd-example-apps' kustomized-helm runs `helm template > all.yaml && kustomize build`), so its
 * output, and files it generates that the directory's own files name, are not in the repository.
 * Planned as a root that never renders: its error carries the digest of the directory, so a pull
 * request that leaves it alone and changes nothing within its reach sees a warning only.
 */
function pluginUnit(source: AppSource, index: RepoIndex): Omit<AppUnit, 'group'> {
  const { path } = source;
  const file = index.kustomizations.get(path) ?? (path === '.' ? 'Chart.yaml' : `${path}/Chart.yaml`);
  const message = `${source.app} renders ${path} with the Argo CD config management plugin '${source.plugin}', which runs commands in Argo CD's repo server; what it produces (and any file it generates, such as one its kustomization names) is not in the repository, so what this source installs is not analysed`;
  return neverRendered(source, index, file, 'application-plugin-not-analysed', message);
}

/** A root whose one problem, at the Application, says why its directory is not analysed. */
function neverRendered(
  source: AppSource,
  index: RepoIndex,
  file: string,
  code: string,
  message: string,
): Omit<AppUnit, 'group'> {
  const { path } = source;
  const root: PlannedRoot = {
    spec: { tool: 'kustomize', dir: path, file, enableHelm: false, wrapper: source.kustomize },
    dirs: new Set([path]),
    files: new Set(),
    problems: [{ code, message, file: source.at.file, line: source.at.line }],
  };
  return { source, appPath: path, root, plain: [], reads: new Set(filesUnder(index, new Set([path]))) };
}

/**
 * A plain directory as Argo CD (directory sources: YAML/JSON files, recurse when asked,
 * include/exclude globs) and Flux (every manifest below, a subdirectory with a kustomization
 * built as one) read it.
 */
function plainUnits(
  unit: Omit<AppUnit, 'group'>,
  index: RepoIndex,
  parsed: ReadonlyMap<string, ParsedKustomization>,
  manifests: ReadonlySet<string>,
  remote: RenderConfig['remote'],
): Omit<AppUnit, 'group'>[] {
  const { source } = unit;
  const include = source.include ? picomatch(source.include.replace(/^\{?(.*?)\}?$/, '{$1}')) : () => true;
  const exclude = source.exclude ? picomatch(source.exclude.replace(/^\{?(.*?)\}?$/, '{$1}')) : () => false;
  const under = filesUnder(index, new Set([source.path])).filter((f) => manifests.has(f));
  const nested = source.recurse
    ? [...index.kustomizations.keys()].filter(
        (d) => d !== source.path && claimOf(`${d}/x`, new Set([source.path])),
      )
    : [];
  // A nested kustomization's subtree is its own (Flux builds it); its top-most ones only.
  const tops = nested.filter((d) => !nested.some((o) => o !== d && claimOf(`${d}/x`, new Set([o]))));
  const relative = (f: string) => (source.path === '.' ? f : f.slice(source.path.length + 1));
  const plain = under.filter((f) => {
    if (!source.recurse && dirOf(f) !== source.path) return false;
    if (tops.some((d) => claimOf(f, new Set([d])))) return false;
    const name = relative(f);
    return (
      (include(name) || include(posix.basename(name))) && !exclude(name) && !exclude(posix.basename(name))
    );
  });
  const nestedUnits = tops.map((d) => ({
    ...unitOf({ ...source, path: d }, index, parsed, remote),
    appPath: source.path,
  }));
  return [{ ...unit, plain, reads: new Set(plain) }, ...nestedUnits];
}

function remoteDiagnostic(revision: string, r: AppsRead['remote'][number]): Diagnostic {
  return {
    severity: 'warning',
    code: 'application-source-not-analysed',
    message: `${r.app}: ${r.what} ${r.why ?? 'is outside this repository (render.repoURLs)'}, not analysed; what it installs is unknown, so its target's changes are uncertain`,
    location: { revision, file: r.at.file, line: r.at.line, column: 1 },
    dropped: `what ${r.app} installs from ${r.what}`,
    reach: REACH_ALL,
  };
}

/**
 * Every Application (Argo CD Application, ApplicationSet; Flux Kustomization, HelmRelease) of the
 * revision's files, with what each renders or reads. An Application read by another (app of
 * apps) is in that one's target; a top Application's target is its directory, or, when it applies
 * its own directory (Flux's flux-system syncing clusters/prod), the path it applies.
 */
export function planApplications(
  files: readonly SourceFile[],
  index: RepoIndex,
  parsed: ReadonlyMap<string, ParsedKustomization>,
  config: RenderConfig,
  repoURLs: readonly string[],
  revision: string,
): AppPlan {
  // A patch (a kustomization names it under patches...) is a fragment of an object, not one.
  const patches = new Set(
    [...parsed.values()].flatMap((k) =>
      k.refs.filter((r) => r.role === 'file').map((r) => posix.normalize(posix.join(k.dir, r.value))),
    ),
  );
  const objects = readAppObjects(files.filter((f) => !patches.has(f.path)));
  return planAppObjects(objects, files, index, parsed, config, repoURLs, revision);
}

/**
 * What these Application objects render or read, grouped into targets. `group`, when given, is the
 * target of every unit: Applications found in a render's output belong to what rendered them.
 */
export function planAppObjects(
  objects: readonly AppObject[],
  files: readonly SourceFile[],
  index: RepoIndex,
  parsed: ReadonlyMap<string, ParsedKustomization>,
  config: RenderConfig,
  repoURLs: readonly string[],
  revision: string,
  group?: string,
): AppPlan {
  if (objects.length === 0) return EMPTY;
  const repo = new ThisRepo(repoURLs);
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const tree = {
    exists: (p: string) => index.dirs.has(p) || index.files.has(p),
    dirs: [...index.dirs],
    files: [...index.files.keys()],
  };
  const read: AppsRead = { sources: [], remote: [] };
  const sources = fluxSources(objects);
  for (const obj of objects) {
    if (obj.json.kind === 'ApplicationSet')
      readApplicationSet(obj, repo, tree, (p) => kubeYamlValueOrUndefined(texts.get(p) ?? ''), read);
    else if (String(obj.json.apiVersion).startsWith('argoproj.io/')) readArgo(obj, repo, tree, read);
    else readFlux(obj, repo, tree, sources, read);
  }
  if (read.sources.length === 0 && read.remote.length === 0) return EMPTY;
  const manifests = new Set(files.map((f) => f.path));
  const units = read.sources.flatMap((s) => {
    const unit = unitOf(s, index, parsed, config.remote);
    return unit.root ? [unit] : plainUnits(unit, index, parsed, manifests, config.remote);
  });
  // An Application whose sources are all elsewhere still places its own file in its target.
  const remoteOnly = read.remote.map((r) => ({
    source: { app: r.app, at: r.at, path: '.', kustomize: {}, recurse: false },
    appPath: '.',
    plain: [],
    reads: new Set<string>(),
  }));
  const grouped: AppUnit[] =
    group === undefined
      ? withTopFiles(
          groupUnits([...units, ...remoteOnly]),
          objects.map((o) => o.at.file),
        )
      : [...units, ...remoteOnly].map((u): AppUnit => ({ ...u, group }));
  const diagnostics = read.remote.map((r) => remoteDiagnostic(revision, r));
  if (repo.assumed.size > 0) diagnostics.push(assumedNote(revision, [...repo.assumed], objects[0]?.at));
  const dirs = new Set(grouped.flatMap((u) => (u.root ? [...u.root.dirs] : [])));
  const readFiles = new Set(grouped.flatMap((u) => [...u.reads]));
  return { units: grouped, diagnostics, dirs, files: readFiles };
}

function assumedNote(
  revision: string,
  urls: string[],
  at: { file: string; line: number } | undefined,
): Diagnostic {
  const shown = urls.sort().slice(0, 3).join(', ');
  return {
    severity: 'note',
    code: 'application-repo-assumed',
    message: `${shown}${urls.length > 3 ? ` and ${urls.length - 3} more` : ''} taken for this repository because the paths they name exist here (render.repoURLs or --repo-url says which URLs are)`,
    location: { revision, file: at?.file ?? '.', line: at?.line ?? 1, column: 1 },
  };
}

/** Each unit's target: follow "read by" up to an Application no other reads (cycles stop where they close). */
function groupUnits(units: readonly Omit<AppUnit, 'group'>[]): AppUnit[] {
  const readers = (file: string) => units.filter((u) => u.reads.has(file));
  const groupOf = (u: Omit<AppUnit, 'group'>): string => {
    const seen = new Set<Omit<AppUnit, 'group'>>([u]);
    let top = u;
    for (;;) {
      const parent = readers(top.source.at.file).find((p) => !seen.has(p));
      if (!parent) break;
      seen.add(parent);
      top = parent;
    }
    const self = readers(top.source.at.file).find((p) => p.source.app === top.source.app);
    return self ? self.appPath : dirOf(top.source.at.file);
  };
  return units.map((u) => ({ ...u, group: groupOf(u) }));
}

/**
 * A file holding top Applications (applied by hand or by `flux bootstrap`, read by no Application)
 * is part of their target, as it is: without it, clusters/prod/apps.yaml and
 * clusters/staging/apps.yaml would meet in "(other files)" as duplicates.
 */
function withTopFiles(units: AppUnit[], objectFiles: readonly string[]): AppUnit[] {
  const read = new Set(units.flatMap((u) => [...u.reads]));
  const tops = new Map<string, AppUnit>();
  for (const u of units)
    if (!read.has(u.source.at.file) && !tops.has(u.source.at.file)) tops.set(u.source.at.file, u);
  // Flux sources beside them (clusters/prod/artifacts.yaml: an ArtifactGenerator) go with them too.
  const beside = [...tops.values()];
  for (const file of objectFiles) {
    const next = beside.find((u) => dirOf(u.source.at.file) === dirOf(file));
    if (!read.has(file) && !tops.has(file) && next) tops.set(file, next);
  }
  const own = [...tops].map(([file, u]): AppUnit => {
    const { landing: _landing, ...source } = u.source;
    return { source, appPath: u.appPath, group: u.group, plain: [file], reads: new Set([file]) };
  });
  return [...units, ...own];
}
