import {
  formatPath,
  Issues,
  isRecord,
  type ObjectPath,
  readString,
  readStringMap,
  readStruct,
  show,
} from '../core/decode.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { PolicyRef, RuleRef } from '../core/refs.js';
import { istioSelectorMatches } from '../manifests/label-match.js';
import type { K8sObject, Labels } from '../manifests/types.js';
import type { Workload } from '../model/types.js';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE' | 'UNSET';
const MODES: readonly MtlsMode[] = ['STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET'];

/** One PeerAuthentication as compiled (invalid ones included: they take no effect, E1-E5, R4). */
export interface PaModel {
  readonly ref: PolicyRef;
  readonly object: K8sObject;
  readonly level: 'mesh' | 'namespace' | 'workload';
  readonly matchLabels: Labels | undefined;
  readonly mode: MtlsMode;
  readonly portModes: ReadonlyMap<number, MtlsMode>;
  readonly created: string | undefined;
  readonly invalid: boolean;
}

/** The mode that applies to one port of one workload, and the policy (or port entry) that set it. */
export interface EffectiveMode {
  readonly mode: Exclude<MtlsMode, 'UNSET'>;
  /** `undefined` when nothing set it (the PERMISSIVE default, E2). */
  readonly rule: RuleRef | undefined;
}

/**
 * Several selector-less PeerAuthentications at one level of one namespace: only the oldest applies
 * (E3). Decided here once; findings report it (`duplicate-peerauthentication`), so it can be accepted.
 */
export interface DuplicatePeerAuthn {
  readonly namespace: string;
  readonly level: 'mesh' | 'namespace';
  /** In input order. */
  readonly policies: readonly PaModel[];
  /** The one assumed to apply: the oldest by creationTimestamp, else the first by name. */
  readonly winner: PaModel;
  /** Whether every one has a creationTimestamp, so the winner is known rather than assumed. */
  readonly timed: boolean;
}

// istio/api security/v1beta1/peer_authentication.proto and type/v1beta1/selector.proto.
const SPEC_FIELDS = ['selector', 'mtls', 'portLevelMtls'];
const SELECTOR_FIELDS = ['matchLabels'];
const MTLS_FIELDS = ['mode'];

/** PeerAuthentication compiled once (SEMANTICS E1–E5). */
export class PeerAuthn {
  readonly diagnostics: Diagnostic[] = [];
  private readonly all: PaModel[] = [];
  private readonly groups: DuplicatePeerAuthn[] = [];
  private readonly mesh: PaModel[] = [];
  private readonly byNamespace = new Map<string, PaModel[]>();
  private readonly workloadLevel = new Map<string, PaModel[]>();
  /** Invalid policies by namespace: workloads they might select get uncertain answers. */
  readonly invalid: PaModel[] = [];

  constructor(objects: readonly K8sObject[], rootNamespace: string) {
    for (const o of objects) this.add(o, rootNamespace);
    this.addDuplicates(this.mesh, rootNamespace, 'mesh');
    for (const [ns, list] of this.byNamespace) this.addDuplicates(list, ns, 'namespace');
  }

  private add(o: K8sObject, root: string): void {
    const m = compile(o, root, this.diagnostics);
    if (!m) return;
    this.all.push(m);
    if (m.invalid) this.invalid.push(m);
    else if (m.level === 'mesh') this.mesh.push(m);
    else push(m.level === 'namespace' ? this.byNamespace : this.workloadLevel, m.ref.namespace, m);
  }

  private addDuplicates(list: readonly PaModel[], namespace: string, level: 'mesh' | 'namespace'): void {
    if (list.length < 2) return;
    const timed = list.every((m) => m.created !== undefined);
    this.groups.push({ namespace, level, policies: list, winner: oldest(list)!, timed });
  }

  /** Every PeerAuthentication istiod reads, valid or not, in input order (not root ones with a selector, E1). */
  policies(): readonly PaModel[] {
    return this.all;
  }

