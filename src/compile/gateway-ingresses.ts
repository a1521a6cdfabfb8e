import {
  formatPath,
  Issues,
  readInteger,
  readString,
  readStringList,
  readStruct,
  readStructList,
} from '../core/decode.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { digest } from '../core/digest.js';
import type { GatewayRoute, GatewayVirtualService, IstioGateway } from '../l7/gateway-types.js';
import { parsePattern } from '../l7/pattern.js';
import { RequestSet } from '../l7/request-set.js';
import { StringSet } from '../l7/string-set.js';
import type { K8sObject, Labels } from '../manifests/types.js';
import type { ClusterModel } from '../model/types.js';
import { objectRule } from './gateways.js';

// Kubernetes Ingress (networking.k8s.io/v1) as gateway edges (issue 17). An Ingress of Istio's class
// is what Istio makes of it (pilot/pkg/config/kube/ingress: a Gateway on the ingress gateway pods and
// a VirtualService per host); one of another class is served by that controller, whose pods are a
// gateway of their own. Either way the routes reuse the Gateway model (l7/gateway-routing.ts).

const FIELDS = {
  spec: ['ingressClassName', 'defaultBackend', 'tls', 'rules'],
  rule: ['host', 'http'],
  http: ['paths'],
  path: ['path', 'pathType', 'backend'],
  backend: ['service', 'resource'],
  service: ['name', 'port'],
  port: ['name', 'number'],
  tls: ['hosts', 'secretName'],
} as const;

const ISTIO_CONTROLLER = 'istio.io/ingress-controller';
/** Mesh config `ingressClass` (default): the annotation value Istio serves. */
const ISTIO_CLASS = 'istio';
/** Mesh config `ingressSelector` (default `ingressgateway`): the pods Istio's Ingress Gateway selects. */
const ISTIO_INGRESS_SELECTOR: Labels = { istio: 'ingressgateway' };
const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/** Controllers whose usual install labels its pods: their pods are found by these labels. */
const KNOWN_CONTROLLERS: Readonly<Record<string, { readonly labels: Labels; readonly namespace: string }>> = {
  'k8s.io/ingress-nginx': {
    labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
    namespace: 'ingress-nginx',
  },
};
/** The class names the controllers' own docs use, when the IngressClass is installed elsewhere. */
const CONVENTIONAL_CLASSES: Readonly<Record<string, string>> = {
  istio: ISTIO_CONTROLLER,
  nginx: 'k8s.io/ingress-nginx',
};

export interface DecodedIngresses {
  /** One gateway per Istio-served Ingress, one per other controller class (`ingress` set on each). */
  readonly gateways: readonly IstioGateway[];
  readonly virtualServices: readonly GatewayVirtualService[];
  readonly diagnostics: readonly Diagnostic[];
}

interface IngressClass {
  readonly name: string;
  readonly controller: string | undefined;
  readonly object?: K8sObject;
}

/**
 * Every valid Ingress as routes of a gateway: Istio's ingress gateway pods (in `rootNamespace`,
 * selected by the default `ingressSelector`) for Istio's class, else the controller of its class.
 * An Ingress whose class is unknown is said (its paths from outside are uncertain), never dropped
 * silently; an invalid one is rejected by the API server and takes no effect.
 */
export function decodeIngresses(model: ClusterModel, rootNamespace: string): DecodedIngresses {
  const classes = ingressClasses(model);
  const gateways = new Map<string, IstioGateway>();
  const virtualServices: GatewayVirtualService[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const o of model.objectsByKind.get('Ingress') ?? []) {
    if (o.apiVersion !== 'networking.k8s.io/v1') continue;
    const issues = new Issues({ suggest: true });
    const spec = readStruct(o.body.spec, ['spec'], issues, FIELDS.spec) ?? {};
    const cls = classOf(o, readString(spec.ingressClassName, ['spec', 'ingressClassName'], issues), classes);
    const gateway = cls && gatewayFor(o, cls, rootNamespace, classes);
    const routes = ingressRoutes(o, spec, gateway?.key ?? '', gateway?.ingress?.istio ?? true, model, issues);
    if (issues.count > 0) {
      diagnostics.push(...invalidIngress(o, issues));
      continue;
    }
    if (!gateway) {
      diagnostics.push(unknownClass(o));
      continue;
    }
    const was = gateways.get(gateway.key);
    gateways.set(gateway.key, was ? { ...was, servers: mergeServers(was, gateway) } : gateway);
    virtualServices.push(...routes);
  }
  return { gateways: [...gateways.values()], virtualServices, diagnostics };
}

