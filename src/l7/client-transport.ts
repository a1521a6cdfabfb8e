import { policyLabel, type RuleRef } from '../core/refs.js';
import { istioSelectorMatches, serviceSelectorMatches } from '../manifests/label-match.js';
import type { Peer } from '../model/peers.js';
import type { Service, Workload } from '../model/types.js';
import { hostSpecificity, mostSpecific, rulesNaming } from './client-dr-hosts.js';
import type { ClientSide, DestinationTls, SidecarModel, TlsSetting } from './client-types.js';
import { subsetTlsFor } from './client-types.js';
import type { EffectiveMode } from './peer-authn.js';
import { citing } from './rule-ids.js';
import {
  chooseSidecar,
  exportedTo,
  importedThroughVirtualService,
  outboundMode,
  serviceVisible,
  sidecarImports,
} from './sidecar-scope.js';
import type { ClientTls } from './transport.js';
import type { SidecarInfo } from './types.js';

const EXCLUDE_OUT = 'traffic.sidecar.istio.io/excludeOutboundPorts';
const INCLUDE_OUT_IPS = 'traffic.sidecar.istio.io/includeOutboundIPRanges';

/** What the client-side evaluation reads of the revision. */
export interface ClientContext {
  readonly client: ClientSide;
  readonly root: string;
  /** config.mesh.undeclaredPorts: how a port no Service declares is reached. */
  readonly undeclaredPorts: 'passthrough' | 'service';
  sidecar(w: Workload): SidecarInfo;
  /** Services of `w`'s namespace that select it. */
  servicesOf(w: Workload): readonly Service[];
}

/** A Service port through which a client reaches the destination's container port. */
export interface ClientRoute {
  readonly service: Service;
  readonly host: string;
  readonly port: number;
}

/** What the client may send to `dst`'s container `port`, one entry per way to dial it (deduplicated). */
export interface ClientSends {
  readonly sends: readonly ClientTls[];
  /** A DestinationRule for a dialled host is invalid, or two Sidecars apply: the TLS is unknown. */
  readonly uncertain: boolean;
}

/** E10: the Service ports (or, dialling a pod IP, container ports) the client's sidecar does not capture. */
function excludedPorts(w: Workload): ReadonlySet<string> {
  return new Set((w.podAnnotations[EXCLUDE_OUT] ?? '').split(',').map((s) => s.trim()));
}

/** The numbers of `excludeOutboundPorts`: where a client's answer toward undeclared ports changes. */
export function outboundExcluded(w: Workload): number[] {
  return [...excludedPorts(w)].filter((s) => /^[0-9]+$/.test(s)).map(Number);
}

/** The Service ports that target container `port` of `dst` (TCP only; D19). */
export function clientRoutes(services: readonly Service[], dst: Workload, port: number): ClientRoute[] {
  const out: ClientRoute[] = [];
  for (const svc of services) {
    if (!serviceSelectorMatches(svc.selector, dst.podLabels)) continue;
    for (const sp of svc.ports) {
      if (sp.protocol !== 'TCP') continue;
      const target =
        typeof sp.targetPort === 'number'
          ? sp.targetPort
          : dst.ports.find((p) => p.name === sp.targetPort)?.containerPort;
      if (target === port)
        out.push({ service: svc, host: `${svc.name}.${svc.namespace}.svc.cluster.local`, port: sp.port });
    }
  }
  return out;
}

/**
 * SEMANTICS 0.1, E6, E7, E10, E11, F7-F10, F14: what a client sends toward one container port of
 * `dst`, for each Service port that reaches it, or as passthrough when none does. The reasons say
 * "the client" and "the destination", never their names: one cell serves every pair of equal
 * source keys and destination L7 classes (L7Engine.sourceKey), and the pair shown names its ends.
 */