  /** The mesh- and namespace-level duplicates, each with the policy assumed to win (E3). */
  duplicates(): readonly DuplicatePeerAuthn[] {
    return this.groups;
  }

  /** Workload-level policies selecting `w`, oldest first; more than one is ambiguous (E3). */
  workloadPolicies(w: Workload): PaModel[] {
    return (this.workloadLevel.get(w.namespace) ?? [])
      .filter((m) => istioSelectorMatches(m.matchLabels, w.podLabels))
      .sort(byAge);
  }

  /** Invalid PeerAuthentications that might select `w` (their absence or presence changes the answer). */
  uncertainFor(w: Workload, root: string): PolicyRef[] {
    return this.invalid
      .filter(
        (m) =>
          m.ref.namespace === root ||
          (m.ref.namespace === w.namespace && istioSelectorMatches(m.matchLabels, w.podLabels)),
      )
      .map((m) => m.ref);
  }

  /** E2 without the workload level: what client-side auto-mTLS looks at (E6). */
  namespaceMode(namespace: string, root: string): EffectiveMode {
    let eff: EffectiveMode = { mode: 'PERMISSIVE', rule: undefined };
    eff = override(eff, oldest(this.mesh));
    if (namespace !== root) eff = override(eff, oldest(this.byNamespace.get(namespace) ?? []));
    return eff;
  }

  /** E2/E4: mesh, then namespace, then workload, then the workload policy's `portLevelMtls[port]`. */
  portMode(w: Workload, port: number, root: string): EffectiveMode {
    let eff = this.namespaceMode(w.namespace, root);
    if (w.namespace === root) return eff;
    const wl = this.workloadPolicies(w)[0];
    if (!wl) return eff;
    eff = override(eff, wl);
    const pm = wl.portModes.get(port);
    if (pm && pm !== 'UNSET') {
      eff = {
        mode: pm,
        rule: {
          policy: wl.ref,
          rule: `portLevelMtls[${port}]`,
          location: wl.object.locate(['spec', 'portLevelMtls', String(port)]),
        },
      };
    }
    return eff;
  }

  /** Whether some port of `w` may be STRICT (workload, namespace or mesh level, or a port entry). */
  mayBeStrict(w: Workload, root: string): boolean {
    if (this.namespaceMode(w.namespace, root).mode === 'STRICT') return true;
    if (w.namespace === root) return false;
    const wl = this.workloadPolicies(w)[0];
    return !!wl && (wl.mode === 'STRICT' || [...wl.portModes.values()].includes('STRICT'));
  }

  /** Ports named in the portLevelMtls of the policy selecting `w`: segment boundaries. */
  portsOf(w: Workload): number[] {
    return [...(this.workloadPolicies(w)[0]?.portModes.keys() ?? [])];
  }