function ingressClasses(model: ClusterModel): Map<string, IngressClass & { readonly isDefault: boolean }> {
  const out = new Map<string, IngressClass & { readonly isDefault: boolean }>();
  for (const o of model.objectsByKind.get('IngressClass') ?? []) {
    if (o.apiVersion !== 'networking.k8s.io/v1') continue;
    const spec = o.body.spec as Readonly<Record<string, unknown>> | undefined;
    const controller = typeof spec?.controller === 'string' ? spec.controller : undefined;
    const isDefault = o.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';
    out.set(o.name, { name: o.name, controller, object: o, isDefault });
  }
  return out;
}

/**
 * The class that serves an Ingress. The annotation comes first (Istio reads it before the field);
 * then `ingressClassName`; then the default IngressClass, which admission writes into an Ingress
 * created without one. A class not in the repository is installed with its controller: its
 * conventional name says which controller.
 */
function classOf(
  o: K8sObject,
  field: string | undefined,
  classes: ReadonlyMap<string, IngressClass & { readonly isDefault: boolean }>,
): IngressClass | undefined {
  const annotated = o.annotations?.[CLASS_ANNOTATION];
  // Istio serves the annotation value `istio` (mesh ingressClass); another value names a class.
  if (annotated !== undefined)
    return {
      name: annotated,
      controller:
        annotated === ISTIO_CLASS
          ? ISTIO_CONTROLLER
          : (classes.get(annotated)?.controller ?? CONVENTIONAL_CLASSES[annotated]),
    };
  const name = field ?? [...classes.values()].find((c) => c.isDefault)?.name;
  if (name === undefined) return undefined;
  return classes.get(name) ?? { name, controller: CONVENTIONAL_CLASSES[name] };
}

function gatewayFor(
  o: K8sObject,
  cls: IngressClass,
  rootNamespace: string,
  classes: ReadonlyMap<string, IngressClass>,
): IstioGateway {
  const istio = cls.controller === ISTIO_CONTROLLER;
  const tls = Array.isArray((o.body.spec as Record<string, unknown> | undefined)?.tls);
  if (istio) {
    const key = `ingress:${o.namespace}/${o.name}`;
    return {
      key,
      namespace: rootNamespace,
      name: o.name,
      selector: ISTIO_INGRESS_SELECTOR,
      // Its listeners depend only on whether it terminates TLS: a path edit is not a server change.
      servers: servers(objectRule(o, [], ''), `${key}\u0000${String(tls)}`, tls),
      rule: objectRule(o, [], ''),
      ingress: { istio, label: `${o.namespace}/${o.name}[Ingress]`, controller: ISTIO_CONTROLLER },
    };
  }
  const known = cls.controller ? KNOWN_CONTROLLERS[cls.controller] : undefined;
  const cited = classes.get(cls.name)?.object ?? o;
  return {
    key: `ingressclass:${cls.name}`,
    namespace: known?.namespace ?? cls.name,
    name: cls.name,
    selector: known?.labels ?? {},
    servers: servers(objectRule(cited, [], ''), `${cls.name}\u0000${cls.controller ?? ''}`, tls),
    rule: objectRule(cited, [], ''),
    ingress: { istio, label: `${cls.name}[IngressClass]`, controller: cls.controller ?? `class ${cls.name}` },
  };
}

/** Port 80 for every host, and 443 when the Ingress terminates TLS (Istio's conversion does the same). */
function servers(
  rule: ReturnType<typeof objectRule>,
  content: string,
  tls: boolean,
): IstioGateway['servers'] {
  const any = [{ namespace: '*', host: '*' }];
  const cited = { rule, digest: digest(content) };
  return [
    { port: 80, protocol: 'HTTP', hosts: any, httpsRedirect: false, rule: cited },
    ...(tls
      ? [{ port: 443, protocol: 'HTTPS', hosts: any, tlsMode: 'SIMPLE', httpsRedirect: false, rule: cited }]
      : []),
  ];
}

