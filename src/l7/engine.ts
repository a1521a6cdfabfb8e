import type { Config } from '../config/types.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { istioSelectorMatches, serviceSelectorMatches } from '../manifests/label-match.js';
import type { ExternalPeer, Peer } from '../model/peers.js';
import type { ClusterModel, Service, Workload } from '../model/types.js';
import type { ConnSet } from '../values/conn-set.js';
import { type IpRange, parseCidr } from '../values/ip-range.js';
import { type PolicyModel, policyApplies } from './authz-model.js';
import {
  type CellContext,
  computeCell,
  type DestInfo,
  letsSomeThrough,
  letsSomeThroughEverywhere,
} from './cell.js';
import { type ClientSide, NO_CLIENT_SIDE } from './client-types.js';
import { type FingerprintReads, meshFingerprint, workloadFingerprint } from './fingerprint.js';
import { decideInjection } from './injection.js';
import { withUnknownInjection } from './injection-unknown.js';
import type { IstioPolicies } from './istio-policies.js';
import type { MeshSettings } from './mesh-config.js';
import type { PeerAuthn } from './peer-authn.js';
import { inboundPorts } from './ports.js';
import { labelKeysRead } from './read-labels.js';
import {
  accountAsNamed,
  accountsNamed,
  clientReads,
  clientReadsNamespace,
  clientText,
  externalSourceKey,
  identityKey,
  sourceIpBlocks,
  subsetsOf,
} from './source-identity.js';
import { type NamesRead, SourceReads } from './source-reads.js';
import type { L7Cell, SidecarInfo } from './types.js';

export interface L7Engine {
  readonly diagnostics: readonly Diagnostic[];
  /** config.mesh.rootNamespace ?? meshConfig.rootNamespace from the repository ?? `istio-system`. */
  readonly rootNamespace: string;
  /** Every CIDR of every ipBlocks/notIpBlocks/source.ip value: the matrix must cut external peers there too. */
  readonly ipBoundaries: readonly IpRange[];
  sidecar(w: Workload): SidecarInfo;
  /** Workloads with equal signatures get identical answers as source and as destination. */
  signature(w: Workload): string;
  /**
   * Everything the answers for `w` depend on, comparable across revisions (see
   * L4Engine.fingerprint): the workload, its namespace, its sidecar, the content of the
   * AuthorizationPolicies that apply to it, of the PeerAuthentications and Services that may, and
   * the mesh settings.
   */
  fingerprint(w: Workload): string;
  /**
   * The part of `fingerprint` that `evaluate(w, dst, ...)` reads, for any workload `dst`: two
   * revisions where it is equal, and so is `dst`'s fingerprint, give equal cells for equal
   * connections (what only `w` as a destination reads is left out: its policies, ports, Services).
   */
  sourceFingerprint(w: Workload): string;
  /**
   * Two workload sources with equal keys for `dst` get equal cells from `evaluate(src, dst, ...)`,
   * reasons included (they say "the client", never its name). Coarser than the signature: only what
   * the client side and `dst`'s applied policies read.
   */
  sourceKey(src: Workload, dst: Workload): string;
  /**
   * The same for an address range outside the cluster: two ranges with equal keys for `dst` get
   * equal cells. What a cell reads of a range is only how it lies against each block `dst`'s
   * policies match `source.ip` with (inside, overlapping, apart: D13); the reasons never name it.
   */
  externalKey(src: ExternalPeer, dst: Workload): string;
  /** sourceKey in parts, to count many sources at once (SourceReads.namesRead, groupKey). */
  sourceNamesRead(dst: Workload): NamesRead;
  sourceGroupKey(src: Workload, patterns: number, inNamed?: boolean): number;
  /** What Istio allows from src to dst on the connections that L4 already allows. */
  evaluate(src: Peer, dst: Workload, l4Allowed: ConnSet): L7Cell;
  /** Whether `evaluate` would let some request through on some of `conns` (answered without the cell). */
  letsSomeThrough(src: Peer, dst: Workload, conns: ConnSet): boolean;
  /** Whether it would on every connection (cell.ts letsSomeThroughEverywhere). */
  letsSomeThroughEverywhere(src: Peer, dst: Workload): boolean;
  /** Whether PeerAuthentication may make some port of `w` STRICT (a cheap filter; `evaluate` decides). */
  mayRequireMtls(w: Workload): boolean;
}

