import { asRecord } from '../core/decode.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { PolicyRef, RuleRef } from '../core/refs.js';
import { istioSelectorMatches } from '../manifests/label-match.js';
import type { K8sObject, Labels } from '../manifests/types.js';
import type { Workload } from '../model/types.js';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE' | 'UNSET';
const MODES: readonly MtlsMode[] = ['STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET'];

interface PaModel {
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

/** PeerAuthentication compiled once (SEMANTICS E1–E5). */
export class PeerAuthn {
  readonly diagnostics: Diagnostic[] = [];
  private readonly mesh: PaModel[] = [];
  private readonly byNamespace = new Map<string, PaModel[]>();
  private readonly workloadLevel = new Map<string, PaModel[]>();
  /** Invalid policies by namespace: workloads they might select get uncertain answers. */
  readonly invalid: PaModel[] = [];

  constructor(objects: readonly K8sObject[], rootNamespace: string) {
    for (const o of objects) this.add(o, rootNamespace);
    this.reportDuplicates(this.mesh, 'mesh');
    for (const [ns, list] of this.byNamespace) this.reportDuplicates(list, `namespace ${ns}`);
  }

  private add(o: K8sObject, root: string): void {
    const m = compile(o, root, this.diagnostics);
    if (!m) return;
    if (m.invalid) this.invalid.push(m);
    else if (m.level === 'mesh') this.mesh.push(m);
    else push(m.level === 'namespace' ? this.byNamespace : this.workloadLevel, m.ref.namespace, m);
  }

  private reportDuplicates(list: readonly PaModel[], level: string): void {
    if (list.length < 2) return;
    const winner = oldest(list)!;
    const timed = list.every((m) => m.created !== undefined);
    this.diagnostics.push({
      severity: 'warning',
      code: 'istio-peerauthentication-ambiguous',
      message:
        `${list.length} ${level}-level PeerAuthentications (${list.map((m) => m.ref.name).join(', ')}): ` +
        (timed
          ? `the oldest, ${winner.ref.name}, wins (E3)`
          : `the oldest wins (E3) but creation times are not in the repository; assuming ${winner.ref.name} (first by name)`),
      location: winner.ref.location,
    });
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

function readMode(raw: unknown): MtlsMode | undefined {
  if (raw === undefined || raw === null) return 'UNSET';
  return MODES.find((m) => m === raw);
}

function compile(o: K8sObject, root: string, out: Diagnostic[]): PaModel | undefined {
  const namespace = o.namespace ?? 'default';
  const ref: PolicyRef = { kind: 'PeerAuthentication', namespace, name: o.name, location: o.location };
  const label = `PeerAuthentication ${namespace}/${o.name}`;
  const spec = asRecord(o.body.spec) ?? {};
  const rawLabels = asRecord(asRecord(spec.selector)?.matchLabels);
  const matchLabels =
    rawLabels && Object.keys(rawLabels).length > 0
      ? Object.fromEntries(Object.entries(rawLabels).map(([k, v]) => [k, String(v)]))
      : undefined;
  const error = (path: (string | number)[], message: string) =>
    out.push({
      severity: 'error',
      code: 'istio-invalid-peerauthentication',
      message: `${label}: ${message}`,
      location: o.locate(path),
      dropped: label,
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
  let invalid = false;
  const mode = readMode(asRecord(spec.mtls)?.mode);
  if (!mode) {
    error(['spec', 'mtls', 'mode'], `unknown mTLS mode ${JSON.stringify(asRecord(spec.mtls)?.mode)}`);
    invalid = true;
  }
  const portModes = new Map<number, MtlsMode>();
  const rawPorts = asRecord(spec.portLevelMtls);
  if (rawPorts && !matchLabels) {
    error(
      ['spec', 'portLevelMtls'],
      'portLevelMtls requires a non-empty selector (E4); the API server rejects this object',
    );
    invalid = true;
  }
  for (const [k, v] of Object.entries(rawPorts ?? {})) {
    const port = /^[0-9]+$/.test(k) ? Number(k) : Number.NaN;
    const pm = readMode(asRecord(v)?.mode);
    if (!(port >= 1 && port <= 65535) || !pm) {
      error(['spec', 'portLevelMtls', k], `portLevelMtls entry ${k} is invalid`);
      invalid = true;
    } else portModes.set(port, pm);
  }
  const level = namespace === root ? 'mesh' : matchLabels ? 'workload' : 'namespace';
  const created =
    typeof asRecord(o.body.metadata)?.creationTimestamp === 'string'
      ? (asRecord(o.body.metadata)!.creationTimestamp as string)
      : undefined;
  return { ref, object: o, level, matchLabels, mode: mode ?? 'UNSET', portModes, created, invalid };
}
