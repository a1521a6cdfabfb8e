import { istioSelectorMatches } from '../manifests/label-match.js';
import type { Service, Workload } from '../model/types.js';
import type { ClientSide, OutboundMode, SidecarModel, VirtualServiceImport } from './client-types.js';
import { isGatewayProxy } from './gateway-proxy.js';

const EXPORT_TO = 'networking.istio.io/exportTo';

/** Which Sidecar resource configures a client's proxy (F8). */
export interface SidecarChoice {
  readonly sidecar: SidecarModel | undefined;
  /** Two or more at the deciding level: which one istiod picks is undefined (F8). */
  readonly ambiguous: readonly SidecarModel[];
}

/**
 * F8: a workloadSelector Sidecar of the client's namespace beats the namespace's selector-less one,
 * which beats the root namespace's selector-less one. None applies to a gateway's pods.
 */
export function chooseSidecar(client: ClientSide, w: Workload, root: string): SidecarChoice {
  if (isGatewayProxy(w)) return { sidecar: undefined, ambiguous: [] };
  const own = client.sidecars.filter((s) => s.ref.namespace === w.namespace);
  const selecting = own.filter((s) => s.selector && istioSelectorMatches(s.selector, w.podLabels));
  if (selecting.length > 0) return pick(selecting);
  const namespaceWide = own.filter((s) => !s.selector);
  if (namespaceWide.length > 0) return pick(namespaceWide);
  return pick(client.sidecars.filter((s) => s.ref.namespace === root && !s.selector));
}

function pick(list: readonly SidecarModel[]): SidecarChoice {
  return { sidecar: list[0], ambiguous: list.length > 1 ? list : [] };
}

/** F14/F12: a Service's `networking.istio.io/exportTo` (else the mesh default) admits the client's namespace. */
export function serviceVisible(client: ClientSide, svc: Service, clientNs: string): boolean {
  const raw = svc.object.annotations[EXPORT_TO];
  const list =
    typeof raw === 'string'
      ? raw
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : client.defaultServiceExportTo;
  return exportedTo(list, svc.namespace, clientNs);
}

/** `exportTo` values: `*` every namespace, `.` the object's own, `~` none, else namespace names. */
export function exportedTo(list: readonly string[], ownNs: string, clientNs: string): boolean {
  return list.some((e) => e === '*' || e === clientNs || (e === '.' && ownNs === clientNs));
}

/**
 * F9: whether some egress listener of `sidecar` imports `host` (FQDN of a Service in `hostNs`) on
 * `port` for a client in `clientNs`. `.` is the namespace the Sidecar configures: the client's, also
 * for the root namespace's default (istiod converts it per namespace, `ConvertToSidecarScope`).
 */
export function sidecarImports(
  sidecar: SidecarModel,
  clientNs: string,
  host: string,
  hostNs: string,
  port: number,
): boolean {
  return sidecar.egress.some(
    (e) =>
      (e.port === undefined || e.port === port) &&
      e.hosts.some((h) => hostEntryMatches(h, clientNs, host, hostNs)),
  );
}

/**
 * F9: services used as destinations by a VirtualService the Sidecar imports are imported too. The
 * VirtualService must be exported to the client's namespace, and an egress listener must import
 * one of its hosts under the VirtualService's own namespace (config is imported by `ns/host`).
 */
export function importedThroughVirtualService(
  client: ClientSide,
  sidecar: SidecarModel,
  clientNs: string,
  host: string,
  port: number,
): VirtualServiceImport | undefined {
  return (client.virtualServiceImports ?? []).find(
    (vs) =>
      vs.destinations.includes(host) &&
      exportedTo(vs.exportTo, vs.namespace, clientNs) &&
      vs.hosts.some((h) => sidecarImports(sidecar, clientNs, h, vs.namespace, port)),
  );
}

function hostEntryMatches(entry: string, sidecarNs: string, host: string, hostNs: string): boolean {
  const slash = entry.indexOf('/');
  const ns = slash < 0 ? '*' : entry.slice(0, slash);
  const name = slash < 0 ? entry : entry.slice(slash + 1);
  if (ns === '~') return false;
  if (ns !== '*' && (ns === '.' ? sidecarNs : ns) !== hostNs) return false;
  if (name === '*') return true;
  if (name.startsWith('*')) return host.endsWith(name.slice(1));
  return name.toLowerCase() === host.toLowerCase();
}

/** F10: the Sidecar's outbound policy, else the mesh's. */
export function outboundMode(client: ClientSide, sidecar: SidecarModel | undefined): OutboundMode {
  return sidecar?.outbound ?? client.outbound;
}
