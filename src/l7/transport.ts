import type { RuleRef } from '../core/refs.js';
import type { Peer } from '../model/peers.js';
import type { Workload } from '../model/types.js';
import { formatRange } from '../values/ip-range.js';
import type { EffectiveMode } from './peer-authn.js';
import type { L7Reason, SidecarInfo } from './types.js';

/** What the client sends (E6/E7). */
export type ClientTls =
  | { readonly mtls: true; readonly identity: string }
  | { readonly mtls: false; readonly why: string };

export type TransportResult =
  | { readonly accepted: true; readonly identity: string | undefined; readonly reasons: readonly L7Reason[] }
  | { readonly accepted: false; readonly reason: L7Reason };

const EXCLUDE_OUT = 'traffic.sidecar.istio.io/excludeOutboundPorts';
const INCLUDE_OUT_IPS = 'traffic.sidecar.istio.io/includeOutboundIPRanges';

/**
 * E6/E7: a client with a sidecar sends Istio mTLS (auto-mTLS: the injector labels the destination
 * `security.istio.io/tlsMode=istio`) unless its sidecar is bypassed for this port or the destination
 * namespace/mesh mode is DISABLE. Everything else speaks plaintext. DestinationRule `tls` (F7) is not
 * considered here.
 */
export function clientTls(
  src: Peer,
  sidecar: (w: Workload) => SidecarInfo,
  port: number,
  dstNamespaceMode: EffectiveMode,
): ClientTls {
  if (src.kind === 'external')
    return { mtls: false, why: `external peer ${formatRange(src.range)} speaks plaintext (E7)` };
  const info = sidecar(src.workload);
  if (!info.injected)
    return { mtls: false, why: `client ${src.id} has no sidecar (${info.reason}) and speaks plaintext (E7)` };
  const excluded = (src.workload.podAnnotations[EXCLUDE_OUT] ?? '').split(',').map((s) => s.trim());
  if (excluded.includes(String(port))) {
    return { mtls: false, why: `client ${src.id} excludes port ${port} via ${EXCLUDE_OUT}: plaintext (E7)` };
  }
  if ((src.workload.podAnnotations[INCLUDE_OUT_IPS] ?? '*').trim() === '') {
    return {
      mtls: false,
      why: `client ${src.id} captures no outbound traffic (${INCLUDE_OUT_IPS}=""): plaintext (E7)`,
    };
  }
  if (dstNamespaceMode.mode === 'DISABLE') {
    return {
      mtls: false,
      why: `auto-mTLS sends plaintext because the destination namespace/mesh mode is DISABLE (E6)`,
    };
  }
  return { mtls: true, identity: info.identity };
}

/** E5: does the server's mode for this port accept what the client sends? */
export function checkTransport(client: ClientTls, mode: EffectiveMode): TransportResult {
  const rule: RuleRef | undefined = mode.rule;
  const withRule = (r: Omit<L7Reason, 'rule'>): L7Reason => (rule ? { ...r, rule } : r);
  if (client.mtls) {
    if (mode.mode === 'DISABLE') {
      return {
        accepted: false,
        reason: withRule({
          code: 'mtls-disable-rejects-mtls',
          message:
            'DISABLE accepts plaintext only, but auto-mTLS ignores workload/port-level DISABLE and sends mTLS (E5, E6)',
        }),
      };
    }
    return { accepted: true, identity: client.identity, reasons: [] };
  }
  if (mode.mode === 'STRICT') {
    return {
      accepted: false,
      reason: withRule({
        code: 'mtls-strict-plaintext',
        message: `STRICT mTLS rejects plaintext: ${client.why}`,
      }),
    };
  }
  const reason = withRule({
    code: 'plaintext-empty-identity',
    message: `${mode.mode} accepts plaintext with an empty identity, so principals/namespaces never match (D11): ${client.why}`,
  });
  return { accepted: true, identity: undefined, reasons: [reason] };
}