/** An evaluator over the revision's compiled Istio policies (src/compile): it compiles nothing itself. */
export function compileIstio(model: ClusterModel, config: Config, policies: IstioPolicies): L7Engine {
  return new IstioEngine(model, config, policies);
}

class IstioEngine implements L7Engine, CellContext, FingerprintReads {
  readonly diagnostics: readonly Diagnostic[];
  readonly rootNamespace: string;
  readonly ipBoundaries: IpRange[] = [];
  readonly mesh: MeshSettings;
  readonly pa: PeerAuthn;
  readonly trustDomains: readonly string[];
  readonly podCidrs: readonly IpRange[];
  readonly client: ClientSide;
  readonly undeclaredPorts: 'passthrough' | 'service';
  private readonly policies: readonly PolicyModel[];
  private readonly sidecars = new Map<string, SidecarInfo>();
  private readonly dests = new Map<string, DestInfo>();
  private readonly signatures = new Map<string, string>();
  /** Policies that may apply to a namespace's workloads (mesh-wide and its own), in input order. */
  private readonly candidates = new Map<string, PolicyModel[]>();
  private readonly digests: ReadonlyMap<PolicyModel, string>;
  private readonly applying = new Map<string, readonly PolicyModel[]>();
  readonly servicesByNamespace = new Map<string, Service[]>();
  readonly paDigests: ReadonlyMap<string, readonly string[]>;
  private global: string | undefined;
  /** `<ns>/<sa>` of the accounts some principal names; `all` when a principal pattern could name any. */
  private principalAccounts: ReadonlySet<string> | 'all' | undefined;
  private readonly reads = new SourceReads((dst) => this.dest(dst).applied);
  private namespaceRead: boolean | undefined;
  private readonly clientKeys = new Map<string, number>();
  private readonly clientIndex = new Map<string, number>();

  constructor(
    private readonly model: ClusterModel,
    readonly config: Config,
    compiled: IstioPolicies,
  ) {
    this.diagnostics = compiled.diagnostics;
    this.mesh = compiled.mesh;
    this.rootNamespace = compiled.rootNamespace;
    this.trustDomains = compiled.mesh.trustDomains;
    // Validated when the config was read.
    this.podCidrs = config.cluster.podCIDRs.map(parseCidr);
    this.pa = compiled.peerAuthn;
    this.client = compiled.client ?? NO_CLIENT_SIDE;
    this.undeclaredPorts = config.mesh.undeclaredPorts;
    this.paDigests = compiled.peerAuthnDigests;
    this.policies = compiled.authorization.map((a) => a.model);
    this.digests = new Map(compiled.authorization.map((a) => [a.model, a.digest]));
    for (const svc of model.services) {
      const list = this.servicesByNamespace.get(svc.namespace);
      if (list) list.push(svc);
      else this.servicesByNamespace.set(svc.namespace, [svc]);
    }
    this.ipBoundaries.push(...sourceIpBlocks(this.policies));
  }

  get root(): string {
    return this.rootNamespace;
  }

  sidecar(w: Workload): SidecarInfo {
    let info = this.sidecars.get(w.id);
    if (!info) {
      info = decideInjection(w, this.model.namespaces.get(w.namespace), this.config, {
        installedRevisions: this.client.installedRevisions,
        injector: this.mesh.injector,
        trustDomain: this.trustDomains[0],
      });
      this.sidecars.set(w.id, info);
    }
    return info;
  }

  /** Only the Services of the workload's namespace can select it. */
  servicesOf(w: Workload): readonly Service[] {
    return (this.servicesByNamespace.get(w.namespace) ?? []).filter((svc) =>
      serviceSelectorMatches(svc.selector, w.podLabels),
    );
  }

