import { CONFIG_NAMES } from '../config/load.js';
import type { Config } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { DEFAULT_MAX_TOTAL_BYTES } from '../git/file-limits.js';
import { createPathFilter } from '../git/path-filter.js';
import type { RevisionFiles, RevisionInput } from '../git/types.js';
import { AliasBudget } from '../manifests/alias-budget.js';
import { boundText } from '../manifests/bound-text.js';
import type { SourceFile } from '../manifests/types.js';
import { type AppUnit, planApplications } from './applications-plan.js';
import { claimOf, filesUnder, type Problem, RepoIndex } from './graph.js';
import { inParallel, RENDER_CONCURRENCY } from './in-parallel.js';
import { isKustomizationName, type ParsedKustomization, parseKustomization } from './kustomization.js';
import { pluginProblems } from './plugins.js';
import { leaveOutRemote, skippedDiagnostic } from './remote-skip.js';
import { type RenderContext, renderFailed, renderRoot } from './render-root.js';
import { followRendered, placeholder, producedBy, topUnit, unitKey } from './rendered-apps.js';
import { RootDigests } from './root-digest.js';
import { type PlannedRoot, planRoots } from './roots.js';
import { SourceDocs } from './source-docs.js';
import { findTools, type Tools } from './tools.js';
import { openTree, type RevisionTree } from './tree.js';
import { createWorkspace, materialise } from './workspace.js';

export interface RenderedRoot {
  readonly root: string;
  readonly tool: 'kustomize' | 'helm';
  /** The tool's output; `rendered` holds each document's origin in the repository. */
  readonly file: SourceFile;
}

export interface GitopsRevision {
  /** The revision's files that no render root covers: read as plain manifests. */
  readonly files: SourceFile[];
  readonly rendered: RenderedRoot[];
  readonly diagnostics: Diagnostic[];
  /** Every planned root, rendered or not, with what it reads: targets are made of roots (targets.ts). */
  readonly roots: readonly RootReach[];
  /** What the Applications (Argo CD, Flux) apply, by target (applications-plan.ts); absent when none. */
  readonly apps?: readonly AppOutput[];
}

/** The files one application source applies (rendered, or plain), landed in its namespace. */
export interface AppOutput {
  readonly app: string;
  /** Its target (the top Application's directory, or the path a self-syncing one applies). */
  readonly group: string;
  readonly files: SourceFile[];
  /** Every file it reads, for the diagnostics of its target. */
  readonly reads: ReadonlySet<string>;
}

/** A render root's directory, and the directories and files it reads (its kustomize closure). */
export interface RootReach {
  readonly dir: string;
  readonly dirs: ReadonlySet<string>;
  readonly files: ReadonlySet<string>;
}

export interface RenderOptions {
  /** Where tools are looked up (default: this process's PATH); tests pass '' to simulate none. */
  readonly searchPath?: string;
  /** Where the temporary render directory is made (default: the OS temp directory). */
  readonly tempRoot?: string;
  /**
   * Alias and merge expansion the revision's kustomizations, plugin configurations and patches may
   * take (alias-budget.ts); default: a budget of their own.
   */
  readonly aliases?: AliasBudget;
}

/**
 * Renders the Kustomize and Helm roots of one revision from that revision's own files (copied
 * into a temporary directory, never the user's tree) and says which of its files stay plain.
 * Never throws on the repository's content: whatever cannot be rendered is an error diagnostic.
 */
