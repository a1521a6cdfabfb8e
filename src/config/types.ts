import type { SourceLocation } from '../core/location.js';
import type { Labels } from '../manifests/types.js';

export type InjectionAssumption = 'labelled' | 'all' | 'none';
export type FindingSeverity = 'error' | 'warning' | 'info';

/** A namespace whose labels live outside the repository (e.g. created by a platform team). */
export interface DeclaredNamespace {
  readonly labels: Labels;
  readonly annotations: Labels;
}

/** A finding the repo owner accepted, with the reason shown in the report. */
export interface Acceptance {
  readonly rule: string;
  /** `Kind namespace/name` or `namespace/name[Kind]` of the resource, or omitted for pairs. */
  readonly resource?: string;
  readonly source?: string;
  readonly destination?: string;
  readonly reason: string;
}

/** One root to render, listed in `render` (paths are repository-relative, `/`-separated). */
export type RenderRootConfig =
  | {
      readonly tool: 'kustomize';
      readonly path: string;
      /** Passes `--enable-helm` so the kustomization's `helmCharts` (vendored charts only) render. */
      readonly enableHelm: boolean;
    }
  | {
      readonly tool: 'helm';
      readonly path: string;
      /** Values files, relative to the chart directory, in the order `-f` takes them. */
      readonly values: readonly string[];
      readonly namespace?: string;
      readonly releaseName: string;
    };

/** One cluster or environment of the repository (`targets:`), analysed on its own. */
export interface TargetConfig {
  readonly name: string;
  /** Directories or globs, repository-relative: the render roots and plain files it receives. */
  readonly paths: readonly string[];
}

/** One entry of `mesh.gateways`: gateway pods the repository does not hold (src/config/mesh-gateways-section.ts). */
export interface GatewayPodsConfig {
  /** The gateway Deployment's name (`istio-ingressgateway`). */
  readonly name: string;
  readonly namespace: string;
  /** The pods' labels, which Gateway selectors are matched against. */
  readonly labels: Readonly<Record<string, string>>;
  /** The identity AuthorizationPolicy sees; defaults to `name`. */
  readonly serviceAccount: string;
}

/** How Kustomize overlays and Helm charts are rendered before the analysis (src/gitops). */
export interface RenderConfig {
  readonly roots: readonly RenderRootConfig[];
  /** Also render every kustomization that no other kustomization includes (default true). */
  readonly discover: boolean;
  /** Per render; the root is incomplete when the tool takes longer. */
  readonly timeoutSeconds: number;
  /** Per render: larger output is refused (the root is incomplete). */
  readonly maxOutputBytes: number;
  /**
   * A kustomization's remote resource (URL, git address): `fail` refuses the whole root; `skip`
   * renders without it and lists it, every change uncertain (what it adds is unknown).
   */
  readonly remote: 'fail' | 'skip';
  /**
   * The URLs this repository is known by (Argo CD repoURL, Flux GitRepository url): Application
   * sources from them are rendered, others are reported as not analysed (src/gitops/applications.ts).
   * The CLI's --repo-url and the Action's own repository add to it.
   */
  readonly repoURLs: readonly string[];
}

