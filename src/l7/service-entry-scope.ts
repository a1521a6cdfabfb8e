import type { Workload } from '../model/types.js';
import type { ClientSide, SidecarModel } from './client-types.js';
import { citing } from './rule-ids.js';
import type { ServiceEntryModel } from './service-entry-types.js';
import { chooseSidecar, exportedTo, outboundMode } from './sidecar-scope.js';

/** What the client's sidecar does with a call to one ServiceEntry host port (F9, F10, F12). */
export type HostScope =
  /** In the client's registry and Sidecar scope: routed to the entry. */
  | { readonly kind: 'routed' }
  /** Only a narrower name of a wildcard host is in scope: some names are routed, others unmatched. */
  | { readonly kind: 'partly'; readonly why: string }
  /** Unmatched under ALLOW_ANY: forwarded as-is to the address the client dialled. */
  | { readonly kind: 'passthrough'; readonly why: string }
  /** Unmatched under REGISTRY_ONLY: sent to the blackhole. */
  | { readonly kind: 'blackhole'; readonly why: string };

/** The mesh's client side for the hops: whose proxy scopes what (absent: no Istio layer). */
export interface ClientScope {
  readonly client: ClientSide;
  readonly root: string;
  /** Whether the client has a sidecar: without one no registry or scope applies. */
  readonly injected: (w: Workload) => boolean;
}

/**
 * F12/F9/F10: a host is in the client's registry when the entry is exported to its namespace, and in
 * its scope when the chosen Sidecar's egress.hosts import it on the port; a call that is not is
 * unmatched, which the outbound policy forwards (ALLOW_ANY) or blackholes (REGISTRY_ONLY).
 */
export function hostScope(
  scope: ClientScope,
  client: Workload,
  entry: ServiceEntryModel,
  host: string,
  port: number,
): HostScope {
  if (!scope.injected(client)) return { kind: 'routed' };
  const choice = chooseSidecar(scope.client, client, scope.root);
  const sidecar = choice.sidecar;
  const where = `${host} (ServiceEntry ${entry.namespace}/${entry.name})`;
  let why: string | undefined;
  if (!exportedTo(entry.exportTo, entry.namespace, client.namespace)) {
    why = `${where} is not exported to namespace ${client.namespace} (F12)`;
  } else if (sidecar) {
    const imported = sidecarImport(sidecar, client.namespace, host, entry.namespace, port);
    if (imported === 'part')
      return {
        kind: 'partly',
        why: `Sidecar ${sidecar.ref.namespace}/${sidecar.ref.name} egress.hosts import only some names of ${where} (F9)`,
      };
    if (imported === 'none')
      why = `Sidecar ${sidecar.ref.namespace}/${sidecar.ref.name} egress.hosts do not import ${where} on port ${port} (F9)`;
  }
  if (why === undefined) return { kind: 'routed' };
  const mode = outboundMode(scope.client, sidecar);
  const by = sidecar?.outbound ? `Sidecar ${sidecar.ref.namespace}/${sidecar.ref.name}` : 'the mesh';
  if (mode === 'REGISTRY_ONLY')
    return { kind: 'blackhole', why: citing(`REGISTRY_ONLY (${by}) blackholes the call: ${why}`, 'F10') };
  return { kind: 'passthrough', why: citing(`ALLOW_ANY passes the call through: ${why}`, 'F10') };
}

/**
 * Whether some egress listener imports the host on the port: `all` of it, `part` (the listener names
 * a narrower name inside a wildcard host: istiod imports that name only), or `none`.
 */
function sidecarImport(
  sidecar: SidecarModel,
  clientNs: string,
  host: string,
  hostNs: string,
  port: number,
): 'all' | 'part' | 'none' {
  let best: 'all' | 'part' | 'none' = 'none';
  for (const e of sidecar.egress) {
    if (e.port !== undefined && e.port !== port) continue;
    for (const h of e.hosts) {
      const slash = h.indexOf('/');
      const ns = slash < 0 ? '*' : h.slice(0, slash);
      const name = (slash < 0 ? h : h.slice(slash + 1)).toLowerCase();
      if (ns === '~') continue;
      if (ns !== '*' && (ns === '.' ? clientNs : ns) !== hostNs) continue;
      const m = nameCovers(name, host);
      if (m === 'all') return 'all';
      if (m === 'part') best = 'part';
    }
  }
  return best;
}

/** `all`: every name of `host` matches `pattern`; `part`: some do; `none`. Both may start with `*`. */
export function nameCovers(pattern: string, host: string): 'all' | 'part' | 'none' {
  if (pattern === '*' || pattern === host) return 'all';
  const suffix = (p: string) => p.slice(1); // `*.foo.com` -> `.foo.com`
  if (pattern.startsWith('*') && (host.startsWith('*') ? suffix(host) : host).endsWith(suffix(pattern)))
    return 'all';
  if (host.startsWith('*') && (pattern.startsWith('*') ? suffix(pattern) : pattern).endsWith(suffix(host)))
    return 'part';
  return 'none';
}
