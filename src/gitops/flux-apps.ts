import { type AppObject, appLabel, rec, repoPath, str, stringRecord, type ThisRepo } from './applications.js';
import type { AppsRead, TreeView } from './argo-apps.js';
import { artifactOrigin } from './flux-artifacts.js';

/** A Flux source object of the repository (GitRepository...), by `kind/namespace/name`. */
export type FluxSources = ReadonlyMap<string, AppObject>;

const sourceKey = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

export function fluxSources(objects: readonly AppObject[]): FluxSources {
  const out = new Map<string, AppObject>();
  for (const o of objects) {
    if (!/^source\.(toolkit|extensions)\.fluxcd\.io\//.test(String(o.json.apiVersion))) continue;
    const meta = rec(o.json.metadata);
    out.set(sourceKey(String(o.json.kind), str(meta.namespace) ?? 'default', str(meta.name) ?? ''), o);
  }
  return out;
}

/** A git source in this repository (by URL or by convention), under `prefix` for an artifact; else why not. */
type Source =
  | { readonly url: string; readonly prefix?: string }
  | { readonly bootstrap: string; readonly prefix?: string }
  | { readonly what: string };

/** The git URL a sourceRef names when it is a GitRepository of the repository, else why it is not read. */
function gitSource(
  ref: Readonly<Record<string, unknown>>,
  ownNamespace: string,
  sources: FluxSources,
): Source {
  const kind = str(ref.kind) ?? 'GitRepository';
  const name = str(ref.name) ?? '';
  if (kind === 'ExternalArtifact') {
    const generators = [...sources.values()].filter((o) => o.json.kind === 'ArtifactGenerator');
    const origin = artifactOrigin(name, str(ref.namespace) ?? ownNamespace, generators);
    if ('what' in origin) return origin;
    const git = gitSource(origin.gitRef, ownNamespace, sources);
    return 'what' in git ? git : { ...git, prefix: origin.prefix };
  }
  const found = sources.get(sourceKey(kind, str(ref.namespace) ?? ownNamespace, name));
  if (kind !== 'GitRepository') return { what: `${kind} ${name}` };
  // `flux bootstrap` makes flux-system/flux-system in the cluster: the repository that holds clusters/.
  if (!found && name === 'flux-system')
    return { bootstrap: 'GitRepository flux-system (made by flux bootstrap, not in the repository)' };
  if (!found) return { what: `GitRepository ${name} (not in this revision)` };
  return { url: str(rec(found.json.spec).url) ?? '' };
}

function isHere(repo: ThisRepo, source: { url: string } | { bootstrap: string }, exists: boolean): boolean {
  return 'url' in source ? repo.holds(source.url, exists) : repo.byConvention(source.bootstrap, exists);
}

function urlOf(source: { url: string } | { bootstrap: string }): string {
  return 'url' in source ? source.url : source.bootstrap;
}

function namespaceOf(obj: AppObject): string {
  return str(rec(obj.json.metadata).namespace) ?? 'default';
}

/** A Flux Kustomization: its path in the GitRepository, with targetNamespace, patches and name affixes. */
function readKustomization(
  obj: AppObject,
  repo: ThisRepo,
  tree: TreeView,
  sources: FluxSources,
  out: AppsRead,
) {
  const label = appLabel(obj);
  const spec = rec(obj.json.spec);
  // Without a sourceRef Flux applies nothing: a fragment (a patch's target), not a Kustomization.
  if (!spec.sourceRef) return;
  const at = { file: obj.at.file, line: obj.lineOf(['spec', 'sourceRef']) };
  const source = gitSource(rec(spec.sourceRef), namespaceOf(obj), sources);
  const path = repoPath(str(spec.path), 'what' in source ? '.' : (source.prefix ?? '.'));
  if ('what' in source || path === undefined || !isHere(repo, source, tree.exists(path))) {
    const what = 'what' in source ? source.what : `${urlOf(source)} path ${str(spec.path) ?? '.'}`;
    out.remote.push({ app: label, at, what });
    return;
  }
  const target = str(spec.targetNamespace);
  const meta = rec(spec.commonMetadata);
  const labels = stringRecord(meta.labels);
  out.sources.push({
    app: label,
    at,
    path,
    kustomize: {
      ...(str(spec.namePrefix) ? { namePrefix: str(spec.namePrefix) } : {}),
      ...(str(spec.nameSuffix) ? { nameSuffix: str(spec.nameSuffix) } : {}),
      ...(Array.isArray(spec.patches) ? { patches: spec.patches } : {}),
      // commonMetadata labels the objects, never their selectors or pod templates.
      ...(labels ? { labels: [{ pairs: labels, includeSelectors: false, includeTemplates: false }] } : {}),
    },
    recurse: true,
    ...(target ? { landing: { namespace: target, override: true } } : {}),
  });
}

/** A HelmRelease of a chart in a GitRepository of this repository, with its inline values. */
function readHelmRelease(
  obj: AppObject,
  repo: ThisRepo,
  tree: TreeView,
  sources: FluxSources,
  out: AppsRead,
) {
  const label = appLabel(obj);
  const spec = rec(obj.json.spec);
  const chart = rec(rec(spec.chart).spec);
  if (!spec.chartRef && !chart.chart) return; // a fragment (a patch's target), no release
  const at = {
    file: obj.at.file,
    line: obj.lineOf(spec.chartRef ? ['spec', 'chartRef'] : ['spec', 'chart']),
  };
  if (spec.chartRef) {
    out.remote.push({
      app: label,
      at,
      what: `chartRef ${str(rec(spec.chartRef).kind) ?? ''} ${str(rec(spec.chartRef).name) ?? ''}`,
    });
    return;
  }
  const source = gitSource(rec(chart.sourceRef), namespaceOf(obj), sources);
  const path = repoPath(str(chart.chart));
  if ('what' in source || path === undefined || !isHere(repo, source, tree.exists(`${path}/Chart.yaml`))) {
    const what =
      'what' in source
        ? `chart ${str(chart.chart) ?? '?'} from ${source.what}`
        : `${urlOf(source)} chart ${str(chart.chart) ?? '?'}`;
    out.remote.push({ app: label, at, what });
    return;
  }
  if (Array.isArray(spec.valuesFrom) && spec.valuesFrom.length > 0) {
    const where = { file: obj.at.file, line: obj.lineOf(['spec', 'valuesFrom']) };
    out.remote.push({
      app: label,
      at: where,
      what: 'valuesFrom (values read from the cluster at install time)',
    });
  }
  const name = str(rec(obj.json.metadata).name) ?? 'release';
  const target = str(spec.targetNamespace);
  const namespace = target ?? namespaceOf(obj);
  const valueFiles = (Array.isArray(chart.valuesFiles) ? chart.valuesFiles : []).flatMap((v) =>
    typeof v === 'string' ? (repoPath(v) ?? []) : [],
  );
  out.sources.push({
    app: label,
    at,
    path,
    kustomize: {},
    helm: {
      valueFiles,
      ...(spec.values && typeof spec.values === 'object' ? { values: JSON.stringify(spec.values) } : {}),
      releaseName: str(spec.releaseName) ?? (target ? `${target}-${name}` : name),
      namespace,
    },
    recurse: false,
    landing: { namespace, override: false },
  });
}

export function readFlux(
  obj: AppObject,
  repo: ThisRepo,
  tree: TreeView,
  sources: FluxSources,
  out: AppsRead,
): void {
  const api = String(obj.json.apiVersion);
  if (api.startsWith('kustomize.toolkit.fluxcd.io/') && obj.json.kind === 'Kustomization')
    readKustomization(obj, repo, tree, sources, out);
  else if (api.startsWith('helm.toolkit.fluxcd.io/') && obj.json.kind === 'HelmRelease')
    readHelmRelease(obj, repo, tree, sources, out);
}