  /** A stable description of what applies to `w`, for signatures. */
  signature(w: Workload): string {
    return this.workloadPolicies(w)
      .map((m) => m.ref.name)
      .join(',');
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, v: V): void {
  const list = map.get(key);
  if (list) list.push(v);
  else map.set(key, [v]);
}

function override(eff: EffectiveMode, m: PaModel | undefined): EffectiveMode {
  if (!m || m.mode === 'UNSET') return eff;
  return {
    mode: m.mode,
    rule: { policy: m.ref, rule: '', location: m.object.locate(['spec', 'mtls', 'mode']) },
  };
}

function byAge(a: PaModel, b: PaModel): number {
  const ta = a.created ?? '\uffff';
  const tb = b.created ?? '\uffff';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.ref.name < b.ref.name ? -1 : a.ref.name > b.ref.name ? 1 : 0;
}

function oldest(list: readonly PaModel[]): PaModel | undefined {
  return [...list].sort(byAge)[0];
}

/** `mode` of `mtls` or of a port entry; absent is UNSET, an unknown one is `undefined`. */
function readMode(raw: unknown, path: ObjectPath, issues: Issues): MtlsMode | undefined {
  const mtls = readStruct(raw, path, issues, MTLS_FIELDS);
  const mode = readString(mtls?.mode, [...path, 'mode'], issues);
  if (mode === undefined) return mtls?.mode === undefined || mtls.mode === null ? 'UNSET' : undefined;
  return MODES.find((m) => m === mode);
}

function compile(o: K8sObject, root: string, out: Diagnostic[]): PaModel | undefined {
  const namespace = o.namespace;
  const ref: PolicyRef = { kind: 'PeerAuthentication', namespace, name: o.name, location: o.location };
  const label = `PeerAuthentication ${namespace}/${o.name}`;
  // Unknown fields and wrong types: the API server rejects the object, so it takes no effect (R4).
  const issues = new Issues({ suggest: true });
  const spec = readStruct(o.body.spec, ['spec'], issues, SPEC_FIELDS) ?? {};
  const selector = readStruct(spec.selector, ['spec', 'selector'], issues, SELECTOR_FIELDS);
  const labels = readStringMap(selector?.matchLabels, ['spec', 'selector', 'matchLabels'], issues);
  const matchLabels = labels && Object.keys(labels).length > 0 ? labels : undefined;
  const errors: Diagnostic[] = [];
  const error = (path: ObjectPath, message: string) =>
    errors.push({
      severity: 'error',
      code: 'istio-invalid-peerauthentication',
      message: `${label}: ${message}`,
      location: o.locate(path),
      dropped: label,
      // Outside the root namespace it only applies to workloads of its own namespace (E1).
      ...(namespace === root ? {} : { reach: { kind: 'namespaces', namespaces: [namespace] } as const }),
    });
  if (namespace === root && matchLabels) {
    out.push({
      severity: 'warning',
      code: 'istio-peerauthentication-root-selector',
      message: `${label}: a root-namespace PeerAuthentication with a selector is ignored by istiod (E1)`,
      location: o.locate(['spec', 'selector']),
    });
    return undefined;
  }
  const mode = readMode(spec.mtls, ['spec', 'mtls'], issues);
  if (!mode && isRecord(spec.mtls) && typeof spec.mtls.mode === 'string')
    error(['spec', 'mtls', 'mode'], `unknown mTLS mode ${JSON.stringify(spec.mtls.mode)}`);
  const portModes = readPortModes(spec.portLevelMtls, issues, error);
  if (spec.portLevelMtls !== undefined && spec.portLevelMtls !== null && !matchLabels) {
    error(
      ['spec', 'portLevelMtls'],
      'portLevelMtls requires a non-empty selector (E4); the API server rejects this object',
    );
  }
  for (const issue of issues.items) error(issue.path, `${formatPath(issue.path)}: ${issue.message}`);
  out.push(...errors);
  const level = namespace === root ? 'mesh' : matchLabels ? 'workload' : 'namespace';
  const metadata = isRecord(o.body.metadata) ? o.body.metadata : {};
  const created = typeof metadata.creationTimestamp === 'string' ? metadata.creationTimestamp : undefined;
  const invalid = errors.length > 0;
  return { ref, object: o, level, matchLabels, mode: mode ?? 'UNSET', portModes, created, invalid };
}

/** `portLevelMtls: {<port>: {mode}}`, keyed by the container port number (E4). */
function readPortModes(
  raw: unknown,
  issues: Issues,
  error: (path: ObjectPath, message: string) => void,
): Map<number, MtlsMode> {
  const portModes = new Map<number, MtlsMode>();
  if (raw === undefined || raw === null) return portModes;
  if (!isRecord(raw)) {
    issues.add(['spec', 'portLevelMtls'], `must be a map of port numbers to {mode}, got ${show(raw)}`);
    return portModes;
  }
  for (const [k, v] of Object.entries(raw)) {
    const path = ['spec', 'portLevelMtls', k];
    const port = /^[0-9]+$/.test(k) ? Number(k) : Number.NaN;
    const before = issues.count;
    const pm = readMode(v, path, issues);
    if (issues.count > before) continue;
    if (!(port >= 1 && port <= 65535) || !pm) error(path, `portLevelMtls entry ${k} is invalid`);
    else portModes.set(port, pm);
  }
  return portModes;
}
