import { posix } from 'node:path';
import { type Document, isMap, isSeq, LineCounter, type Node } from 'yaml';
import { isRecord } from '../core/decode.js';
import type { SourceFile } from '../manifests/types.js';
import { kubeDocumentJson, kubeYamlDocuments } from '../manifests/yaml-read.js';

/**
 * Argo CD Applications and Flux Kustomizations / HelmReleases: objects that tell a GitOps
 * controller what to apply, and how. src/gitops/argo-apps.ts and flux-apps.ts read them into
 * AppSources; applications-plan.ts renders what they point to.
 */

/** Where an object of the repository is written. */
export interface AppAt {
  readonly file: string;
  readonly line: number;
}

/** kustomize options an Application asks for: written into the render's wrapper kustomization. */
export interface WrapperOptions {
  readonly namePrefix?: string;
  readonly nameSuffix?: string;
  readonly images?: readonly unknown[];
  readonly commonLabels?: Readonly<Record<string, string>>;
  readonly commonAnnotations?: Readonly<Record<string, string>>;
  readonly patches?: readonly unknown[];
  /** kustomize `labels:` entries (Flux commonMetadata: metadata only, not selectors). */
  readonly labels?: readonly unknown[];
  /** kustomize's own `namespace:` (Argo `kustomize.namespace`): set on every namespaced object. */
  readonly namespace?: string;
}

/** How the objects of an application land in namespaces. */
export interface Landing {
  readonly namespace: string;
  /**
   * true (Flux targetNamespace): every namespaced object moves there; false (Argo
   * destination.namespace, Helm's release namespace): only those that name none.
   */
  readonly override: boolean;
}

/** One source of one application that lies in this repository: what to render, with which options. */
export interface AppSource {
  /** `Application argocd/guestbook`, `Kustomization flux-system/apps`: for messages. */
  readonly app: string;
  readonly at: AppAt;
  /** Repository-relative directory, normalised (`.` for the root). */
  readonly path: string;
  readonly kustomize: WrapperOptions;
  readonly helm?: {
    readonly valueFiles: readonly string[];
    /** Inline values (YAML or JSON text), applied after the files. */
    readonly values?: string;
    readonly releaseName: string;
    readonly namespace?: string;
  };
  /** A plain directory: recurse into subdirectories (Flux always does; Argo when asked). */
  readonly recurse: boolean;
  readonly include?: string;
  readonly exclude?: string;
  readonly landing?: Landing;
  /** An Argo CD config management plugin renders it (`source.plugin`): commands we never run. */
  readonly plugin?: string;
  /**
   * Argo CD evaluates a directory source's Jsonnet (`files`), with `source.directory.jsonnet`
   * options when `configured`; we never do. Flux reads no Jsonnet (undefined).
   */
  readonly jsonnet?: 'files' | 'configured';
}

/**
 * What an Application installs that is not analysed: a source outside this repository (another
 * repository, a Helm or OCI repository), or a part of it policy-diff does not expand.
 */
export interface RemoteSource {
  readonly app: string;
  readonly at: AppAt;
  readonly what: string;
  /** Why it is not analysed, when not "outside this repository" (a generator not expanded...). */
  readonly why?: string;
}

export interface AppObject {
  readonly json: Readonly<Record<string, unknown>>;
  readonly at: AppAt;
  /** Line of a field path inside the object, else the object's line. */
  readonly lineOf: (path: readonly (string | number)[]) => number;
}

const GITOPS_API =
  /^(argoproj\.io|kustomize\.toolkit\.fluxcd\.io|helm\.toolkit\.fluxcd\.io|source\.(?:toolkit|extensions)\.fluxcd\.io)\//;

function lineOfNode(
  doc: Document,
  lines: LineCounter,
  path: readonly (string | number)[],
): number | undefined {
  let node: unknown = doc.contents;
  for (const key of path) {
    if (isMap(node)) node = node.get(key, true);
    else if (isSeq(node) && typeof key === 'number') node = node.get(key, true);
    else return undefined;
  }
  const range = (node as Node | undefined)?.range;
  return range ? lines.linePos(range[0]).line : undefined;
}

