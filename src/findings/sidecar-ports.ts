import { flatCopy } from '../core/flat-text.js';
import type { SourceLocation } from '../core/location.js';
import { policyLabel, ruleLabel } from '../core/refs.js';
import { denialsFor, isolation, sideUncertain } from '../explain/policies.js';
import type { SideVerdict } from '../l4/verdict.js';
import { type Peer, workloadPeer } from '../model/peers.js';
import type { Protocol, Workload } from '../model/types.js';
import { ConnSet } from '../values/conn-set.js';
import { PortSet } from '../values/port-set.js';
import { workloadCarry } from './carry-forward.js';
import {
  listSome,
  policyResource,
  type RevisionContext,
  syntheticWorkload,
  workloadResource,
} from './context.js';
import { knownInjected } from './known-sidecar.js';
import type { RawFinding } from './types.js';

const tcp = (port: number) => ConnSet.of('TCP', PortSet.range(port));
const conn = (protocol: Protocol, port: number) => ConnSet.of(protocol, PortSet.range(port));

/** istiod: app=istiod or istio=pilot in the Istio namespace; a synthetic one when the repo has none. */
function istiodPeers(ctx: RevisionContext): Workload[] {
  const ns = ctx.config.mesh.istioNamespace;
  const found = ctx.rev.model.workloads.filter(
    (w) => w.namespace === ns && (w.podLabels.app === 'istiod' || w.podLabels.istio === 'pilot'),
  );
  if (found.length > 0) return found;
  return [
    syntheticWorkload(
      ns,
      'istiod',
      { app: 'istiod', istio: 'pilot' },
      [
        { name: 'grpc-xds', containerPort: 15010, protocol: 'TCP' },
        { name: 'https-dns', containerPort: 15012, protocol: 'TCP' },
        { name: 'https-webhook', containerPort: 15017, protocol: 'TCP' },
        { name: 'http-monitoring', containerPort: 15014, protocol: 'TCP' },
      ],
      ctx.rev.label,
    ),
  ];
}