  /** D12: a RequestAuthentication of the root namespace or of `w`'s selects it. */
  private jwt(w: Workload): boolean {
    return this.client.requestAuthn.some(
      (ra) =>
        !ra.targetRefOnly &&
        (ra.ref.namespace === w.namespace || ra.ref.namespace === this.rootNamespace) &&
        istioSelectorMatches(ra.selector, w.podLabels),
    );
  }

  dest(w: Workload): DestInfo {
    let info = this.dests.get(w.id);
    if (!info) {
      info = this.buildDest(w);
      this.dests.set(w.id, info);
    }
    return info;
  }

  /** Only mesh-wide policies and those of the workload's own namespace can apply (D1). */
  private candidatesFor(namespace: string): readonly PolicyModel[] {
    let list = this.candidates.get(namespace);
    if (!list) {
      list = this.policies.filter(
        (p) => p.scope.kind === 'mesh' || p.scope.kind === 'mesh-selector' || p.scope.kind === 'namespace',
      );
      list = list.filter((p) => p.scope.kind !== 'namespace' || p.scope.namespace === namespace);
      this.candidates.set(namespace, list);
    }
    return list;
  }

  private buildDest(w: Workload): DestInfo {
    const applying = this.candidatesFor(w.namespace).filter((p) => policyApplies(p, w));
    this.applying.set(w.id, applying);
    const enforced = applying.filter((p) => !p.dryRun && p.action !== 'AUDIT' && !p.unusable);
    const applied = {
      custom: enforced.filter((p) => p.action === 'CUSTOM'),
      deny: enforced.filter((p) => p.action === 'DENY'),
      allow: enforced.filter((p) => p.action === 'ALLOW'),
    };
    // Only the Services of the workload's namespace can select it.
    const inbound = inboundPorts(w, this.servicesByNamespace.get(w.namespace) ?? []);
    const ports = new Set<number>([...inbound.boundaries, ...this.pa.portsOf(w)]);
    for (const p of enforced) {
      for (const r of p.rules) {
        for (const op of r.to ?? [])
          for (const n of [...(op.ports ?? []), ...(op.notPorts ?? [])]) ports.add(n);
        for (const c of r.when) {
          if (c.key !== 'destination.port') continue;
          for (const v of [...(c.values ?? []), ...(c.notValues ?? [])]) ports.add(Number(v));
        }
      }
    }
    const uncertain =
      applying.some((p) => p.invalid && !p.dryRun) || this.pa.uncertainFor(w, this.rootNamespace).length > 0;
    return {
      sidecar: this.sidecar(w),
      applied,
      uncertain,
      inbound,
      jwt: this.jwt(w),
      boundaries: [...ports].sort((a, b) => a - b),
    };
  }

  mayRequireMtls(w: Workload): boolean {
    return this.sidecar(w).injected && this.pa.mayBeStrict(w, this.rootNamespace);
  }

  signature(w: Workload): string {
    let sig = this.signatures.get(w.id);
    if (!sig) {
      const d = this.dest(w);
      const all = [...d.applied.allow, ...d.applied.deny, ...d.applied.custom].map(
        (p) => `${p.ref.namespace}/${p.ref.name}`,
      );
      const out = ['excludeOutboundPorts', 'includeOutboundIPRanges'].map(
        // An empty value (capture nothing) is not an absent one.
        (k) => w.podAnnotations[`traffic.sidecar.istio.io/${k}`] ?? null,
      );
      sig = JSON.stringify([
        w.namespace,
        this.accountKey(w),
        // Why not injected: the no-sidecar reasons quote it (as a destination, and as a client).
        d.sidecar.injected || d.sidecar.reason,
        d.sidecar.unknown !== undefined,
        all.sort(),
        d.uncertain,
        this.pa.signature(w),
        d.inbound.signature,
        out,
        this.clientSignature(w),
        d.jwt,
      ]);
      this.signatures.set(w.id, sig);
    }
    return sig;
  }