export function clientSends(
  ctx: ClientContext,
  src: Peer,
  dst: Workload,
  port: number,
  dstNamespaceMode: EffectiveMode,
): ClientSends {
  if (src.kind === 'external')
    return one({
      send: 'plaintext',
      why: 'the client is an address outside the cluster and speaks plaintext (E7)',
    });
  const info = ctx.sidecar(src.workload);
  if (!info.injected)
    return one({
      send: 'plaintext',
      why: `the client has no sidecar (${info.clientReason}) and speaks plaintext (E7)`,
    });
  const w = src.workload;
  if ((w.podAnnotations[INCLUDE_OUT_IPS] ?? '*').trim() === '') {
    return one({
      send: 'plaintext',
      why: `the client captures no outbound traffic (${INCLUDE_OUT_IPS}=""): plaintext (E7)`,
    });
  }
  const excluded = excludedPorts(w);
  const choice = chooseSidecar(ctx.client, w, ctx.root);
  const mode = outboundMode(ctx.client, choice.sidecar);
  /** F10: what the outbound policy does with a call the registry or the Sidecar scope has no route for. */
  const unmatched = (why: string, scoped: boolean): ClientTls => {
    const s = choice.sidecar;
    const by = s?.outbound ? `Sidecar ${s.ref.namespace}/${s.ref.name}` : 'the mesh';
    // The Sidecar is named as the cause when its scope or its outbound policy decided.
    const rule = s && (scoped || s.outbound) ? { rule: sidecarRule(s, scoped) } : {};
    if (mode === 'REGISTRY_ONLY')
      return {
        send: 'blackhole',
        why: citing(`REGISTRY_ONLY (${by}) blackholes the call: ${why}`, 'F10'),
        ...rule,
      };
    return {
      send: 'plaintext',
      why: citing(`ALLOW_ANY passes the call through as plaintext: ${why}`, 'F10'),
      strictCode: 'mtls-strict-passthrough',
      ...rule,
    };
  };
  const routes = clientRoutes(ctx.servicesOf(dst), dst, port);
  let uncertain = choice.ambiguous.length > 0;
  const sends: ClientTls[] = [];
  if (routes.length === 0) {
    // E10: dialling a pod IP, the container port is what the capture rules compare.
    if (excluded.has(String(port)))
      return one(
        {
          send: 'plaintext',
          why: `the client excludes port ${port} via ${EXCLUDE_OUT}: plaintext (E10)`,
          strictCode: 'mtls-strict-bypassed',
        },
        uncertain,
      );
    if (ctx.undeclaredPorts === 'service') return one(autoMtls(info, dstNamespaceMode), uncertain);
    return one(
      unmatched(
        `no Service declares port ${port} of the destination, so it is reached by pod IP (E11, F13)`,
        false,
      ),
      uncertain,
    );
  }
  for (const r of routes) {
    const name = `${r.service.namespace}/${r.service.name}:${r.port}`;
    if (excluded.has(String(r.port))) {
      sends.push({
        send: 'plaintext',
        why: `the client excludes Service port ${r.port} (${name}) via ${EXCLUDE_OUT}: plaintext (E10)`,
        strictCode: 'mtls-strict-bypassed',
      });
      continue;
    }
    if (!serviceVisible(ctx.client, r.service, w.namespace)) {
      sends.push(unmatched(`Service ${name} is not exported to namespace ${w.namespace} (F14)`, false));
      continue;
    }
    if (
      choice.sidecar &&
      !sidecarImports(choice.sidecar, w.namespace, r.host, r.service.namespace, r.port) &&
      !importedThroughVirtualService(ctx.client, choice.sidecar, w.namespace, r.host, r.port)
    ) {
      const s = choice.sidecar.ref;
      sends.push(
        unmatched(
          `Sidecar ${s.namespace}/${s.name} egress.hosts does not import ${r.service.namespace}/${r.host} (F9)`,
          true,
        ),
      );
      continue;
    }
    if ([...ctx.client.unknownTls].some((h) => hostSpecificity(h, r.host) >= 0)) uncertain = true;
    sends.push(...destinationRuleSends(ctx, w, r, dst, info, dstNamespaceMode));
  }
  return { sends: dedupe(sends), uncertain };
}

function one(send: ClientTls, uncertain = false): ClientSends {
  return { sends: [send], uncertain };
}

