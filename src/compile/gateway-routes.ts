import {
  asRecord,
  type Issues,
  type ObjectPath,
  readBoolean,
  readInteger,
  readString,
  readStringList,
  readStringMap,
  readStruct,
  readStructList,
} from '../core/decode.js';
import { digest } from '../core/digest.js';
import { CondSet } from '../l7/cond-set.js';
import type { GatewayRoute, GatewayRouteDest, GatewayVirtualService } from '../l7/gateway-types.js';
import { parsePattern } from '../l7/pattern.js';
import { RequestSet } from '../l7/request-set.js';
import { StringSet } from '../l7/string-set.js';
import type { K8sObject } from '../manifests/types.js';
import { GATEWAY_ROUTE_FIELDS as F } from './gateway-fields.js';
import { objectRule, records } from './gateways.js';

type Json = Readonly<Record<string, unknown>>;

/**
 * The gateway side of a VirtualService bound to gateways other than `mesh` (F1): its hosts, and per
 * route what it matches, where it sends it and how. Called by the traffic decoder with its Issues,
 * so each field is checked once: that decoder checks the route and destination levels, this one
 * the match, rewrite and fault blocks. `undefined` for a VirtualService that binds no gateway,
 * unless `options.mesh` asks for the routes of one that applies to sidecars (egress gateways).
 */
export function decodeGatewayVirtualService(
  o: K8sObject,
  spec: Json,
  fqdn: (host: string) => string,
  issues: Issues,
  options: { readonly mesh?: boolean } = {},
): GatewayVirtualService | undefined {
  const ns = o.namespace;
  const listed = (Array.isArray(spec.gateways) ? spec.gateways : []).filter(
    (g): g is string => typeof g === 'string',
  );
  const named = listed.filter((g) => g !== 'mesh');
  // F1: gateways omitted means `mesh`. Mesh routes matter here only toward an egress gateway.
  const mesh = listed.length === 0 || listed.includes('mesh');
  if (named.length === 0 && !(options.mesh && mesh)) return undefined;
  const resolve = (g: string) => (g === 'mesh' || g.includes('/') ? g : `${ns}/${g}`);
  const hosts = (Array.isArray(spec.hosts) ? spec.hosts : [])
    .filter((h): h is string => typeof h === 'string')
    .map((h) => h.toLowerCase());
  const hostSet = StringSet.fromPatterns(hosts.map(parsePattern));
  const scopeKey = JSON.stringify([hosts, named]);
  const routes: GatewayRoute[] = [];
  for (const kind of ['http', 'tcp', 'tls'] as const) {
    records(spec[kind]).forEach((r, i) => {
      const path = ['spec', kind, i];
      routes.push(decodeRoute(o, kind, r, path, { hosts: hostSet, key: scopeKey }, resolve, fqdn, issues));
    });
  }
  return { gateways: [...new Set(named.map(resolve))], mesh, hosts, namespace: ns, routes };
}

function decodeRoute(
  o: K8sObject,
  kind: GatewayRoute['kind'],
  r: Json,
  path: ObjectPath,
  scope: { readonly hosts: StringSet; readonly key: string },
  resolve: (g: string) => string,
  fqdn: (host: string) => string,
  issues: Issues,
): GatewayRoute {
  const known = kind === 'http' ? F.httpMatch : kind === 'tcp' ? F.l4Match : F.tlsMatch;
  const matchList = readStructList(r.match, [...path, 'match'], issues, known) ?? [];
  let approximate = false;
  const ports: number[] = [];
  const gateways: string[] = [];
  let matches = matchList.length === 0 ? RequestSet.all : RequestSet.none;
  matchList.forEach((m, j) => {
    const at = [...path, 'match', j];
    const port = readInteger(m.port, [...at, 'port'], issues);
    if (port !== undefined) ports.push(port);
    gateways.push(...(readStringList(m.gateways, [...at, 'gateways'], issues) ?? []).map(resolve));
    // The source of the hop is the gateway: labels and namespace it may or may not have are not read.
    if (m.sourceLabels !== undefined || m.sourceNamespace !== undefined) approximate = true;
    readStringMap(m.sourceLabels, [...at, 'sourceLabels'], issues);
    readString(m.sourceNamespace, [...at, 'sourceNamespace'], issues);
    if (kind !== 'http') {
      readStringList(m.destinationSubnets, [...at, 'destinationSubnets'], issues);
      if (kind === 'tls') readStringList(m.sniHosts, [...at, 'sniHosts'], issues);
      matches = RequestSet.all;
      return;
    }
    const one = httpMatch(m, at, issues);
    approximate ||= one.approximate;
    matches = matches.union(one.requests);
  });
  const rewrite = kind === 'http' ? readRewrite(r.rewrite, [...path, 'rewrite'], issues) : undefined;
  const completedBy = kind === 'http' ? completion(r, path, issues) : undefined;
  return {
    kind,
    matches: matches.intersect(RequestSet.cube({ hosts: scope.hosts })),
    ports: [...new Set(ports)].sort((a, b) => a - b),
    gateways: [...new Set(gateways)],
    destinations: destinations(r, fqdn),
    ...(completedBy ? { completedBy } : {}),
    ...(rewrite ? { rewrite } : {}),
    approximate,
    // The whole route and the VirtualService's hosts and gateways: a change to any may change the hop.
    rule: {
      rule: objectRule(o, path, `${kind}[${String(path[2])}]`),
      digest: digest(JSON.stringify([r, scope.key])),
    },
  };
}

