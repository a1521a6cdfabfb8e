import { istioSelectorMatches } from '../manifests/label-match.js';
import type { Service, Workload } from '../model/types.js';
import { containsRange, type IpRange, parseCidr, rangesOverlap } from '../values/ip-range.js';
import { identityMatchesNamespaces, identityMatchesPrincipals } from './authz-eval.js';
import type { PolicyModel } from './authz-model.js';
import { rulesNaming } from './client-dr-hosts.js';
import { type ClientSide, NO_CLIENT_SIDE } from './client-types.js';
import { chooseSidecar } from './sidecar-scope.js';
import type { SidecarInfo } from './types.js';

type Named = ReadonlySet<string> | 'all';

/** What a destination's applied policies read of a source's identity (L7Engine.sourceKey). */
export interface IdentityRead {
  /** The accounts their exact principals name, and the namespaces of those and of their exact namespace values. */
  readonly accounts: ReadonlySet<string>;
  readonly namespaces: ReadonlySet<string>;
  /**
   * Their values with a `*` (but a lone `*`): a source is told apart by which of them match its
   * identity, asked as the evaluation asks it (a `team-*` splits the team namespaces from the
   * others, not every namespace from every other).
   */
  readonly principalPatterns: readonly string[];
  readonly namespacePatterns: readonly string[];
}

export function identityRead(applied: readonly PolicyModel[]): IdentityRead {
  const values = { principals: new Set<string>(), namespaces: new Set<string>() };
  for (const p of applied) {
    for (const r of p.rules) {
      for (const src of r.from ?? []) {
        for (const v of [...(src.principals.values ?? []), ...(src.principals.notValues ?? [])])
          values.principals.add(v);
        for (const v of [...(src.namespaces.values ?? []), ...(src.namespaces.notValues ?? [])])
          values.namespaces.add(v);
      }
      for (const c of r.when) {
        const field =
          c.key === 'source.principal'
            ? values.principals
            : c.key === 'source.namespace'
              ? values.namespaces
              : null;
        for (const v of field ? [...(c.values ?? []), ...(c.notValues ?? [])] : []) field!.add(v);
      }
    }
  }
  // A namespace value is a regex over the whole identity (D10): one holding a `/` can reach past
  // the namespace, so it is asked like a pattern.
  const isPattern = (v: string, field: 'principals' | 'namespaces') =>
    v !== '*' && (v.includes('*') || (field === 'namespaces' && v.includes('/')));
  const patterns = (field: 'principals' | 'namespaces') =>
    [...values[field]].filter((v) => isPattern(v, field)).sort();
  const exact = (field: 'principals' | 'namespaces') =>
    [...values[field]].filter((v) => v !== '*' && !isPattern(v, field));
  const accounts = accountsOf(exact('principals'));
  const namespaces = new Set([...accounts].map((a) => a.slice(0, a.indexOf('/'))));
  for (const v of exact('namespaces')) namespaces.add(v);
  return {
    accounts,
    namespaces,
    principalPatterns: patterns('principals'),
    namespacePatterns: patterns('namespaces'),
  };
}

/** `<ns>/<sa>` of the exact principals `<td>/ns/<ns>/sa/<sa>` (only those can equal an identity). */
function accountsOf(principals: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const v of principals) {
    const parts = v.split('/');
    if (parts.length === 5 && parts[1] === 'ns' && parts[3] === 'sa') out.add(`${parts[2]}/${parts[4]}`);
  }
  return out;
}

/**
 * The source's namespace and account as `read` tells them apart (`*`: alike to every other), and
 * which pattern values match its identity (`identity`: SidecarInfo.identity, what its certificate
 * says; the evaluation matches no value without mTLS, which the client key tells apart).
 */
export function identityKey(
  src: Workload,
  read: IdentityRead,
  identity: string,
  trustDomains: readonly string[],
): string {
  const ns = read.namespaces.has(src.namespace) ? src.namespace : '*';
  const account = src.serviceAccountName || 'default';
  const named = read.accounts.has(`${src.namespace}/${account}`) ? account : '*';
  const bits = (values: readonly string[], test: (v: string) => boolean) =>
    values.map((v) => (test(v) ? '1' : '0')).join('');
  const p = bits(read.principalPatterns, (v) => identityMatchesPrincipals([v], identity, trustDomains));
  const n = bits(read.namespacePatterns, (v) => identityMatchesNamespaces([v], identity));
  return p || n ? `${ns}/${named}/${p}/${n}` : `${ns}/${named}`;
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

/** Every block `policies` match the direct peer address with (`ipBlocks`, `when source.ip`, D13). */
export function sourceIpBlocks(policies: readonly PolicyModel[]): IpRange[] {
  const out: IpRange[] = [];
  const add = (values: readonly string[] | undefined) => {
    for (const v of values ?? []) {
      try {
        out.push(parseCidr(v));
      } catch {
        // Already reported as an invalid rule.
      }
    }
  };
  for (const p of policies) {
    for (const r of p.rules) {
      for (const s of r.from ?? []) add([...(s.ipBlocks.values ?? []), ...(s.ipBlocks.notValues ?? [])]);
      for (const c of r.when) if (c.key === 'source.ip') add([...(c.values ?? []), ...(c.notValues ?? [])]);
    }
  }
  return out;
}

/** An external source's key: how its range lies against each block (ipMatch asks only whether some block holds it, or overlaps it). */
export function externalSourceKey(blocks: readonly IpRange[], range: IpRange): string {
  return blocks.map((b) => (containsRange(b, range) ? 'c' : rangesOverlap(b, range) ? 'o' : '-')).join('');
}
