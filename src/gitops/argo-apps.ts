import { kubeYamlValueOrUndefined } from '../manifests/yaml-read.js';
import {
  type AppObject,
  type AppSource,
  appLabel,
  type RemoteSource,
  rec,
  repoPath,
  str,
  stringRecord,
  type ThisRepo,
  type WrapperOptions,
} from './applications.js';

/** What Argo CD and Flux readers need of the revision's tree. */
export interface TreeView {
  readonly exists: (path: string) => boolean;
}

export interface AppsRead {
  readonly sources: AppSource[];
  readonly remote: RemoteSource[];
}

/** Argo's kustomize options that decide what lands where (images change no path: not applied). */
function argoKustomize(k: Readonly<Record<string, unknown>>): WrapperOptions {
  const patches = Array.isArray(k.patches) ? k.patches : undefined;
  return {
    ...(str(k.namePrefix) ? { namePrefix: str(k.namePrefix) } : {}),
    ...(str(k.nameSuffix) ? { nameSuffix: str(k.nameSuffix) } : {}),
    ...(str(k.namespace) ? { namespace: str(k.namespace) } : {}),
    ...(stringRecord(k.commonLabels) ? { commonLabels: stringRecord(k.commonLabels) } : {}),
    ...(stringRecord(k.commonAnnotations) ? { commonAnnotations: stringRecord(k.commonAnnotations) } : {}),
    ...(patches ? { patches } : {}),
  };
}

/** `a.b.c=v` parameters as nested values (Helm's --set, without its escapes and list indexes). */
function parameterValues(params: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of Array.isArray(params) ? params : []) {
    const name = str(rec(p).name);
    if (!name) continue;
    const keys = name.split('.');
    let node = out;
    for (const key of keys.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1] as string] = rec(p).value ?? '';
  }
  return out;
}

function merge(into: Record<string, unknown>, from: unknown): Record<string, unknown> {
  for (const [k, v] of Object.entries(rec(from))) {
    const here = into[k];
    into[k] = isPlain(here) && isPlain(v) ? merge({ ...here }, v) : v;
  }
  return into;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** values, then valuesObject, then parameters, each over the one before (Argo's order), as one JSON document. */
function inlineValues(helm: Readonly<Record<string, unknown>>): string | undefined {
  const text = typeof helm.values === 'string' ? kubeYamlValueOrUndefined(helm.values) : undefined;
  const layers = [text, helm.valuesObject, parameterValues(helm.parameters)].filter(isPlain);
  const merged = layers.reduce<Record<string, unknown>>((acc, layer) => merge(acc, layer), {});
  return Object.keys(merged).length > 0 ? JSON.stringify(merged) : undefined;
}

/** The sources of one Argo CD Application (`spec.source`, or each of `spec.sources`). */
export function readArgoApplication(
  obj: AppObject,
  spec: Readonly<Record<string, unknown>>,
  label: string,
  repo: ThisRepo,
  tree: TreeView,
  out: AppsRead,
): void {
  const many = Array.isArray(spec.sources);
  const list = many ? (spec.sources as unknown[]) : [spec.source];
  const refs = new Map<string, string | undefined>();
  list.forEach((s) => {
    const src = rec(s);
    const ref = str(src.ref);
    if (ref) refs.set(ref, str(src.repoURL));
  });
  const destination = str(rec(spec.destination).namespace);
  const name = str(rec(obj.json.metadata).name) ?? 'release';
  list.forEach((s, i) => {
    const src = rec(s);
    const field = many ? ['spec', 'sources', i] : ['spec', 'source'];
    const at = { file: obj.at.file, line: obj.lineOf(field) };
    const url = str(src.repoURL) ?? '';
    if (str(src.chart)) {
      const what = `Helm chart ${str(src.chart)} from ${url || 'a chart repository'}`;
      out.remote.push({ app: label, at, what });
      return;
    }
    // A source with only `ref` lends its files to the others' valueFiles; it renders nothing.
    if (str(src.ref) && src.path === undefined) return;
    const path = repoPath(str(src.path));
    if (path === undefined || !repo.holds(url, tree.exists(path))) {
      out.remote.push({ app: label, at, what: `${url || '(no repoURL)'} path ${str(src.path) ?? '.'}` });
      return;
    }
    const helm = rec(src.helm);
    const valueFiles: string[] = [];
    for (const v of Array.isArray(helm.valueFiles) ? helm.valueFiles : []) {
      if (typeof v !== 'string') continue;
      const refMatch = /^\$([^/]+)\/(.*)$/.exec(v);
      const refURL = refMatch ? refs.get(refMatch[1] as string) : undefined;
      const file = refMatch ? repoPath(refMatch[2]) : repoPath(v, path);
      if (file === undefined || (refMatch && !repo.holds(refURL ?? '', tree.exists(file)))) {
        out.remote.push({ app: label, at, what: `values file ${v}` });
      } else valueFiles.push(file);
    }
    const directory = rec(src.directory);
    const values = inlineValues(helm);
    const plugin = isPlain(src.plugin) ? (str(src.plugin.name) ?? '(unnamed)') : undefined;
    out.sources.push({
      app: label,
      at,
      path,
      kustomize: argoKustomize(rec(src.kustomize)),
      helm: {
        valueFiles,
        ...(values ? { values } : {}),
        releaseName: str(helm.releaseName) ?? name,
        ...(destination ? { namespace: destination } : {}),
      },
      recurse: directory.recurse === true,
      ...(str(directory.include) ? { include: str(directory.include) } : {}),
      ...(str(directory.exclude) ? { exclude: str(directory.exclude) } : {}),
      ...(destination ? { landing: { namespace: destination, override: false } } : {}),
      ...(plugin ? { plugin } : {}),
      // Argo CD evaluates the *.jsonnet files of a directory source, with or without options.
      jsonnet: isPlain(directory.jsonnet) ? 'configured' : 'files',
    });
  });
}

export function readArgo(obj: AppObject, repo: ThisRepo, tree: TreeView, out: AppsRead): void {
  const label = appLabel(obj);
  if (obj.json.kind === 'Application') readArgoApplication(obj, rec(obj.json.spec), label, repo, tree, out);
}
