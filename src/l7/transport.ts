import type { RuleRef } from '../core/refs.js';
import type { EffectiveMode } from './peer-authn.js';
import type { L7Reason } from './types.js';

/**
 * What the client sends (E6, E7, F7, F10): Istio mTLS with its identity, plaintext, TLS that is not
 * Istio's (DestinationRule SIMPLE/MUTUAL: no Istio client certificate), or nothing at all (the
 * REGISTRY_ONLY blackhole). `rule` is the object that decided it, when one did.
 */
export type ClientTls =
  | { readonly send: 'mtls'; readonly identity: string; readonly why?: string; readonly rule?: RuleRef }
  | {
      readonly send: 'plaintext' | 'tls' | 'blackhole';
      readonly why: string;
      readonly rule?: RuleRef;
      /** The code of a STRICT rejection when it is not a client without a sidecar (`mtls-strict-plaintext`). */
      readonly strictCode?: string;
    };

export type TransportResult =
  | { readonly accepted: true; readonly identity: string | undefined; readonly reasons: readonly L7Reason[] }
  | { readonly accepted: false; readonly reasons: readonly L7Reason[] };

/** E5: does the server's mode for this port accept what the client sends? */
export function checkTransport(client: ClientTls, mode: EffectiveMode): TransportResult {
  const rule: RuleRef | undefined = mode.rule;
  const withRule = (r: Omit<L7Reason, 'rule'>, by = rule): L7Reason => (by ? { ...r, rule: by } : r);
  // The client-side object that decided what is sent (a DestinationRule, a Sidecar), named with its line.
  const cause: L7Reason[] =
    client.rule && client.why
      ? [{ code: `client-${client.send}`, message: client.why, rule: client.rule }]
      : [];
  if (client.send === 'blackhole') {
    return {
      accepted: false,
      reasons: [withRule({ code: 'registry-only-blackhole', message: client.why }, client.rule)],
    };
  }
  if (client.send === 'mtls') {
    if (mode.mode === 'DISABLE') {
      return {
        accepted: false,
        reasons: [
          ...cause,
          withRule({
            code: 'mtls-disable-rejects-mtls',
            message: client.rule
              ? `DISABLE accepts plaintext only, but the client sends mTLS: ${client.why}`
              : 'DISABLE accepts plaintext only, but auto-mTLS ignores workload/port-level DISABLE and sends mTLS (E5, E6)',
          }),
        ],
      };
    }
    return { accepted: true, identity: client.identity, reasons: cause };
  }
  if (mode.mode === 'STRICT') {
    const what = client.send === 'tls' ? 'TLS without an Istio client certificate' : 'plaintext';
    return {
      accepted: false,
      reasons: [
        ...cause,
        withRule({
          code: client.strictCode ?? 'mtls-strict-plaintext',
          message: `STRICT mTLS rejects ${what}: ${client.why}`,
        }),
      ],
    };
  }
  const reason = withRule({
    code: 'plaintext-empty-identity',
    message: `${mode.mode} accepts ${client.send === 'tls' ? 'non-Istio TLS' : 'plaintext'} with an empty identity, so principals/namespaces never match (D11): ${client.why}`,
  });
  return {
    accepted: true,
    identity: undefined,
    reasons: [...cause, reason],
  };
}