  /** What the client side reads of `w`: its Sidecar, its Services (hosts it is dialled by) and their subsets. */
  private clientSignature(w: Workload): string[] {
    if (this.client === NO_CLIENT_SIDE) return [];
    const services = this.servicesOf(w);
    return [
      ...clientReads(this.client, w, this.rootNamespace),
      ...services.map((svc) => `svc:${svc.name}`),
      ...subsetsOf(this.client, services, w),
    ];
  }

  /** The source's service account, as some principal of the revision names it (source-identity.ts). */
  private accountKey(w: Workload): string {
    this.principalAccounts ??= accountsNamed(this.policies);
    return accountAsNamed(w.namespace, w.serviceAccountName || 'default', this.principalAccounts);
  }

  /**
   * What `evaluate(src, dst)` reads of a workload source: its client side (namespace, sidecar,
   * outbound capture annotations, Sidecar scope and DestinationRules: clientReads; not its own
   * Services, which only its callers read; its namespace only when clientReadsNamespace), and its
   * namespace and service account only when the policies applied to `dst` name them. So a
   * service account another destination's policy names splits no cell of this one.
   */
  sourceKey(src: Workload, dst: Workload): string {
    const named = this.reads.identity(dst);
    return `${this.clientKey(src)}/${identityKey(src, named, this.sidecar(src).identity, this.trustDomains)}`;
  }

  sourceNamesRead(dst: Workload): NamesRead {
    return this.reads.namesRead(dst);
  }

  sourceGroupKey(src: Workload, patterns: number, inNamed = false): number {
    const identity = this.sidecar(src).identity;
    return this.reads.groupKey(src, patterns, this.clientKey(src), identity, this.trustDomains, inNamed);
  }

  externalKey(src: ExternalPeer, dst: Workload): string {
    const blocks = this.reads.ipBlocks(dst);
    return externalSourceKey(blocks, src.range);
  }

  /** The client side of sourceKey, interned: one small number per distinct client. */
  private clientKey(w: Workload): number {
    let key = this.clientKeys.get(w.id);
    if (key === undefined) {
      this.namespaceRead ??= clientReadsNamespace(this.client, this.model.services);
      const reads = clientReads(this.client, w, this.rootNamespace);
      const text = clientText(w, this.sidecar(w), this.namespaceRead, reads);
      key = this.clientIndex.get(text) ?? this.clientIndex.size;
      this.clientIndex.set(text, key);
      this.clientKeys.set(w.id, key);
    }
    return key;
  }

  fingerprint(w: Workload): string {
    return workloadFingerprint(this, this.meshDigest(), w, false);
  }

  sourceFingerprint(w: Workload): string {
    return workloadFingerprint(this, this.meshDigest(), w, true);
  }

  private meshDigest(): string {
    this.global ??= meshFingerprint(this);
    return this.global;
  }

  // FingerprintReads: what the fingerprints read of the compiled revision.
  get namespaces() {
    return this.model.namespaces;
  }

  applyingDigests(w: Workload): readonly (string | undefined)[] {
    this.dest(w);
    return (this.applying.get(w.id) ?? []).map((p) => this.digests.get(p));
  }

  private readKeys: ReadonlySet<string> | undefined;

  labelKeys(): ReadonlySet<string> {
    this.readKeys ??= labelKeysRead(this.policies, this.pa, this.client, this.model.services);
    return this.readKeys;
  }

  evaluate(src: Peer, dst: Workload, l4Allowed: ConnSet): L7Cell {
    return withUnknownInjection(this, src, dst, (ctx) => computeCell(ctx, src, dst, l4Allowed));
  }

  letsSomeThrough(src: Peer, dst: Workload, conns: ConnSet): boolean {
    return letsSomeThrough(this, src, dst, conns);
  }

  letsSomeThroughEverywhere(src: Peer, dst: Workload): boolean {
    return letsSomeThroughEverywhere(this, src, dst);
  }
}
