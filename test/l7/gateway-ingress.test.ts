import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import type { PathChange } from '../../src/report/types.js';
import { diffYaml, type Files } from '../helpers/diff-yaml.js';

// Ingress through an Istio Gateway (issue 17 item 2; SEMANTICS F1-F6 at a gateway): the hop
// gateway pods -> backend is evaluated like any pair, narrowed to what the routes send.

const NAMESPACE = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
`;
const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, version: v1}}
    spec:
      serviceAccountName: web
      containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
`;
const WEB_SVC = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;
const GATEWAY_PODS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata: {labels: {istio: ingressgateway}}
    spec:
      serviceAccountName: istio-ingressgateway-service-account
      containers: [{name: istio-proxy, image: proxyv2, ports: [{containerPort: 8080}]}]
`;
const GATEWAY = `apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["shop.example.com"]
`;
const route = (http: string) => `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: ["shop.example.com"]
  gateways: ["istio-system/public"]
  http:
${http}`;
const API = `  - match: [{uri: {prefix: /api/}}]
    route: [{destination: {host: web, port: {number: 80}}}]
`;
const ADMIN = `  - match: [{uri: {prefix: /admin}}]
    route: [{destination: {host: web}}]
`;

const BASE: Files = {
  'ns.yaml': NAMESPACE,
  'web.yaml': WEB,
  'svc.yaml': WEB_SVC,
  'gw-pods.yaml': GATEWAY_PODS,
  'gateway.yaml': GATEWAY,
};

const SOURCE = 'outside via istio-system/public[Gateway]';

function fromGateway(report: { changes: readonly PathChange[] }): PathChange[] {
  return report.changes.filter((c) => c.source.kind === 'ingress');
}

describe('ingress through an Istio Gateway', () => {
  it('a route added for /admin widens the path from outside, with the VirtualService as cause', () => {
    const report = diffYaml({ ...BASE, 'vs.yaml': route(API) }, { ...BASE, 'vs.yaml': route(API + ADMIN) });
    const [change, ...rest] = fromGateway(report);
    expect(rest).toEqual([]);
    expect(change).toMatchObject({
      kind: 'changed',
      source: { id: SOURCE, kind: 'ingress' },
      destination: { id: 'shop/web[Deployment]' },
      fromOutside: 'gateway',
      before: 'TCP 8080',
      after: 'TCP 8080',
      l7Change: 'widened',
    });
    expect(change!.l7Before).toContain('/api/*');
    expect(change!.l7After).toContain('/admin*');
    const cited = change!.causes.filter((c) => c.revision === 'head').map((c) => [c.rule, c.location.line]);
    // Only the route that changed: the /api/ route and the Gateway server are the same in base.
    expect(cited).toEqual([['VirtualService shop/web http[1]', 10]]);
    expect(change!.uncertain).toBe(false);
  });

  it('a VirtualService bound to the gateway opens a path from outside', () => {
    const report = diffYaml(BASE, { ...BASE, 'vs.yaml': route(API) });
    expect(
      fromGateway(report).map((c) => [c.kind, c.source.id, c.destination.id, c.added, c.fromOutside]),
    ).toEqual([['opened', SOURCE, 'shop/web[Deployment]', 'TCP 8080', 'gateway']]);
    // The route leads (the reviewer's line), then the Gateway server that accepts its host.
    expect(fromGateway(report)[0]!.causes.map((c) => c.rule)).toEqual([
      'VirtualService shop/web http[0]',
      'Gateway istio-system/public servers[0]',
    ]);
  });

  it('removing the Gateway closes what it opened and opens nothing', () => {
    const withRoute: Files = { ...BASE, 'vs.yaml': route(API) };
    const { 'gateway.yaml': _, ...noGateway } = withRoute;
    const report = diffYaml(withRoute, noGateway);
    expect(report.changes.filter((c) => c.kind !== 'closed')).toEqual([]);
    expect(fromGateway(report).map((c) => c.kind)).toEqual(['closed']);
  });

  it('a route never opens what NetworkPolicy blocks: the backend admits nothing from istio-system', () => {
    const deny = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {}}]}]
`;
    const report = diffYaml(
      { ...BASE, 'np.yaml': deny },
      { ...BASE, 'np.yaml': deny, 'vs.yaml': route(API) },
    );
    expect(fromGateway(report)).toEqual([]);
  });

  it('a route to a backend that blocks the gateway is a dead route (gateway-route-blocked)', () => {
    const deny = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {}}]}]