function mergeServers(was: IstioGateway, next: IstioGateway): IstioGateway['servers'] {
  const ports = new Set(was.servers.map((s) => s.port));
  return [...was.servers, ...next.servers.filter((s) => !ports.has(s.port))];
}

/**
 * One VirtualService per rule host, its paths ordered as Ingress precedence says (longest path
 * first, Exact before Prefix), then the default backend for every host and path.
 */
function ingressRoutes(
  o: K8sObject,
  spec: Readonly<Record<string, unknown>>,
  gatewayKey: string,
  istio: boolean,
  model: ClusterModel,
  issues: Issues,
): GatewayVirtualService[] {
  const out: GatewayVirtualService[] = [];
  const vs = (host: string, routes: GatewayRoute[]): GatewayVirtualService => ({
    gateways: [gatewayKey],
    hosts: [host],
    namespace: o.namespace,
    routes,
  });
  const rules = readStructList(spec.rules, ['spec', 'rules'], issues, FIELDS.rule) ?? [];
  rules.forEach((r, i) => {
    const at = ['spec', 'rules', i];
    const host = (readString(r.host, [...at, 'host'], issues) ?? '*').toLowerCase();
    const http = readStruct(r.http, [...at, 'http'], issues, FIELDS.http);
    const paths = readStructList(http?.paths, [...at, 'http', 'paths'], issues, FIELDS.path) ?? [];
    const routes = paths.flatMap((p, j) => {
      const path = [...at, 'http', 'paths', j];
      const route = pathRoute(o, p, path, `rules[${i}].http.paths[${j}]`, host, istio, model, issues);
      return route ? [route] : [];
    });
    routes.sort((a, b) => a.order - b.order);
    out.push(
      vs(
        host,
        routes.map((r) => r.route),
      ),
    );
  });
  readStructList(spec.tls, ['spec', 'tls'], issues, FIELDS.tls)?.forEach((t, i) => {
    readStringList(t.hosts, ['spec', 'tls', i, 'hosts'], issues);
    readString(t.secretName, ['spec', 'tls', i, 'secretName'], issues);
  });
  if (spec.defaultBackend !== undefined) {
    const at = ['spec', 'defaultBackend'];
    const dest = backendOf(spec.defaultBackend, at, o.namespace, model, issues);
    out.push(vs('*', [route(o, at, 'defaultBackend', RequestSet.all, dest, true)]));
  }
  return out;
}

function pathRoute(
  o: K8sObject,
  p: Readonly<Record<string, unknown>>,
  at: readonly (string | number)[],
  label: string,
  host: string,
  istio: boolean,
  model: ClusterModel,
  issues: Issues,
): { route: GatewayRoute; order: number } | undefined {
  const path = readString(p.path, [...at, 'path'], issues) ?? '';
  const type = readString(p.pathType, [...at, 'pathType'], issues);
  if (type === undefined) issues.add([...at, 'pathType'], 'pathType is required');
  else if (!['Exact', 'Prefix', 'ImplementationSpecific'].includes(type))
    issues.add([...at, 'pathType'], `must be Exact, Prefix or ImplementationSpecific, got ${type}`);
  if (type !== 'ImplementationSpecific' && path !== '' && !path.startsWith('/'))
    issues.add([...at, 'path'], 'must be an absolute path');
  const dest = backendOf(p.backend, [...at, 'backend'], o.namespace, model, issues);
  if (type === undefined) return undefined;
  const { paths, approximate } = pathSet(path, type, istio);
  const hosts = StringSet.fromPatterns([parsePattern(host)]);
  // Longest first; at one length Exact first (the Ingress spec's precedence, Istio's sort).
  const order = -path.length * 2 + (type === 'Exact' ? 0 : 1);
  return { route: route(o, at, label, RequestSet.cube({ paths, hosts }), dest, approximate), order };
}

/**
 * The paths a rule matches. Exact and Prefix are the spec's (Prefix by path element: `/a` matches
 * `/a` and `/a/...`, not `/ab`; Istio writes that as a regex). ImplementationSpecific is Istio's
 * reading (`/a.*` and `/a/*` prefixes, anything else exact); other controllers read it their own
 * way, taken as a prefix and marked approximate.
 */