export async function renderRevision(
  input: RevisionInput,
  given: RevisionFiles,
  config: Config,
  options: RenderOptions = {},
): Promise<GitopsRevision> {
  // The tool's own config file is no manifest (with discovered targets it made '(other files)').
  const revision = { ...given, files: given.files.filter((f) => !CONFIG_NAMES.includes(f.path)) };
  const tree = await openTree(input, revision.commit);
  const index = new RepoIndex(tree.files, tree.brokenLinks);
  const hasApps = revision.files.some((f) => /argoproj\.io|fluxcd\.io/.test(f.text));
  if (index.kustomizations.size === 0 && config.render.roots.length === 0 && !hasApps) {
    return { files: revision.files, rendered: [], diagnostics: [], roots: [] };
  }
  const aliases = options.aliases ?? new AliasBudget();
  const parsed = await readKustomizations(tree, index, aliases);
  const filter = createPathFilter(config.include, config.exclude);
  const apps = planApplications(
    revision.files,
    index,
    parsed,
    config.render,
    config.render.repoURLs,
    revision.label,
  );
  const plan = planRoots(index, parsed, config.render, filter, revision.label, apps.dirs);
  const diagnostics = [...plan.diagnostics, ...apps.diagnostics];
  const render = (roots: PlannedRoot[]) =>
    renderRoots(roots, tree, index, parsed, config, { ...options, aliases }, revision.label, diagnostics);
  const byRoot = await render([...plan.roots, ...apps.units.flatMap((u) => u.root ?? [])]);
  const followed = await followRendered(
    producedBy(plan.roots, apps.units, byRoot),
    {
      files: revision.files,
      index,
      parsed,
      config,
      revision: revision.label,
      known: new Set(apps.units.map((u) => u.source.at.file)),
      seen: new Set([
        ...apps.units.map(unitKey),
        ...plan.roots.map((r) => unitKey({ root: r, plain: [], source: placeholder })),
      ]),
    },
    render,
  );
  diagnostics.push(...followed.diagnostics);
  for (const [root, file] of followed.rendered) byRoot.set(root, file);
  // A root whose output holds Applications is the top of their target, as a top Application is.
  const tops = plan.roots.filter((r) => followed.producers.has(r));
  const units = [...apps.units, ...tops.map((r) => topUnit(r, index)), ...followed.units];
  // A discovered root that a followed Application renders with its own options is its, not a root.
  const listed = new Set(config.render.roots.map((r) => r.path));
  const taken = new Set(followed.units.flatMap((u) => (u.root ? [...u.root.dirs] : [])));
  const planned = plan.roots.filter(
    (r) => !followed.producers.has(r) && (listed.has(r.spec.dir) || !taken.has(r.spec.dir)),
  );
  const rendered = planned.flatMap((r) => {
    const file = byRoot.get(r);
    return file ? [{ root: r.spec.dir, tool: r.spec.tool, file }] : [];
  });
  const gone = new Set(plan.roots.filter((r) => !planned.includes(r) && !followed.producers.has(r)));
  const own = diagnostics.filter((d) => !gone.has(rootOf.get(d) as PlannedRoot));
  diagnostics.splice(0, diagnostics.length, ...own);
  const allRoots = [...planned, ...units.flatMap((u) => u.root ?? [])];
  const coverage = coverageOf(allRoots, plan.unrendered, revision, diagnostics);
  const roots = planned.map((r) => ({ dir: r.spec.dir, dirs: r.dirs, files: r.files }));
  const read = new Set(units.flatMap((u) => [...u.reads]));
  const files = revision.files.filter((f) => !coverage(f.path) && !read.has(f.path));
  if (units.length === 0) return { files, rendered, diagnostics, roots };
  return { files, rendered, diagnostics, roots, apps: appOutputs(units, revision, byRoot) };
}

/** Each unit's files as its Application lands them: its render's output, or its plain files. */
function appOutputs(
  units: readonly AppUnit[],
  revision: RevisionFiles,
  byRoot: ReadonlyMap<PlannedRoot, SourceFile>,
): AppOutput[] {
  const plain = new Map(revision.files.map((f) => [f.path, f]));
  return units.map((u) => {
    const own = u.root ? [byRoot.get(u.root) ?? []].flat() : u.plain.flatMap((p) => plain.get(p) ?? []);
    const landing = u.source.landing;
    const files = landing ? own.map((f) => ({ ...f, landing })) : own;
    return { app: u.source.app, group: u.group, files, reads: new Set([...u.reads, u.source.at.file]) };
  });
}

/** The revision as the analysis reads it: plain files and rendered output, every diagnostic. */
export function withRendered(revision: RevisionFiles, gitops: GitopsRevision): RevisionFiles {
  return {
    ...revision,
    files: [
      ...gitops.files,
      ...gitops.rendered.map((r) => r.file),
      ...(gitops.apps ?? []).flatMap((a) => a.files),
    ],
    diagnostics: [...revision.diagnostics, ...gitops.diagnostics],
  };
}

async function readKustomizations(
  tree: RevisionTree,
  index: RepoIndex,
  aliases: AliasBudget,
): Promise<Map<string, ParsedKustomization>> {
  const contents = await tree.read([...index.kustomizations.values()]);
  const parsed = new Map<string, ParsedKustomization>();
  for (const [dir, file] of index.kustomizations) {
    parsed.set(dir, parseKustomization(file, contents.get(file)?.toString('utf8') ?? '', aliases));
  }
  return parsed;
}

