import type { ObjectPath } from '../core/decode.js';
import type { SourceLocation } from '../core/location.js';

/** A file read from one revision (git objects or a directory), before parsing. */
export interface SourceFile {
  /** Repository-relative path with `/` separators. */
  readonly path: string;
  readonly text: string;
  /** Set when `text` is a render tool's output (src/gitops): locations point at the original files. */
  readonly rendered?: RenderedOrigins;
  /**
   * The namespace an Application puts this file's namespaced objects in (src/gitops): `override`
   * (Flux targetNamespace) moves every one, else (Argo destination.namespace) only those naming none.
   */
  readonly landing?: { readonly namespace: string; readonly override: boolean };
}

/** Where one rendered document came from, in repository-relative terms. */
export interface DocumentOrigin {
  readonly file: string;
  readonly line: number;
  /** The source position of a node inside the object, when the original files show it. */
  readonly locate?: (path: ObjectPath) => { readonly file: string; readonly line: number } | undefined;
  /** `metadata.namespace` as the original file writes it, when it writes one. */
  readonly sourceNamespace?: string;
}

export interface RenderedOrigins {
  /** The render root, e.g. `overlays/prod`, for messages. */
  readonly root: string;
  /** One per YAML document of the text, in order. */
  readonly documents: readonly DocumentOrigin[];
}

export type { ObjectPath };

export type Labels = Readonly<Record<string, string>>;

export interface OwnerReference {
  readonly kind: string;
  readonly name: string;
  readonly controller?: boolean;
}

/** One Kubernetes (or Istio) object as written in the repository, with where it came from. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /**
   * The namespace the object lands in, decided once when it is read (manifests/namespace.ts): as
   * written, else `default`; '' for a cluster-scoped kind. Readers never default it again.
   */
  readonly namespace: string;
  /** `metadata.namespace` as written; absent when the manifest has none. */
  readonly declaredNamespace?: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly ownerReferences: readonly OwnerReference[];
  /** The whole object as plain JSON data. */
  readonly body: Readonly<Record<string, unknown>>;
  /** Location of the object (its first line). */
  readonly location: SourceLocation;
  /** Location of a node inside the object; falls back to the nearest existing ancestor. */
  locate(path: ObjectPath): SourceLocation;
  /** For an object of a render tool's output: its render root, and the namespace its source file wrote. */
  readonly rendered?: { readonly root: string; readonly sourceNamespace?: string };
}

/**
 * The pseudo-kind of an Istio Helm values file (a YAML map with no apiVersion/kind): it is no
 * Kubernetes object, but it sets mesh defaults. Named after the file; never namespaced.
 */
export const HELM_VALUES_API = 'policy-diff.io/helm-values';
export const HELM_VALUES_KIND = 'HelmValues';