`;
    const report = diffYaml(
      { ...BASE, 'np.yaml': deny },
      { ...BASE, 'np.yaml': deny, 'vs.yaml': route(API) },
    );
    const dead = report.findings.filter((f) => f.rule === 'gateway-route-blocked');
    expect(dead.map((f) => [f.status, f.destination, f.locations[0]?.file])).toEqual([
      ['new', 'shop/web[Deployment]', 'vs.yaml'],
    ]);
    // Gateway pods assumed (not in the repository): no finding rests on a guess.
    const { 'gw-pods.yaml': _, ...noPods } = BASE;
    const assumed = diffYaml(
      { ...noPods, 'np.yaml': deny },
      { ...noPods, 'np.yaml': deny, 'vs.yaml': route(API) },
    );
    expect(assumed.findings.filter((f) => f.rule === 'gateway-route-blocked')).toEqual([]);
  });

  it("the gateway pods' own egress policy applies to the hop", () => {
    const egress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: gw, namespace: istio-system}
spec:
  podSelector: {matchLabels: {istio: ingressgateway}}
  policyTypes: [Egress]
`;
    const report = diffYaml(
      { ...BASE, 'np.yaml': egress },
      { ...BASE, 'np.yaml': egress, 'vs.yaml': route(API) },
    );
    expect(fromGateway(report)).toEqual([]);
  });

  it('AuthorizationPolicy sees the gateway identity: a policy for another principal lets nothing through', () => {
    const allowOther = `apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  rules: [{from: [{source: {principals: ["cluster.local/ns/shop/sa/other"]}}]}]
`;
    const allowGateway = allowOther.replace(
      'cluster.local/ns/shop/sa/other',
      'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
    );
    const closed = diffYaml(
      { ...BASE, 'ap.yaml': allowOther },
      { ...BASE, 'ap.yaml': allowOther, 'vs.yaml': route(API) },
    );
    expect(fromGateway(closed)).toEqual([]);
    const open = diffYaml(
      { ...BASE, 'ap.yaml': allowGateway },
      { ...BASE, 'ap.yaml': allowGateway, 'vs.yaml': route(API) },
    );
    expect(fromGateway(open).map((c) => c.kind)).toEqual(['opened']);
  });

  it('the gateway proxy speaks mTLS whatever injection says: STRICT mTLS at the backend accepts it', () => {
    // The install's template injects the proxy at admission: the manifest names another container.
    const pods = GATEWAY_PODS.replace('name: istio-proxy', 'name: gateway');
    const strict = `apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec: {mtls: {mode: STRICT}}
`;
    const files = { ...BASE, 'gw-pods.yaml': pods, 'pa.yaml': strict };
    const report = diffYaml(files, { ...files, 'vs.yaml': route(API) });
    expect(fromGateway(report).map((c) => c.kind)).toEqual(['opened']);
  });

  it('the L7 scope is what the route matches, ANDed with what authorization allows', () => {
    const getOnly = `apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  rules: [{to: [{operation: {methods: ["GET"]}}]}]
`;
    const report = diffYaml(
      { ...BASE, 'ap.yaml': getOnly },
      { ...BASE, 'ap.yaml': getOnly, 'vs.yaml': route(API) },
    );
    const [change] = fromGateway(report);
    expect(change!.l7After).toContain('GET');
    expect(change!.l7After).toContain('/api/*');
    expect(change!.l7After).toContain('shop.example.com');
  });

  // F4, F6 and weights: what reaches no backend opens nothing.
  const OTHER = {
    'other.yaml': WEB.replaceAll('web', 'other'),
    'other-svc.yaml': WEB_SVC.replaceAll('web', 'other'),
  };
  const reaches: [string, string, string[]][] = [
    [
      'a 0% destination reaches nothing',
      `  - route:
    - {destination: {host: web}, weight: 100}
    - {destination: {host: other}, weight: 0}
`,
      ['shop/web[Deployment]'],
    ],
    [
      'fault.abort at 100% completes every request at the gateway',
      `  - fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
    route: [{destination: {host: web}}]
`,
      [],
    ],
    [
      'fault.abort at 50% lets the rest through',
      `  - fault: {abort: {httpStatus: 503, percentage: {value: 50}}}
    route: [{destination: {host: web}}]
`,
      ['shop/web[Deployment]'],
    ],
    [
      'a subset no DestinationRule defines returns 503',
      `  - route: [{destination: {host: web, subset: v2}}]\n`,
      [],
    ],
    ['a host the gateway server does not accept is not routed', '', []],
  ];
  it.each(reaches)('%s', (_, http, expected) => {
    const vs = http === '' ? route(API).replace('"shop.example.com"]', '"admin.example.com"]') : route(http);
    const files = { ...BASE, ...OTHER };
    const report = diffYaml(files, { ...files, 'vs.yaml': vs });
    expect(fromGateway(report).map((c) => c.destination.id)).toEqual(expected);
  });

  it.each(['directResponse: {status: 404}', 'redirect: {uri: /login}'])(
    'a route with %s completes /admin at the gateway: the backend never sees it (F4, first match wins)',
    (terminal) => {
      const http = `  - match: [{uri: {prefix: /admin}}]
    ${terminal}
  - route: [{destination: {host: web}}]
`;
      const [change] = fromGateway(diffYaml(BASE, { ...BASE, 'vs.yaml': route(http) }));
      expect(change!.l7After).toBe('TCP 8080 (http): http {hosts:shop.example.com,paths:all but /admin*}');
    },
  );

  it("rewrite.uri: the backend's authorization sees the rewritten path (F3)", () => {
    const http = `  - match: [{uri: {prefix: /public/}}]
    rewrite: {uri: /internal/}
    route: [{destination: {host: web}}]
`;
    const [change] = fromGateway(diffYaml(BASE, { ...BASE, 'vs.yaml': route(http) }));
    expect(change!.l7After).toBe('TCP 8080 (http): http {hosts:shop.example.com,paths:/internal/*}');
  });

  it('headers of a match are conditions of the scope', () => {
    const http = `  - match: [{uri: {exact: /ops}, headers: {x-role: {exact: admin}}}]
    route: [{destination: {host: web}}]
`;
    const [change] = fromGateway(diffYaml(BASE, { ...BASE, 'vs.yaml': route(http) }));
    expect(change!.l7After).toContain('request.headers[x-role] = admin');
  });

  it('a subset narrows the backend pods to its labels (F6)', () => {
    const canary = WEB.replaceAll('web', 'web-v2')
      .replace('app: web-v2, version: v1', 'app: web, version: v2')
      .replace('{app: web-v2}', '{app: web}');
    const dr = `apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: web, namespace: shop}
spec:
  host: web
  subsets: [{name: v2, labels: {version: v2}}]
`;
    const files = { ...BASE, 'canary.yaml': canary, 'dr.yaml': dr };
    const report = diffYaml(files, {
      ...files,
      'vs.yaml': route(`  - route: [{destination: {host: web, subset: v2}}]\n`),
    });
    expect(fromGateway(report).map((c) => c.destination.id)).toEqual(['shop/web-v2[Deployment]']);
  });

  it('gateway pods outside the repository are assumed, and the path is uncertain', () => {
    const { 'gw-pods.yaml': _, ...noPods } = BASE;
    const report = diffYaml(noPods, { ...noPods, 'vs.yaml': route(API) });
    const [change] = fromGateway(report);
    expect(change).toMatchObject({ kind: 'opened', uncertain: true });
    expect(report.diagnostics.map((d) => [d.severity, d.code])).toContainEqual([
      'warning',
      'gateway-pods-assumed',
    ]);
  });

  it('mesh.gateways names the gateway pods installed elsewhere: no assumption, their identity is seen', () => {
    const { 'gw-pods.yaml': _, ...noPods } = BASE;
    const gateways = [
      { name: 'other', namespace: 'edge', labels: { istio: 'egressgateway' }, serviceAccount: 'other' },
      {
        name: 'ingress',
        namespace: 'istio-ingress',
        labels: { istio: 'ingressgateway' },
        serviceAccount: 'ingress-sa',
      },
    ];
    const config = { ...DEFAULT_CONFIG, mesh: { ...DEFAULT_CONFIG.mesh, gateways } };
    const allow = (principal: string) => `apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  rules: [{from: [{source: {principals: ["${principal}"]}}]}]
`;
    const configured = { ...noPods, 'ap.yaml': allow('cluster.local/ns/istio-ingress/sa/ingress-sa') };
    const report = diffYaml(configured, { ...configured, 'vs.yaml': route(API) }, { config });
    expect(fromGateway(report)).toMatchObject([{ kind: 'opened', uncertain: false }]);
    expect(report.diagnostics.map((d) => d.code)).not.toContain('gateway-pods-assumed');
    // The assumed pods' account is not the configured one: a policy for it lets nothing through.
    const assumed = {
      ...noPods,
      'ap.yaml': allow('cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'),
    };
    expect(fromGateway(diffYaml(assumed, { ...assumed, 'vs.yaml': route(API) }, { config }))).toEqual([]);
    // A dead route through configured pods is a finding (they are not a guess).
    const denyAll = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {}}]}]
`;
    const blocked = { ...configured, 'np.yaml': denyAll };
    const dead = diffYaml(blocked, { ...blocked, 'vs.yaml': route(API) }, { config }).findings;
    expect(dead.filter((f) => f.rule === 'gateway-route-blocked').map((f) => f.source)).toEqual([SOURCE]);
    // Pods in the repository still come first.
    const inRepo = diffYaml(
      configured,
      { ...configured, 'gw-pods.yaml': GATEWAY_PODS, 'vs.yaml': route(API) },
      { config },
    );
    expect(fromGateway(inRepo)).toEqual([]);
  });

  it('an unknown field in a gateway route match makes the VirtualService invalid', () => {
    const typo = route(API).replace('uri: {prefix', 'url: {prefix');
    const report = diffYaml(BASE, { ...BASE, 'vs.yaml': typo });
    expect(fromGateway(report)).toEqual([]);
    expect(report.diagnostics.map((d) => d.code)).toContain('invalid-virtualservice');
    expect(report.diagnostics.find((d) => d.code === 'invalid-virtualservice')?.message).toContain(
      'did you mean "uri"',
    );
  });
});