/** The files to copy: every file under a root's directories and every file it names. */
function filesToCopy(roots: readonly PlannedRoot[], index: RepoIndex): string[] {
  const dirs = new Set(roots.flatMap((r) => [...r.dirs]));
  const named = roots.flatMap((r) => [...r.files]).filter((f) => index.files.has(f));
  return [...new Set([...filesUnder(index, dirs), ...named])].sort();
}

function missingTool(
  revision: string,
  tool: 'kustomize' | 'helm',
  roots: readonly PlannedRoot[],
): Diagnostic {
  const dirs = roots.map((r) => r.spec.dir).join(', ');
  const how =
    tool === 'kustomize'
      ? 'neither `kustomize` nor `kubectl` is on PATH; GitHub-hosted Ubuntu runners have both, otherwise add a step such as `azure/setup-kubectl`'
      : '`helm` is not on PATH; add a step such as `azure/setup-helm` to the workflow';
  return {
    severity: 'error',
    code: 'render-tool-missing',
    message: `cannot render ${dirs}: ${how}`,
    location: { revision, file: roots[0]?.spec.file ?? '.', line: 1, column: 1 },
    dropped: `every object rendered by ${dirs}`,
  };
}

/** Roots that need a tool that is not there are reported once per tool, and not rendered. */
function withoutMissingTools(
  roots: readonly PlannedRoot[],
  tools: Tools,
  revision: string,
  out: Diagnostic[],
): PlannedRoot[] {
  const needsHelm = (r: PlannedRoot) =>
    r.spec.tool === 'helm' || (r.spec.tool === 'kustomize' && r.spec.enableHelm);
  const noKustomize = tools.kustomize ? [] : roots.filter((r) => r.spec.tool === 'kustomize');
  const noHelm = tools.helm ? [] : roots.filter(needsHelm);
  if (noKustomize.length > 0) out.push(missingTool(revision, 'kustomize', noKustomize));
  if (noHelm.length > 0)
    out.push(
      missingTool(
        revision,
        'helm',
        noHelm.filter((r) => !noKustomize.includes(r)),
      ),
    );
  return roots.filter((r) => !noKustomize.includes(r) && !noHelm.includes(r));
}

/** One warning per remote entry left out of a root that renders (a shared base's, once). */
function skippedDiagnostics(roots: readonly PlannedRoot[], revision: string): Diagnostic[] {
  const seen = new Map<string, Diagnostic>();
  for (const p of roots.flatMap((r) => r.skipped ?? [])) {
    const key = `${p.file}\u0000${p.remote?.field}\u0000${p.remote?.index}`;
    if (!seen.has(key)) seen.set(key, skippedDiagnostic(revision, p));
  }
  return [...seen.values()];
}

/**
 * Helm reads every file of a chart's directory: a link there that is not followed (out of the
 * repository, dangling, a loop) would be read by Helm on a checkout, so the chart is not rendered.
 * A kustomization reads only what it names, and a name through such a link is refused by resolveRef.
 */
function chartLinkProblems(root: PlannedRoot, index: RepoIndex): Problem[] {
  if (root.spec.tool !== 'helm') return [];
  return [...index.brokenLinks.values()]
    .filter((p) => claimOf(`${p.path}/x`, root.dirs) !== undefined)
    .map((p) => ({
      code: p.kind === 'outside' ? 'symlink-outside-repository' : 'symlink-not-followed',
      message:
        p.kind === 'budget'
          ? `symbolic links in the chart expand past ${p.limit} entries`
          : `symbolic link ${p.path} -> ${p.target} in the chart ${p.kind === 'outside' ? 'leaves the repository' : p.kind === 'dangling' ? 'leads nowhere' : 'loops'}; never read`,
      file: p.path,
      line: 1,
    }));
}

/** The root each root's own diagnostic is about: a root given up after rendering takes its own along. */
const rootOf = new WeakMap<Diagnostic, PlannedRoot>();

function pushFor(root: PlannedRoot, out: Diagnostic[], d: Diagnostic): void {
  rootOf.set(d, root);
  out.push(d);
}

