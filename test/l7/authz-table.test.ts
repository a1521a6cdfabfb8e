import { describe, expect, it } from 'vitest';
import { tcp } from './fixtures.js';
import { ap, at, mesh, show } from './helpers.js';

interface Row {
  id: string;
  yaml: string;
  src?: string;
  port?: number;
  chain?: 'http' | 'tcp';
  expect: string;
}

const SEL = 'selector: {matchLabels: {app: server}}';
/** D12: a RequestAuthentication selecting the server, so JWT attributes may be present. */
const RA = (ns = 'app', spec = `${SEL}\n  jwtRules: [{issuer: https://idp}]`) =>
  `---\napiVersion: security.istio.io/v1beta1\nkind: RequestAuthentication\nmetadata: {name: jwt, namespace: ${ns}}\nspec:\n  ${spec}\n`;
const rows: Row[] = [
  // D1/D2 scope
  { id: 'D1 no policy: all', yaml: '', expect: 'all' },
  {
    id: 'D1 root namespace, no selector: mesh-wide',
    yaml: ap('deny-all', 'istio-system', 'action: DENY\nrules: [{}]'),
    expect: 'none',
  },
  {
    id: 'D1 root namespace with selector: every namespace',
    yaml: ap('x', 'istio-system', `${SEL}\naction: DENY\nrules: [{}]`),
    expect: 'none',
  },
  { id: 'D1 other namespace: no effect', yaml: ap('x', 'other', 'action: DENY\nrules: [{}]'), expect: 'all' },
  {
    id: 'D2 selector not a subset of pod labels',
    yaml: ap('x', 'app', 'selector: {matchLabels: {app: server, tier: db}}\naction: DENY\nrules: [{}]'),
    expect: 'all',
  },
  {
    id: 'D2 empty matchLabels is namespace-wide',
    yaml: ap('x', 'app', 'selector: {matchLabels: {}}\naction: DENY\nrules: [{}]'),
    expect: 'none',
  },
  // D3 targetRef, D4 dry-run
  {
    id: 'D3 targetRefs ignored on sidecars',
    yaml: ap(
      'x',
      'app',
      'targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: gw}]\naction: DENY\nrules: [{}]',
    ),
    expect: 'all',
  },
  {
    id: 'D4 dry-run DENY has no effect',
    yaml: ap('x', 'app', 'action: DENY\nrules: [{}]', '{istio.io/dry-run: "true"}'),
    expect: 'all',
  },
  {
    id: 'D4 dry-run ALLOW does not trigger default deny',
    yaml: ap('x', 'app', 'rules: [{to: [{operation: {methods: [GET]}}]}]', '{istio.io/dry-run: "True"}'),
    expect: 'all',
  },
  // D5 order, AUDIT
  {
    id: 'D5 DENY beats ALLOW',
    yaml:
      ap('a', 'app', 'rules: [{}]') +
      ap('d', 'app', 'action: DENY\nrules: [{to: [{operation: {methods: [DELETE]}}]}]'),
    expect: 'some: {methods:all but DELETE}',
  },
  { id: 'D5 AUDIT never decides', yaml: ap('x', 'app', 'action: AUDIT\nrules: [{}]'), expect: 'all' },
  {
    id: 'D5 CUSTOM: external authorizer decides',
    yaml: ap(
      'x',
      'app',
      'action: CUSTOM\nprovider: {name: opa}\nrules: [{to: [{operation: {paths: ["/admin/*"]}}]}]',
    ),
    expect: 'external: {paths:/admin/*,when:external authorizer "opa" allows},{paths:all but /admin/*}',
  },
  // D6 matching
  {
    id: 'D6 fields AND, values OR',
    yaml: ap('x', 'app', `${SEL}\nrules: [{to: [{operation: {methods: [GET, HEAD], paths: ["/api/*"]}}]}]`),
    expect: 'some: {methods:GET, HEAD,paths:/api/*}',
  },
  {
    id: 'D6 operations OR',
    yaml: ap('x', 'app', 'rules: [{to: [{operation: {methods: [GET]}}, {operation: {paths: ["/x"]}}]}]'),
    expect: 'some: {methods:GET},{methods:all but GET,paths:/x}',
  },
  {
    id: 'D6 notX',
    yaml: ap(
      'x',
      'app',
      'rules: [{to: [{operation: {notMethods: [DELETE], paths: ["/api/*"], notPaths: ["/api/admin"]}}]}]',
    ),
    expect: 'some: {methods:all but DELETE,paths:/api/* but not /api/admin}',
  },
  {
    id: 'D6 when values and notValues both hold',
    yaml: ap(
      'x',
      'app',
      'rules: [{when: [{key: "request.headers[x-env]", values: ["prod*"], notValues: [prod-eu]}]}]',
    ),
    expect:
      'conditional: {when:request.headers[x-env] in [prod*] and request.headers[x-env] not in [prod-eu]}',
  },
  // D7 empty forms
  { id: 'D7 ALLOW with no rules: allow-nothing', yaml: ap('x', 'app', '{}'), expect: 'none' },
  { id: 'D7 rules [{}] under ALLOW: allow-all', yaml: ap('x', 'app', 'rules: [{}]'), expect: 'all' },
  {
    id: 'D7 rules [{}] under DENY: deny-all',
    yaml: ap('x', 'app', 'action: DENY\nrules: [{}]'),
    expect: 'none',
  },
  // D8 strings
  {
    id: 'D8 hosts case-insensitive',
    yaml: ap('x', 'app', 'rules: [{to: [{operation: {hosts: [Example.COM]}}]}]'),
    expect: 'some: {hosts:example.com}',
  },
  {
    id: 'D8 prefix vs exact',
    yaml: ap('x', 'app', 'rules: [{to: [{operation: {paths: ["/a/*", "/a/b"]}}]}]'),
    expect: 'some: {paths:/a/*}',
  },
  // D9/D10 identities
  {
    id: 'D9 principal match',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {principals: [cluster.local/ns/app/sa/client]}}]}]'),
    expect: 'all',
  },
  {
    id: 'D9 principal mismatch',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {principals: [cluster.local/ns/app/sa/other]}}]}]'),
    expect: 'none',
  },
  {
    id: 'D9 principals ["*"]: any mTLS peer',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {principals: ["*"]}}]}]'),
    expect: 'all',
  },
  {
    id: 'D9 "*/ns/..." ignores trust domain',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {principals: ["*/ns/app/sa/client"]}}]}]'),
    expect: 'all',
  },
  {
    id: 'D9 foreign trust domain does not match',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {principals: [other.td/ns/app/sa/client]}}]}]'),
    expect: 'none',
  },
  {
    id: 'D10 namespaces from the certificate',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {namespaces: ["ap*"]}}]}]'),
    expect: 'all',
  },
  {
    id: 'D10 notNamespaces',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {notNamespaces: [app]}}]}]'),
    expect: 'none',
  },
  // D11 plaintext (legacy has no sidecar; default PERMISSIVE)
  {
    id: 'D11 DENY namespaces does not block plaintext',
    yaml: ap('x', 'app', 'action: DENY\nrules: [{from: [{source: {namespaces: [plain]}}]}]'),
    src: 'legacy',
    expect: 'all',
  },
  {
    id: 'D11 ALLOW notNamespaces admits plaintext',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {notNamespaces: [plain]}}]}]'),
    src: 'legacy',
    expect: 'all',
  },
  {
    id: 'D11 ALLOW namespaces ["*"] forces mTLS',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {namespaces: ["*"]}}]}]'),
    src: 'legacy',
    expect: 'none',
  },
  {
    id: 'D11 DENY notPrincipals ["*"] forces mTLS',
    yaml: ap('x', 'app', 'action: DENY\nrules: [{from: [{source: {notPrincipals: ["*"]}}]}]'),
    src: 'legacy',
    expect: 'none',
  },
  // D12 request principals
  {
    id: 'D12 requestPrincipals are conditional where a RequestAuthentication applies',
    yaml: RA() + ap('x', 'app', 'rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]'),
    expect: 'conditional: {when:request.auth.principal in [*]}',
  },
  {
    id: 'D12 a root-namespace RequestAuthentication without selector applies mesh-wide',
    yaml:
      RA('istio-system', 'jwtRules: [{issuer: https://idp}]') +
      ap('x', 'app', 'rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]'),
    expect: 'conditional: {when:request.auth.principal in [*]}',
  },
  {
    id: 'D12 without a RequestAuthentication requestPrincipals never match',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]'),
    expect: 'none',
  },
  {
    id: 'D12 a RequestAuthentication selecting another workload does not apply',
    yaml:
      RA('app', 'selector: {matchLabels: {app: client}}') +
      ap('x', 'app', 'rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]'),
    expect: 'none',
  },
  {
    id: 'D12 without a RequestAuthentication notRequestPrincipals always matches',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {notRequestPrincipals: ["*"]}}]}]'),
    expect: 'all',
  },
  {
    id: 'D12 without a RequestAuthentication a DENY on requestPrincipals never fires',
    yaml: ap('x', 'app', 'action: DENY\nrules: [{from: [{source: {requestPrincipals: ["*"]}}]}]'),
    expect: 'all',
  },
  // D13 ip blocks
  {
    id: 'D13 ipBlocks match the external peer',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {ipBlocks: [1.2.3.0/24]}}]}]'),
    src: '1.2.3.0/25',
    expect: 'all',
  },
  {
    id: 'D13 ipBlocks outside the peer',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {ipBlocks: [1.2.3.0/24]}}]}]'),
    src: '5.0.0.0/8',
    expect: 'none',
  },
  {
    id: 'D13 ipBlocks vs pods: the pod IP is not in the manifests, so it depends on it (test/l7/authz-pod-cidrs.test.ts)',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {ipBlocks: [10.0.0.0/8]}}]}]'),
    expect: 'conditional: {when:source.ip in [10.0.0.0/8]}',
  },
  {
    id: 'D13 remoteIpBlocks are conditional, and say why',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {remoteIpBlocks: [9.9.9.9]}}]}]'),
    expect:
      'conditional: {when:remote.ip in [9.9.9.9] (from X-Forwarded-For per numTrustedProxies, rule D13)}',
  },
  {
    id: 'D13 a remote.ip condition is conditional, and says why',
    yaml: ap('x', 'app', 'rules: [{when: [{key: remote.ip, values: [9.9.9.0/24]}]}]'),
    expect:
      'conditional: {when:remote.ip in [9.9.9.0/24] (from X-Forwarded-For per numTrustedProxies, rule D13)}',
  },
  // D14 ports are container ports; D15 when keys
  {
    id: 'D14 ports: container port matches',
    yaml: ap('x', 'app', 'rules: [{to: [{operation: {ports: ["80"]}}]}]'),
    expect: 'all',
  },
  {
    id: 'D14 ports: other port',
    yaml: ap('x', 'app', 'rules: [{to: [{operation: {ports: ["8080"]}}]}]'),
    expect: 'none',
  },
  {
    id: 'D15 destination.port',
    yaml: ap('x', 'app', 'rules: [{when: [{key: destination.port, values: ["80"]}]}]'),
    expect: 'all',
  },
  {
    id: 'D15 source.namespace',
    yaml: ap('x', 'app', 'rules: [{when: [{key: source.namespace, notValues: [app]}]}]'),
    expect: 'none',
  },
  {
    id: 'D15 JWT claim is conditional where a RequestAuthentication applies',
    yaml: RA() + ap('x', 'app', 'rules: [{when: [{key: "request.auth.claims[groups]", values: [admin]}]}]'),
    expect: 'conditional: {when:request.auth.claims[groups] in [admin]}',
  },
  {
    id: 'D15 without a RequestAuthentication a JWT claim never matches',
    yaml: ap('x', 'app', 'rules: [{when: [{key: "request.auth.claims[groups]", values: [admin]}]}]'),
    expect: 'none',
  },
  {
    id: 'D15 without a RequestAuthentication notValues on a claim always match',
    yaml: ap('x', 'app', 'rules: [{when: [{key: "request.auth.audiences", notValues: [x]}]}]'),
    expect: 'all',
  },
  {
    id: 'D5 conditional DENY',
    yaml: ap('x', 'app', 'action: DENY\nrules: [{when: [{key: "request.headers[x-block]", values: ["1"]}]}]'),
    expect: 'conditional: {when:request.headers[x-block] not in [1]}',
  },
  // D17 HTTP attributes on TCP (port 9000 is declared tcp-db)
  {
    id: 'D17 ALLOW HTTP rule dropped on TCP: all TCP denied',
    yaml: ap('x', 'app', 'rules: [{to: [{operation: {methods: [GET]}}]}]'),
    port: 9000,
    chain: 'tcp',
    expect: 'none',
  },
  {
    id: 'D17 ALLOW: only HTTP rules dropped, others stay',
    yaml: ap(
      'x',
      'app',
      'rules: [{to: [{operation: {methods: [GET]}}]}, {from: [{source: {namespaces: [app]}}]}]',
    ),
    port: 9000,
    chain: 'tcp',
    expect: 'all',
  },
  {
    id: 'D17 DENY with only HTTP attributes denies all TCP',
    yaml: ap('x', 'app', 'action: DENY\nrules: [{to: [{operation: {methods: [DELETE]}}]}]'),
    port: 9000,
    chain: 'tcp',
    expect: 'none',
  },
  {
    id: 'D17 DENY widened keeps ports',
    yaml: ap('x', 'app', 'action: DENY\nrules: [{to: [{operation: {ports: ["80"], paths: ["/x"]}}]}]'),
    port: 9000,
    chain: 'tcp',
    expect: 'all',
  },
  {
    id: 'D17 same DENY on HTTP port 80 only hits /x',
    yaml: ap('x', 'app', 'action: DENY\nrules: [{to: [{operation: {ports: ["80"], paths: ["/x"]}}]}]'),
    expect: 'some: {paths:all but /x}',
  },
  // D18 auto-detected port 8080: both chains
  {
    id: 'D18 undeclared port, HTTP outcome',
    yaml: ap('x', 'app', 'rules: [{to: [{operation: {methods: [GET]}}]}]'),
    port: 8080,
    chain: 'http',
    expect: 'some: {methods:GET}',
  },
  {
    id: 'D18 undeclared port, TCP outcome',
    yaml: ap('x', 'app', 'rules: [{to: [{operation: {methods: [GET]}}]}]'),
    port: 8080,
    chain: 'tcp',
    expect: 'none',
  },
  // D19 bypass
  {
    id: 'D19 port 15020 never captured',
    yaml: ap('x', 'app', 'action: DENY\nrules: [{}]'),
    port: 15020,
    expect: 'not-enforced',
  },
  // D20 client policies do not restrict egress
  {
    id: 'D20 policy on the client does not matter',
    yaml: ap('x', 'app', 'selector: {matchLabels: {app: client}}\naction: DENY\nrules: [{}]'),
    expect: 'all',
  },
  // D22 invalid rule skipped (DENY fails open) / CUSTOM provider missing denies
  {
    id: 'D22 invalid DENY rule skipped: fails open',
    yaml: ap('x', 'app', 'action: DENY\nrules: [{to: [{operation: {ports: [http]}}]}]'),
    expect: 'all',
  },
  {
    id: 'D22 CUSTOM provider missing from meshConfig: denied',
    yaml: `---\napiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: io, namespace: istio-system}\nspec: {meshConfig: {extensionProviders: [{name: other, envoyExtAuthzGrpc: {service: x, port: 9000}}]}}\n${ap('x', 'app', 'action: CUSTOM\nprovider: {name: opa}\nrules: [{}]')}`,
    expect: 'none',
  },
];

describe('AuthorizationPolicy (SEMANTICS D1–D22)', () => {
  it.each(rows)('$id', (row) => {
    const cell = mesh(row.yaml).cell(row.src ?? 'client', 'server', tcp(row.port ?? 80));
    expect(show(at(cell, row.port ?? 80, row.chain ?? 'http'))).toBe(row.expect);
  });
});