/** The Argo CD and Flux objects of these files, with their lines. Unreadable documents are skipped (the manifest reader reports them). */
export function readAppObjects(files: readonly SourceFile[]): AppObject[] {
  const out: AppObject[] = [];
  for (const file of files) {
    if (!/argoproj\.io|fluxcd\.io/.test(file.text)) continue;
    const lines = new LineCounter();
    let docs: Document[];
    try {
      docs = kubeYamlDocuments(file.text, lines);
    } catch {
      continue;
    }
    for (const [i, doc] of docs.entries()) {
      if (doc.errors.length > 0) continue;
      let json: unknown;
      try {
        json = kubeDocumentJson(doc);
      } catch {
        continue;
      }
      if (!isRecord(json) || typeof json.apiVersion !== 'string' || !GITOPS_API.test(json.apiVersion))
        continue;
      // A rendered Application (a chart's template, a kustomize resource) is cited where its source is.
      const origin = file.rendered?.documents[i];
      if (origin) {
        const line = origin.line;
        out.push({ json, at: { file: origin.file, line }, lineOf: (p) => origin.locate?.(p)?.line ?? line });
        continue;
      }
      const line = lineOfNode(doc, lines, []) ?? 1;
      out.push({
        json,
        at: { file: file.path, line },
        lineOf: (path) => lineOfNode(doc, lines, path) ?? line,
      });
    }
  }
  return out;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function rec(value: unknown): Readonly<Record<string, unknown>> {
  return isRecord(value) ? value : {};
}

export function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const entries = Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** `kind namespace/name` of an object, for messages. */
export function appLabel(obj: AppObject): string {
  const meta = rec(obj.json.metadata);
  const ns = str(meta.namespace);
  return `${String(obj.json.kind)} ${ns ? `${ns}/` : ''}${str(meta.name) ?? '(unnamed)'}`;
}

/** A repository path as a GitOps controller reads it (`./apps/prod/` -> `apps/prod`); undefined when it leaves the repository. */
export function repoPath(path: string | undefined, from = '.'): string | undefined {
  const joined =
    posix.normalize(posix.join(from, (path ?? '.').replace(/^\/+/, ''))).replace(/\/+$/, '') || '.';
  return joined === '..' || joined.startsWith('../') ? undefined : joined;
}

/**
 * A git URL reduced to host and path, so that `https://github.com/o/r.git`, `ssh://git@github.com/o/r`
 * and `git@github.com:o/r` are the same repository.
 */
export function normaliseRepoURL(url: string): string {
  let u = url.trim().toLowerCase();
  u = u.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  u = u.replace(/^[^@/]+@/, '');
  u = u.replace(/^([^/:]+):(?!\d+\/)/, '$1/');
  u = u.replace(/^([^/:]+):\d+\//, '$1/');
  return u.replace(/\/+$/, '').replace(/\.git$/, '');
}

/**
 * Which repository URLs are this repository: those configured (`render.repoURLs`, the CLI's
 * `--repo-url`, the Action's own repository). With none known, every URL is assumed to be this
 * repository when the path it names exists (`assumed` collects them for a note).
 */
export class ThisRepo {
  private readonly urls: Set<string>;
  readonly assumed = new Set<string>();

  constructor(urls: readonly string[]) {
    this.urls = new Set(urls.map(normaliseRepoURL));
  }

  /** Whether `url` is this repository; `exists` says whether the path it would read exists here. */
  holds(url: string, exists: boolean): boolean {
    if (this.urls.size > 0) return this.urls.has(normaliseRepoURL(url));
    if (exists) this.assumed.add(url);
    return exists;
  }

  /**
   * A source no URL names but convention makes this repository (the GitRepository `flux bootstrap`
   * creates in the cluster, not in the repository): taken when its path exists, and said.
   */
  byConvention(what: string, exists: boolean): boolean {
    if (exists) this.assumed.add(what);
    return exists;
  }
}
