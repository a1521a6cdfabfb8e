import { istioSelectorMatches } from '../manifests/label-match.js';
import type { Service, Workload } from '../model/types.js';
import type { PolicyModel } from './authz-model.js';
import { rulesNaming } from './client-dr-hosts.js';
import { type ClientSide, NO_CLIENT_SIDE } from './client-types.js';
import { chooseSidecar } from './sidecar-scope.js';
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

/** What `w` reads as a client: the Sidecar that applies, the DestinationRules selecting it. */
export function clientReads(client: ClientSide, w: Workload, root: string): string[] {
  if (client === NO_CLIENT_SIDE) return [];
  const sidecar = chooseSidecar(client, w, root);
  const own = (client.destinationTls.size > 0 ? [...client.destinationTls.values()].flat() : [])
    .filter((dr) => dr.namespace === w.namespace && dr.workloadSelector)
    .filter((dr) => istioSelectorMatches(dr.workloadSelector, w.podLabels))
    .map((dr) => dr.ref.name);
  return [sidecar.sidecar?.ref.name ?? '', String(sidecar.ambiguous.length), ...own];
}

/**
 * The routed DestinationRule subsets of `services`' hosts that `w`'s labels fall in: a routed
 * subset's TLS is what clients send its pods (F7), so two pods of one Service in different
 * subsets answer differently as destinations.
 */
export function subsetsOf(client: ClientSide, services: readonly Service[], w: Workload): string[] {
  return services.flatMap((svc) => {
    const host = `${svc.name}.${svc.namespace}.svc.cluster.local`;
    const routed = client.routedSubsets.get(host);
    if (!routed) return [];
    return rulesNaming(client.destinationTls, host).flatMap((dr) =>
      dr.subsetTls
        .filter((s) => routed.has(s.name) && istioSelectorMatches(s.labels, w.podLabels))
        .map((s) => `subset:${dr.ref.namespace}/${dr.ref.name}/${s.name}`),
    );
  });
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
  const sidecar = [info.injected, info.injected ? '' : info.clientReason, info.unknown ?? ''];
  const out = ['excludeOutboundPorts', 'includeOutboundIPRanges'].map(
    // An empty value (capture nothing) is not an absent one.
    (k) => w.podAnnotations[`traffic.sidecar.istio.io/${k}`] ?? null,
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