function dnsPeers(ctx: RevisionContext): Workload[] {
  const found = ctx.rev.model.workloads.filter(
    (w) => w.namespace === 'kube-system' && w.podLabels['k8s-app'] === 'kube-dns',
  );
  if (found.length > 0) return found;
  return [
    syntheticWorkload(
      'kube-system',
      'kube-dns',
      { 'k8s-app': 'kube-dns' },
      [
        { name: 'dns', containerPort: 53, protocol: 'UDP' },
        { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
      ],
      ctx.rev.label,
    ),
  ];
}

/** Prometheus: workloads labelled so in the repo, plus one per configured monitoring namespace. */
function prometheusPeers(ctx: RevisionContext): Workload[] {
  const isProm = (w: Workload) =>
    w.podLabels.app === 'prometheus' || w.podLabels['app.kubernetes.io/name'] === 'prometheus';
  const found = ctx.rev.model.workloads.filter(isProm);
  const covered = new Set(found.map((w) => w.namespace));
  const extra = ctx.config.mesh.monitoringNamespaces
    .filter((ns) => !covered.has(ns))
    .map((ns) => syntheticWorkload(ns, 'prometheus', { app: 'prometheus' }, [], ctx.rev.label));
  return [...found, ...extra];
}

/** Whether plaintext xDS (15010) is configured: a discoveryAddress on :15010 in the pod or the mesh. */
function plaintextXds(ctx: RevisionContext, w: Workload): boolean {
  if (/discoveryAddress:\s*\S+:15010\b/.test(w.podAnnotations['proxy.istio.io/config'] ?? '')) return true;
  return ctx.rev.policies.mesh.plaintextXds;
}

/** Policies isolating the side that blocks `needed`, with their locations. */
function blockers(
  side: SideVerdict | null,
  needed: ConnSet,
): { label: string; location: SourceLocation; ref: SideVerdict['isolatedBy'][number] }[] {
  // An AdminNetworkPolicy Deny rule blocks on its own, isolation or not (tiers: SEMANTICS B).
  const denied = side ? denialsFor(side, needed) : [];
  return [
    ...(isolation(side, needed)?.by ?? []).map((ref) => ({
      label: policyLabel(ref),
      location: ref.location,
      ref,
    })),
    ...denied.map(({ rule }) => ({ label: ruleLabel(rule), location: rule.location, ref: rule.policy })),
  ];
}

interface Check {
  readonly rule: RawFinding['rule'];
  readonly peer: Workload;
  readonly needed: ConnSet;
  readonly what: string;
  readonly consequence: string;
  readonly fix: string;
}

/**
 * Evaluates one check on a workload's egress toward a (possibly synthetic) peer, and — when the peer
 * is in the repository — the peer's ingress from the workload.
 */
function egressCheck(ctx: RevisionContext, w: Workload, check: Check): RawFinding | undefined {
  const synthetic = check.peer.location.line === 0;
  const egress = ctx.rev.l4.egress(w, workloadPeer(check.peer));
  const ingress = synthetic ? null : ctx.rev.l4.ingress(check.peer, workloadPeer(w));
  if (sideUncertain(egress) || sideUncertain(ingress)) return undefined;
  const allowed = egress.allowed.intersect(ingress?.allowed ?? ConnSet.all);
  const missing = check.needed.subtract(allowed);
  if (missing.isEmpty()) return undefined;
  const blocking = [
    ...blockers(egress, check.needed).map((b) => ({ ...b, side: `egress of ${w.id}` })),
    ...blockers(ingress, check.needed).map((b) => ({ ...b, side: `ingress of ${check.peer.id}` })),
  ];
  const by = blocking.map((b) => `${b.label} (${b.side})`);
  return {
    rule: check.rule,
    subject: `${w.id} -> ${check.what}`,
    // Flat: every workload has findings like these (58,000 per revision at 50,000 workloads), and
    // a joined message is a tree of its pieces, twice its text.
    message: flatCopy(
      `${w.id} has an Istio sidecar, but NetworkPolicy allows no ${missing.toString()} to ${check.what}` +
        `${synthetic ? ' (not in the repository: assumed with its standard labels)' : ''}; ` +
        `isolated by ${listSome(by)}. ${check.consequence} Fix: ${check.fix}`,
    ),
    locations: [...blocking.map((b) => b.location), w.location],
    source: w.id,
    destination: check.peer.id,
    resources: [workloadResource(w), ...blocking.map((b) => policyResource(b.ref))],
  };
}

/** sidecar-control-plane-blocked and sidecar-dns-blocked (SEMANTICS G2). */
export function sidecarEgressFindings(ctx: RevisionContext): RawFinding[] {
  const istiod = istiodPeers(ctx);
  const dns = dnsPeers(ctx);
  const out: RawFinding[] = [];
  // A small change leaves most workloads as they were: their findings are carried (workloadCarry).
  const peers = peersKey(ctx, [...istiod, ...dns]);
  const carry = workloadCarry(
    ctx,
    'sidecar-egress',
    peers && JSON.stringify([peers, ctx.rev.policies.mesh.plaintextXds]),
  );
  for (const w of ctx.rev.model.workloads) {
    const carried = carry.carried(w);
    if (carried) {
      for (const f of carried) out.push(f);
      continue;
    }
    const at = out.length;
    sidecarEgressOf(ctx, w, istiod, dns, out);
    carry.record(w, out.slice(at));
  }
  carry.finish();
  return out;
}

function sidecarEgressOf(
  ctx: RevisionContext,
  w: Workload,
  istiod: readonly Workload[],
  dns: readonly Workload[],
  out: RawFinding[],
): void {
  const istioNs = ctx.config.mesh.istioNamespace;
  // A guessed sidecar (namespace not in the input, rule C2) may not exist: nothing to block.
  if (!knownInjected(ctx, w)) return;
  const xds = plaintextXds(ctx, w) ? tcp(15012).union(tcp(15010)) : tcp(15012);
  // One finding per check even when several istiod or kube-dns workloads exist: the first blocked one.
  const first = (checks: Check[]) => {
    for (const c of checks) {
      const f = egressCheck(ctx, w, c);
      if (f) return f;
    }
    return undefined;
  };
  const cp = first(
    istiod.map((peer) => ({
      rule: 'sidecar-control-plane-blocked' as const,
      peer,
      needed: xds,
      what: `istiod in ${istioNs}`,
      consequence:
        'The proxy gets no certificates or configuration from istiod: it never becomes ready, mTLS fails and the pod receives no traffic.',
      fix: `add an egress rule to namespace ${istioNs} pods app=istiod on TCP ${xds.ports('TCP').toString()}.`,
    })),
  );
  if (cp) out.push(cp);
  const d = first(
    dns.map((peer) => ({
      rule: 'sidecar-dns-blocked' as const,
      peer,
      needed: conn('UDP', 53).union(conn('TCP', 53)),
      what: 'kube-dns in kube-system',
      consequence:
        'Name resolution fails: the proxy cannot resolve istiod.istio-system.svc and the application cannot resolve services.',
      fix: 'add an egress rule to namespace kube-system pods k8s-app=kube-dns on UDP 53 and TCP 53.',
    })),
  );
  if (d) out.push(d);
}

/**
 * The fixed peers of a per-workload rule, for workloadCarry: ids and fingerprints (a synthetic
 * peer's from the L4 engine: it is in no matrix). Undefined when one has none.
 */
function peersKey(ctx: RevisionContext, peers: readonly Workload[]): string | undefined {
  const parts: string[] = [];
  for (const p of peers) {
    const synthetic = p.location.line === 0;
    const f = synthetic ? ctx.rev.l4.fingerprint?.(p) : ctx.matrix.fingerprint(workloadPeer(p));
    if (f === undefined) return undefined;
    parts.push(p.id, synthetic ? 'synthetic' : 'model', f);
  }
  return JSON.stringify(parts);
}

const GATEWAY = (w: Workload) =>
  /gateway$/.test(w.podLabels.istio ?? '') || /^istio-(ingress|egress)gateway/.test(w.podLabels.app ?? '');

/**
 * Whether Prometheus scrapes the pod's merged metrics on 15020: the pod asks to be scraped
 * (`prometheus.io/scrape: "true"`) and has not opted out of merging, which the injector then applies
 * by pointing the scrape annotations at the agent on 15020 (G2; `enablePrometheusMerge` is on by default).
 */
function scrapedOn15020(w: Workload): boolean {
  const a = w.podAnnotations;
  return a['prometheus.io/scrape'] === 'true' && a['prometheus.istio.io/merge-metrics'] !== 'false';
}

/** sidecar-port-blocked: 15090 (and 15020 for merged metrics) from Prometheus, 15021 to gateways from outside (SEMANTICS G2). */
export function sidecarPortFindings(ctx: RevisionContext): RawFinding[] {
  const proms = prometheusPeers(ctx);
  const out: RawFinding[] = [];
  const peers = peersKey(ctx, proms);
  const carry = workloadCarry(
    ctx,
    'sidecar-port',
    peers && JSON.stringify([peers, ctx.matrix.externals.map((e) => e.id)]),
  );
  for (const w of ctx.rev.model.workloads) {
    const carried = carry.carried(w);
    if (carried) {
      for (const f of carried) out.push(f);
      continue;
    }
    const at = out.length;
    sidecarPortsOf(ctx, w, proms, out);
    carry.record(w, out.slice(at));
  }
  carry.finish();
  return out;
}

function sidecarPortsOf(
  ctx: RevisionContext,
  w: Workload,
  proms: readonly Workload[],
  out: RawFinding[],
): void {
  // Gateways run their own proxy; an injected one counts only when known (rule C2).
  const injected = knownInjected(ctx, w);
  if (!injected && !GATEWAY(w)) return;
  for (const prom of proms) {
    if (prom.id === w.id) continue;
    const side = ctx.rev.l4.ingress(w, workloadPeer(prom));
    if (sideUncertain(side)) continue;
    const blocked = (port: number) => !side.allowed.intersect(tcp(port)).equals(tcp(port));
    const from = `Prometheus ${prom.namespace}/${prom.name}`;
    if (blocked(15090))
      out.push(
        portFinding(
          w,
          side,
          15090,
          from,
          'Envoy metrics are not scraped: dashboards and alerts for this workload go blind.',
        ),
      );
    if (injected && scrapedOn15020(w) && blocked(15020))
      out.push(
        portFinding(
          w,
          side,
          15020,
          from,
          'The pod asks to be scraped and Istio merges its metrics on 15020 (the injector rewrites the prometheus.io annotations): application and Envoy metrics are both lost.',
        ),
      );
  }
  if (GATEWAY(w)) {
    const externals: readonly Peer[] = ctx.matrix.externals;
    const sides = externals.map((e) => ctx.rev.l4.ingress(w, e));
    if (sides.some(sideUncertain)) return;
    if (sides.some((s) => s.allowed.intersect(tcp(15021)).equals(tcp(15021)))) return;
    const side = sides[0];
    if (side)
      out.push(
        portFinding(
          w,
          side,
          15021,
          'load-balancer health checks (outside the cluster)',
          'The load balancer marks the gateway unhealthy and stops sending traffic.',
        ),
      );
  }
}

function portFinding(
  w: Workload,
  side: SideVerdict,
  port: number,
  from: string,
  consequence: string,
): RawFinding {
  const policies = side.isolatedBy;
  const denials = denialsFor(side, tcp(port)).map((d) => d.rule);
  const blockedBy = [
    ...(policies.length ? [`isolated by ${listSome(policies.map(policyLabel))}`] : []),
    ...(denials.length ? [`denied by ${listSome(denials.map(ruleLabel))}`] : []),
  ].join(', ');
  return {
    rule: 'sidecar-port-blocked',
    subject: `${w.id} ${port} ${from}`,
    about: `${w.id} port ${port} from ${from}`,
    message: flatCopy(
      `Ingress of ${w.id} is ${blockedBy} and no rule allows TCP ${port} from ${from}. ` +
        `${consequence} Fix: allow TCP ${port} from ${from} in an ingress rule.`,
    ),
    locations: [...policies.map((p) => p.location), ...denials.map((r) => r.location), w.location],
    source: from,
    destination: w.id,
    resources: [
      workloadResource(w),
      ...policies.map((p) => policyResource(p)),
      ...denials.map((r) => policyResource(r.policy)),
    ],
  };
}