export function pathSet(
  path: string,
  type: string,
  istio: boolean,
): { paths: StringSet; approximate: boolean } {
  const prefix = (p: string) => StringSet.fromPatterns([{ kind: 'ps', prefix: p, suffix: '' }]);
  if (path === '') return { paths: StringSet.all, approximate: false };
  if (type === 'Exact') return { paths: StringSet.of([path]), approximate: false };
  if (type === 'Prefix') {
    if (path === '/') return { paths: prefix('/'), approximate: false };
    const p = path.replace(/\/+$/, '');
    return { paths: StringSet.of([p]).union(prefix(`${p}/`)), approximate: false };
  }
  if (!istio) return { paths: prefix(path), approximate: true };
  if (path.endsWith('.*')) return { paths: prefix(path.slice(0, -2)), approximate: false };
  if (path.endsWith('/*')) return { paths: prefix(path.slice(0, -2)), approximate: false };
  return { paths: StringSet.of([path]), approximate: false };
}

interface Dest {
  readonly host: string;
  readonly port: number | undefined;
}

/** A service backend: its FQDN and port (a port name is the Service's port of that name). */
function backendOf(
  value: unknown,
  at: readonly (string | number)[],
  namespace: string,
  model: ClusterModel,
  issues: Issues,
): Dest | undefined {
  const b = readStruct(value, at, issues, FIELDS.backend);
  const svc = readStruct(b?.service, [...at, 'service'], issues, FIELDS.service);
  if (b && !svc && b.resource === undefined) issues.add([...at], 'a backend needs a service or a resource');
  if (!svc) return undefined; // a resource backend (a bucket, ...) reaches no pod
  const name = readString(svc.name, [...at, 'service', 'name'], issues);
  const port = readStruct(svc.port, [...at, 'service', 'port'], issues, FIELDS.port);
  const number = readInteger(port?.number, [...at, 'service', 'port', 'number'], issues);
  const portName = readString(port?.name, [...at, 'service', 'port', 'name'], issues);
  if (name === undefined) {
    issues.add([...at, 'service', 'name'], 'a service backend needs a name');
    return undefined;
  }
  const service = model.services.find((s) => s.name === name && s.namespace === namespace);
  const resolved =
    number ?? (portName !== undefined ? service?.ports.find((p) => p.name === portName)?.port : undefined);
  // A port name the Service does not have: the controller has no endpoint for it (503).
  if (number === undefined && resolved === undefined) return undefined;
  return { host: `${name}.${namespace}.svc.cluster.local`, port: resolved };
}

function route(
  o: K8sObject,
  at: readonly (string | number)[],
  label: string,
  matches: RequestSet,
  dest: Dest | undefined,
  approximate: boolean,
): GatewayRoute {
  const rule = objectRule(o, at, label);
  return {
    kind: 'http',
    matches,
    ports: [],
    gateways: [],
    destinations: dest ? [{ host: dest.host, subset: undefined, port: dest.port, weight: 100 }] : [],
    approximate,
    rule: { rule, digest: digest(JSON.stringify([label, matches.toString(), dest ?? null])) },
  };
}

function unknownClass(o: K8sObject): Diagnostic {
  return {
    severity: 'warning',
    code: 'ingress-class-unknown',
    message: `Ingress ${o.namespace}/${o.name} names no class (no ingressClassName, no ${CLASS_ANNOTATION} annotation, no default IngressClass in the repository), so which controller serves it is unknown; its routes are not analysed and paths from outside the cluster are uncertain`,
    location: o.location,
    reach: { kind: 'from-outside' },
    inputDigest: digest(JSON.stringify(o.body.spec ?? null)),
  };
}

function invalidIngress(o: K8sObject, issues: Issues): Diagnostic[] {
  const label = `Ingress ${o.namespace}/${o.name}`;
  return issues.items.map((issue) => ({
    severity: 'error',
    code: 'invalid-ingress',
    message: `${label}: ${formatPath(issue.path)}: ${issue.message}; the API server would reject this object, so it takes no effect and routes nothing`,
    location: o.locate(issue.path),
    dropped: label,
    reach: { kind: 'from-outside' },
  }));
}