async function renderRoots(
  roots: readonly PlannedRoot[],
  tree: RevisionTree,
  index: RepoIndex,
  parsed: ReadonlyMap<string, ParsedKustomization>,
  config: Config,
  options: RenderOptions,
  revision: string,
  out: Diagnostic[],
): Promise<Map<PlannedRoot, SourceFile>> {
  const rendered = new Map<PlannedRoot, SourceFile>();
  if (roots.length === 0) return rendered;
  const copy = filesToCopy(roots, index);
  const total = copy.reduce((sum, path) => sum + (index.files.get(path)?.size ?? 0), 0);
  if (total > DEFAULT_MAX_TOTAL_BYTES) {
    const message = `the files to render come to ${total} bytes, over the limit of ${DEFAULT_MAX_TOTAL_BYTES}; not rendered`;
    out.push(...roots.map((r) => renderFailed(revision, r.spec, message, 'render-too-large')));
    return rendered;
  }
  const contents = await tree.read(copy);
  const digests = new RootDigests(index, contents);
  const unskippable = leaveOutRemote(
    contents,
    roots.flatMap((r) => r.skipped ?? []),
  );
  const ready = roots.filter((root) => {
    const problems = [
      ...root.problems,
      ...(root.skipped ?? []).filter((p) => unskippable.has(p.file)),
      ...(root.closure ? pluginProblems(root.closure, contents, parsed, options.aliases) : []),
      ...chartLinkProblems(root, index),
    ];
    for (const p of problems) {
      // A problem can quote the kustomization (a plugin's kind, a path): cut as manifests' are.
      const message = boundText(`${p.message}; render root ${root.spec.dir} not rendered`);
      pushFor(root, out, {
        severity: 'error',
        code: p.code,
        message,
        location: { revision, file: p.file, line: p.line, column: 1 },
        dropped: `every object rendered by ${root.spec.dir}`,
        inputDigest: digests.of(root),
      });
    }
    return problems.length === 0;
  });
  out.push(...skippedDiagnostics(ready, revision));
  const tools = await findTools(options.searchPath ?? process.env.PATH ?? '');
  const runnable = withoutMissingTools(ready, tools, revision, out);
  if (runnable.length === 0) return rendered;
  const text = (path: string) => contents.get(path)?.toString('utf8');
  const ws = await createWorkspace(options.tempRoot);
  try {
    const refused = await materialise(ws, contents);
    if (refused.length > 0) {
      // Git refuses such paths on checkout; a tree that holds them is not rendered at all.
      const message = `unsafe paths in the revision's tree (${refused.slice(0, 3).join(', ')}); not rendered`;
      out.push(...runnable.map((r) => renderFailed(revision, r.spec, message, 'render-path-refused')));
      return rendered;
    }
    const limits = {
      timeoutMs: config.render.timeoutSeconds * 1000,
      maxOutputBytes: config.render.maxOutputBytes,
    };
    const ctx: RenderContext = {
      revision,
      ws,
      tools,
      limits,
      kustomizations: parsed,
      sources: new SourceDocs(text, options.aliases),
      text,
    };
    const results = await inParallel(runnable, RENDER_CONCURRENCY, (root, i) =>
      renderRoot(root.spec, i, ctx, digests.of(root)),
    );
    // In the roots' order, whichever finished first: the report is the same every run.
    for (const [i, root] of runnable.entries()) {
      const result = results[i] as SourceFile | Diagnostic;
      if ('severity' in result) pushFor(root, out, result);
      else rendered.set(root, result);
    }
    return rendered;
  } finally {
    await ws.dispose();
  }
}

/**
 * Which files the roots cover (not read as plain manifests): files they name, and every file under
 * a kustomization directory or a chart, rendered or not, except below a nested kustomization not
 * included. A YAML file under a rendered kustomization that it does not name gets a note.
 */
function coverageOf(
  roots: readonly PlannedRoot[],
  unrendered: readonly string[],
  revision: RevisionFiles,
  out: Diagnostic[],
): (path: string) => boolean {
  const named = new Set(roots.flatMap((r) => [...r.files]));
  const kustomizeDirs = new Set(roots.flatMap((r) => (r.spec.tool === 'kustomize' ? [...r.dirs] : [])));
  const claims = new Set([...kustomizeDirs, ...unrendered, ...roots.flatMap((r) => [...r.dirs])]);
  for (const file of revision.files) {
    const claim = claimOf(file.path, claims);
    const base = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (claim === undefined || named.has(file.path) || !kustomizeDirs.has(claim) || isKustomizationName(base))
      continue;
    const dir = claim === '.' ? 'the repository root' : claim;
    const message = `not named by the kustomization of ${dir}: not part of what the cluster receives, not analysed`;
    out.push({
      severity: 'note',
      code: 'not-in-kustomization',
      message,
      location: { revision: revision.label, file: file.path, line: 1, column: 1 },
    });
  }
  return (path) => named.has(path) || claimOf(path, claims) !== undefined;
}