/** The validated `.policy-diff.yaml` with every default applied. */
export interface Config {
  /** Globs of files to read (default: every .yaml, .yml and .json). */
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  /** Namespaces declared outside the repo (labels merged under any Namespace object in the repo). */
  readonly namespaces: Readonly<Record<string, DeclaredNamespace>>;
  readonly cni: {
    /** SEMANTICS A11: whether ipBlocks match pod IPs (Calico) or only external addresses (Cilium). */
    readonly ipBlockMatchesPods: boolean;
    /** SEMANTICS A17: hostNetwork pods as node traffic (`node`, Calico/Cilium) or as pods (`pod`, netpol-analyzer). */
    readonly hostNetworkPods: 'node' | 'pod';
  };
  readonly cluster: {
    /**
     * The cluster's pod CIDRs (`10.244.0.0/16`): pod IPs are not in the manifests, so an
     * AuthorizationPolicy `ipBlocks` / `source.ip` against a pod source is a runtime condition
     * unless these decide it (every pod address is inside them, SEMANTICS D13).
     */
    readonly podCIDRs: readonly string[];
  };
  readonly mesh: {
    /** `undefined`: read from an IstioOperator / Helm values file in the repo, else `istio-system`. */
    readonly rootNamespace: string | undefined;
    /** Namespace where istiod runs (default `istio-system`). */
    readonly istioNamespace: string;
    /**
     * The install's trust domain and aliases (SEMANTICS D9) when the repository's does not say, or
     * to override it. `undefined`: the repository's `meshConfig`, else `cluster.local` and none.
     */
    readonly trustDomain: string | undefined;
    readonly trustDomainAliases: readonly string[] | undefined;
    readonly injection: InjectionAssumption;
    /**
     * `sidecarInjectorWebhook.enableNamespacesByDefault` (SEMANTICS C2 e). `undefined`: the
     * repository's install, else false.
     */
    readonly enableNamespacesByDefault: boolean | undefined;
    /** Extra namespaces whose Prometheus scrapes sidecars (15090/15020). */
    readonly monitoringNamespaces: readonly string[];
    /**
     * The Istio release the cluster runs (`1.20`, `1.22.3`), which decides the API versions served
     * (SEMANTICS V1). `undefined`: read from the repository's install, else 1.20.
     */
    readonly istioRelease: string | undefined;
    /**
     * A container port no Service of the repository declares: `passthrough` (SEMANTICS E11: reached
     * by pod IP, plaintext passthrough) or `service` (the Services live outside the repository:
     * reached through one, with auto-mTLS and no DestinationRule or Sidecar scope known).
     */
    readonly undeclaredPorts: 'passthrough' | 'service';
    /**
     * Gateway pods installed outside the repository: a Gateway whose selector matches no workload of
     * the repository is served by the first of these its selector matches (before pods are assumed).
     */
    readonly gateways?: readonly GatewayPodsConfig[];
  };
  readonly sidecar: {
    /** Minimum istio-proxy requests as Quantity strings (defaults `100m` and `128Mi`). */
    readonly minCpuRequest: string;
    readonly minMemoryRequest: string;
    /** Mesh default proxy resources when no IstioOperator/values file says (Istio built-in 100m/128Mi). */
    readonly defaultCpuRequest?: string;
    readonly defaultMemoryRequest?: string;
  };
  readonly findings: {
    /** Per-rule severity overrides; `off` disables a rule. */
    readonly severity: Readonly<Record<string, FindingSeverity | 'off'>>;
    readonly accept: readonly Acceptance[];
  };
  readonly render: RenderConfig;
  /**
   * The clusters or environments, each with its own matrix, diff and findings; absent: discovered
   * (each top-level render root its own target when there are several: src/gitops/targets.ts).
   */
  readonly targets?: readonly TargetConfig[];
  /** What ranks higher in the report's order (src/report/risk.ts); no effect on the analysis. */
  readonly report: {
    /** A change to a workload in one of these namespaces is sensitive. */
    readonly sensitiveNamespaces: readonly string[];
    /** `namespace/name` patterns (`*` within a part) of sensitive workloads. */
    readonly sensitiveWorkloads: readonly string[];
  };
  /**
   * A revision without a single Kubernetes object is a configuration error (exit 2) unless this
   * is true: a first pull request that adds the manifests, or one that deletes them all.
   */
  readonly allowEmptyRevision?: boolean;
  /** Where the config came from, for messages; undefined when defaults only. */
  readonly location?: SourceLocation;
}

export const DEFAULT_INCLUDE: readonly string[] = ['**/*.yaml', '**/*.yml', '**/*.json'];

export const DEFAULT_CONFIG: Config = {
  include: DEFAULT_INCLUDE,
  exclude: [],
  namespaces: {},
  cni: { ipBlockMatchesPods: false, hostNetworkPods: 'node' },
  cluster: { podCIDRs: [] },
  mesh: {
    rootNamespace: undefined,
    istioNamespace: 'istio-system',
    trustDomain: undefined,
    trustDomainAliases: undefined,
    injection: 'labelled',
    enableNamespacesByDefault: undefined,
    monitoringNamespaces: [],
    istioRelease: undefined,
    undeclaredPorts: 'passthrough',
  },
  sidecar: { minCpuRequest: '100m', minMemoryRequest: '128Mi' },
  findings: { severity: {}, accept: [] },
  render: {
    roots: [],
    discover: true,
    timeoutSeconds: 30,
    maxOutputBytes: 64 * 1024 * 1024,
    remote: 'fail',
    repoURLs: [],
  },
  report: { sensitiveNamespaces: [], sensitiveWorkloads: [] },
};
