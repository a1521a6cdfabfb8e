import type { Service, Workload } from '../model/types.js';
import type { PolicyModel } from './authz-model.js';
import { type ClientSide, NO_CLIENT_SIDE } from './client-types.js';
import type { SidecarInfo } from './types.js';

type Named = ReadonlySet<string> | 'all';

/** What a destination's applied policies read of a source's identity (L7Engine.sourceKey). */
export interface IdentityRead {
  readonly accounts: Named;
  readonly namespaces: Named;
}

export function identityRead(applied: readonly PolicyModel[]): IdentityRead {
  const accounts = accountsNamed(applied);
  return { accounts, namespaces: namespacesNamed(applied, accounts) };
}

/** The source's namespace and account as `read` tells them apart (`*`: alike to every other). */
export function identityKey(src: Workload, read: IdentityRead): string {
  const ns = read.namespaces === 'all' || read.namespaces.has(src.namespace) ? src.namespace : '*';
  return `${ns}/${accountAsNamed(src.namespace, src.serviceAccountName || 'default', read.accounts)}`;
}

/**
 * Whether a client's namespace can change what it sends (F9, F14, F5): only through Sidecars,
 * DestinationRules, and Services exported to some namespaces only. Without them it cannot.
 */
export function clientReadsNamespace(client: ClientSide, services: readonly Service[]): boolean {
  if (client === NO_CLIENT_SIDE) return false;
  return (
    client.sidecars.length > 0 ||
    client.destinationTls.size > 0 ||
    !client.defaultServiceExportTo.includes('*') ||
    services.some((svc) => svc.object.annotations['networking.istio.io/exportTo'] !== undefined)
  );
}

/**
 * The client side of a source key: of its sidecar whether it is injected (else why not: the
 * message says it) and whether that rests on a guess, its outbound capture annotations, its
 * namespace when `namespaceRead`, and `reads` (its Sidecar and DestinationRules).
 */
export function clientText(
  w: Workload,
  info: SidecarInfo,
  namespaceRead: boolean,
  reads: readonly string[],
): string {
  const sidecar = [info.injected, info.injected ? '' : info.reason, info.unknown ?? ''];
  const out = ['excludeOutboundPorts', 'includeOutboundIPRanges'].map(
    (k) => w.podAnnotations[`traffic.sidecar.istio.io/${k}`] ?? '',
  );
  return JSON.stringify([namespaceRead ? w.namespace : '*', sidecar, out, reads]);
}

/**
 * `<ns>/<sa>` of the service accounts some principal of `policies` names (`from.source.principals`,
 * `notPrincipals`, `when source.principal`); `all` when a pattern could name any.
 *
 * The source's service account reaches an AuthorizationPolicy only through its identity
 * `<td>/ns/<ns>/sa/<sa>` (D9, D11): a principal matches it only when the principal names that
 * namespace and account, or is a pattern. Namespaces (D10: a regex over the identity) never
 * read the account: the last `/` a value can reach is the one before `sa`, and an account holds no `/`.
 * A plain `*` matches every identity alike, so it names no account.
 */
export function accountsNamed(policies: Iterable<PolicyModel>): Named {
  const accounts = new Set<string>();
  const add = (values: readonly string[] | undefined): boolean => {
    for (const v of values ?? []) {
      if (v === '*') continue;
      if (v.includes('*')) return false;
      // Only `<td>/ns/<ns>/sa/<sa>` can equal an identity.
      const parts = v.split('/');
      if (parts.length === 5 && parts[1] === 'ns' && parts[3] === 'sa')
        accounts.add(`${parts[2]}/${parts[4]}`);
    }
    return true;
  };
  for (const p of policies) {
    for (const r of p.rules) {
      for (const src of r.from ?? []) {
        if (!add(src.principals.values) || !add(src.principals.notValues)) return 'all';
      }
      for (const c of r.when) {
        if (c.key === 'source.principal' && (!add(c.values) || !add(c.notValues))) return 'all';
      }
    }
  }
  return accounts;
}

/** `account` when `named` names it (see accountsNamed), else `*`: accounts no principal names are alike. */
export function accountAsNamed(namespace: string, account: string, named: Named): string {
  return named === 'all' || named.has(`${namespace}/${account}`) ? account : '*';
}

/**
 * The namespaces `policies` can tell a source's identity apart by (D10 `namespaces`,
 * `when source.namespace`, and the namespace of every account a principal names); `all` when a
 * pattern could name any. A plain `*` matches every identity alike.
 */
export function namespacesNamed(policies: readonly PolicyModel[], accounts: Named): Named {
  if (accounts === 'all') return 'all';
  const out = new Set([...accounts].map((a) => a.slice(0, a.indexOf('/'))));
  const add = (values: readonly string[] | undefined): boolean => {
    for (const v of values ?? []) {
      if (v === '*') continue;
      if (v.includes('*')) return false;
      out.add(v);
    }
    return true;
  };
  for (const p of policies) {
    for (const r of p.rules) {
      for (const src of r.from ?? []) {
        if (!add(src.namespaces.values) || !add(src.namespaces.notValues)) return 'all';
      }
      for (const c of r.when) {
        if (c.key === 'source.namespace' && (!add(c.values) || !add(c.notValues))) return 'all';
      }
    }
  }
  return out;
}