/** One HTTPMatchRequest as requests: its conditions are ANDed (I-VS). */
function httpMatch(m: Json, at: ObjectPath, issues: Issues): { requests: RequestSet; approximate: boolean } {
  let approximate = false;
  const str = (field: string) => {
    const s = stringMatch(m[field], [...at, field], issues);
    approximate ||= s.approximate;
    return s.set;
  };
  const paths = str('uri');
  const methods = str('method');
  const authority = str('authority');
  if (readBoolean(m.ignoreUriCase, [...at, 'ignoreUriCase'], issues)) approximate = true;
  readString(m.name, [...at, 'name'], issues);
  readString(m.statPrefix, [...at, 'statPrefix'], issues);
  str('scheme');
  let when = CondSet.all;
  const conditions = (field: 'headers' | 'withoutHeaders' | 'queryParams', positive: boolean) => {
    // A map keyed by header (or parameter) name: any key is valid, each value is a StringMatch.
    const raw = m[field];
    const block = raw === undefined || raw === null ? {} : asRecord(raw);
    if (!block) {
      issues.add([...at, field], 'must be a map of string matches');
      return;
    }
    for (const [name, value] of Object.entries(block)) {
      const text = conditionText(field, name, value, [...at, field, name], issues);
      if (text) when = when.intersect(CondSet.atom(text, positive));
    }
  };
  conditions('headers', true);
  conditions('withoutHeaders', false);
  conditions('queryParams', true);
  return { requests: RequestSet.cube({ paths, methods, hosts: authority, when }), approximate };
}

function conditionText(
  field: string,
  name: string,
  value: unknown,
  at: ObjectPath,
  issues: Issues,
): string | undefined {
  const m = readStruct(value, at, issues, F.stringMatch);
  const what = field === 'queryParams' ? `request query ${name}` : `request.headers[${name.toLowerCase()}]`;
  if (!m) return `${what} present`;
  for (const key of F.stringMatch) {
    const v = readString(m[key], [...at, key], issues);
    if (v !== undefined)
      return `${what} ${key === 'exact' ? '=' : key === 'prefix' ? 'starts with' : '~'} ${v}`;
  }
  return `${what} present`;
}

/** A StringMatch as a string set; a regex cannot be represented and is widened to any value. */
function stringMatch(
  value: unknown,
  at: ObjectPath,
  issues: Issues,
): { set: StringSet; approximate: boolean } {
  const m = readStruct(value, at, issues, F.stringMatch);
  if (!m) return { set: StringSet.all, approximate: false };
  const exact = readString(m.exact, [...at, 'exact'], issues);
  const prefix = readString(m.prefix, [...at, 'prefix'], issues);
  const regex = readString(m.regex, [...at, 'regex'], issues);
  if (exact !== undefined) return { set: StringSet.of([exact]), approximate: false };
  if (prefix !== undefined) {
    const set = StringSet.fromPatterns([{ kind: 'ps', prefix, suffix: '' }]);
    return { set, approximate: false };
  }
  return { set: StringSet.all, approximate: regex !== undefined };
}

function readRewrite(value: unknown, at: ObjectPath, issues: Issues): GatewayRoute['rewrite'] {
  const r = readStruct(value, at, issues, F.rewrite);
  if (!r) return undefined;
  const uri = readString(r.uri, [...at, 'uri'], issues);
  const authority = readString(r.authority, [...at, 'authority'], issues);
  if (uri === undefined && authority === undefined) return undefined;
  return { ...(uri !== undefined ? { uri } : {}), ...(authority !== undefined ? { authority } : {}) };
}

/** F4: what completes every request at the gateway, so no backend is reached. */
function completion(r: Json, path: ObjectPath, issues: Issues): GatewayRoute['completedBy'] {
  if (r.directResponse !== undefined) return 'directResponse';
  if (r.redirect !== undefined) return 'redirect';
  const fault = readStruct(r.fault, [...path, 'fault'], issues, F.fault);
  const abort = readStruct(fault?.abort, [...path, 'fault', 'abort'], issues, F.abort);
  if (!abort) return undefined;
  const pct = readStruct(abort.percentage, [...path, 'fault', 'abort', 'percentage'], issues, F.percentage);
  const value = pct?.value;
  // Only an explicit 100% aborts every request; a missing percentage is not read as "all" (safe side:
  // the path stays reported).
  return typeof value === 'number' && value >= 100 ? 'fault.abort' : undefined;
}

function destinations(r: Json, fqdn: (host: string) => string): GatewayRouteDest[] {
  const route = records(r.route);
  const weights = route.map((d) => (typeof d.weight === 'number' ? d.weight : undefined));
  const weighted = weights.some((w) => w !== undefined);
  return route.flatMap((d, j) => {
    const dest = asRecord(d.destination);
    const host = typeof dest?.host === 'string' ? dest.host : undefined;
    if (host === undefined) return [];
    const subset = typeof dest?.subset === 'string' ? dest.subset : undefined;
    const port = asRecord(dest?.port)?.number;
    const w = weights[j];
    const weight = route.length === 1 ? 100 : w !== undefined ? w : weighted ? 0 : 1;
    return [
      {
        host: fqdn(host).toLowerCase(),
        subset,
        port: typeof port === 'number' ? port : undefined,
        weight,
      },
    ];
  });
}