/** The part of a Sidecar that decided: its egress scope, or its outbound policy. */
function sidecarRule(s: SidecarModel, scoped: boolean): RuleRef {
  if (scoped) return { policy: s.ref, rule: 'egress', location: s.object.locate(['spec', 'egress']) };
  return { policy: s.ref, rule: 'outboundTrafficPolicy', location: s.outboundLocation ?? s.ref.location };
}

/** E6/F7: the DestinationRule's TLS for the route (the subset's port level and top level, then the rule's), else auto-mTLS. */
function destinationRuleSends(
  ctx: ClientContext,
  client: Workload,
  r: ClientRoute,
  dst: Workload,
  info: SidecarInfo,
  dstNamespaceMode: EffectiveMode,
): ClientTls[] {
  const rules = applicableRules(ctx, client, r.host, r.service.namespace);
  const routed = ctx.client.routedSubsets.get(r.host);
  const settings: TlsSetting[] = [];
  for (const dr of rules) {
    for (const s of dr.subsetTls) {
      if (!routed?.has(s.name) || !istioSelectorMatches(s.labels, dst.podLabels)) continue;
      // A subset that sets nothing for this port leaves it to the rule's own TLS.
      const own = subsetTlsFor(s, r.port);
      if (own) settings.push(own);
    }
  }
  const base = first(rules, (dr) => dr.portTls.get(r.port)) ?? first(rules, (dr) => dr.tls);
  if (settings.length === 0 && base) settings.push(base);
  if (settings.length === 0) return [autoMtls(info, dstNamespaceMode)];
  return settings.map((s): ClientTls => {
    const why = `${policyLabel(s.rule.policy)} ${s.rule.rule}.mode ${s.mode} (E6, F7)`;
    if (s.mode === 'ISTIO_MUTUAL') return { send: 'mtls', identity: info.identity, why, rule: s.rule };
    return {
      send: s.mode === 'DISABLE' ? 'plaintext' : 'tls',
      why,
      rule: s.rule,
      strictCode: 'mtls-strict-client-tls',
    };
  });
}

/** E6: auto-mTLS toward a destination with a sidecar, unless its namespace or the mesh is DISABLE. */
function autoMtls(info: SidecarInfo, dstNamespaceMode: EffectiveMode): ClientTls {
  if (dstNamespaceMode.mode === 'DISABLE')
    return {
      send: 'plaintext',
      why: 'auto-mTLS sends plaintext because the destination namespace/mesh mode is DISABLE (E6)',
    };
  return { send: 'mtls', identity: info.identity };
}

function first<T>(
  rules: readonly DestinationTls[],
  get: (dr: DestinationTls) => T | undefined,
): T | undefined {
  for (const dr of rules) {
    const v = get(dr);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * The DestinationRules istiod gives this client for `host`: those of the client's namespace
 * (workloadSelector matching), else those the host's namespace exports to it, else the root
 * namespace's; several at one level merge, the first definition of each setting winning (F5).
 */
function applicableRules(
  ctx: ClientContext,
  client: Workload,
  host: string,
  hostNs: string,
): DestinationTls[] {
  const all = rulesNaming(ctx.client.destinationTls, host);
  const visible = all.filter((dr) => exportedTo(dr.exportTo ?? ['*'], dr.namespace, client.namespace));
  const own = visible.filter(
    (dr) => dr.namespace === client.namespace && istioSelectorMatches(dr.workloadSelector, client.podLabels),
  );
  if (own.length > 0) return mostSpecific(own, host);
  const ofHost = visible.filter((dr) => dr.namespace === hostNs && !dr.workloadSelector);
  if (ofHost.length > 0) return mostSpecific(ofHost, host);
  return mostSpecific(
    visible.filter((dr) => dr.namespace === ctx.root && !dr.workloadSelector),
    host,
  );
}

function dedupe(sends: readonly ClientTls[]): ClientTls[] {
  const seen = new Map<string, ClientTls>();
  for (const s of sends) {
    const key = JSON.stringify([s.send, s.why ?? '', s.send === 'mtls' ? s.identity : '']);
    if (!seen.has(key)) seen.set(key, s);
  }
  return [...seen.values()];
}
