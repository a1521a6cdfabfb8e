import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../../src/compile/compile-policies.js';
import { BASE_MESH, config, deploy, modelFromYaml, namespace, tcp, workload } from './fixtures.js';
import { ap, at, mesh, pa, segmentAt, show } from './helpers.js';

/**
 * The client side (SEMANTICS 0.1, E6, E7, E10, E11, F7-F10, F14): what the client sidecar sends,
 * from DestinationRule TLS, capture annotations, the Sidecar scope and the outbound policy, judged
 * by the server's PeerAuthentication. BASE_MESH: server (app) has 80 (Service http), 9000 (Service
 * tcp-db) and 8080 (no Service); client is in app, client2 in other, legacy has no sidecar.
 */
const dr = (name: string, ns: string, spec: string, apiVersion = 'networking.istio.io/v1beta1') =>
  `---\napiVersion: ${apiVersion}\nkind: DestinationRule\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${indent(spec)}`;
const sidecar = (name: string, ns: string, spec: string) =>
  `---\napiVersion: networking.istio.io/v1beta1\nkind: Sidecar\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${indent(spec)}`;
const indent = (s: string) =>
  `${s
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;

const STRICT_NS = pa('strict', 'app', 'mtls: {mode: STRICT}');
const DISABLE_WL = pa('disable', 'app', 'selector: {matchLabels: {app: server}}\nmtls: {mode: DISABLE}');
const HOST = 'host: server.app.svc.cluster.local';
/** Only mTLS clients of namespace app get through: plaintext has an empty identity (D11). */
const ONLY_APP = ap(
  'only-app',
  'app',
  'selector: {matchLabels: {app: server}}\nrules: [{from: [{source: {namespaces: [app]}}]}]',
);
/** server port 8443 behind Service api:443 (a Service port that differs from the container port). */
const API = `${deploy('api', 'app', { ports: [8443] })}---\napiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: app}\nspec:\n  selector: {app: api}\n  ports: [{name: http, port: 443, targetPort: 8443}]\n`;
const PRIVATE_API = API.replace(
  'metadata: {name: api, namespace: app}',
  'metadata: {name: api, namespace: app, annotations: {networking.istio.io/exportTo: "."}}',
);
const caller = (annotations: Record<string, string>) => deploy('caller', 'app', { annotations });
const REGISTRY_ONLY = `---\napiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: io, namespace: istio-system}\nspec: {meshConfig: {outboundTrafficPolicy: {mode: REGISTRY_ONLY}}}\n`;

const OTHER_SCOPE = sidecar(
  'default',
  'other',
  'egress: [{hosts: ["./*"]}]\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}',
);
const vsToServer = (extra: string) =>
  `---\napiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {name: to-server, namespace: other}\nspec:\n  hosts: [server.app.svc.cluster.local]\n${extra ? `  ${extra}\n` : ''}  http: [{route: [{destination: {host: server.app.svc.cluster.local}}]}]\n`;

/** DestinationRule server with subset v1 (every server pod) whose trafficPolicy is `policy`, routed to by a mesh VirtualService. */
const subsetDr = (policy: string, top = '') =>
  dr(
    'server',
    'app',
    `${HOST}\n${top ? `${top}\n` : ''}subsets:\n  - name: v1\n    labels: {app: server}\n    trafficPolicy:\n      ${policy.replaceAll('\n    ', '\n      ')}`,
  ) +
  `---\napiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {name: server, namespace: app}\nspec:\n  hosts: [server]\n  http: [{route: [{destination: {host: server, subset: v1}}]}]\n`;

/** An IstioOperator whose meshConfig.defaultVirtualServiceExportTo is `list` (F9). */
const vsExportDefault = (list: string) =>
  `---\napiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: io, namespace: istio-system}\nspec: {meshConfig: {defaultVirtualServiceExportTo: ${list}}}\n`;

interface Row {
  readonly id: string;
  readonly yaml: string;
  readonly src?: string;
  readonly dst?: string;
  readonly port?: number;
  readonly expect: string;
}

const rows: Row[] = [
  // E6/F7 DestinationRule TLS against the server's mode (E5)
  { id: 'E6 auto-mTLS toward a workload-level DISABLE server is rejected', yaml: DISABLE_WL, expect: 'none' },
  {
    id: 'E6 DR tls DISABLE toward a workload-level DISABLE server opens it',
    yaml: DISABLE_WL + dr('server', 'app', `${HOST}\ntrafficPolicy: {tls: {mode: DISABLE}}`),
    expect: 'all',
  },
  {
    id: 'F7 DR tls DISABLE toward a STRICT server closes it',
    yaml: STRICT_NS + dr('server', 'app', `${HOST}\ntrafficPolicy: {tls: {mode: DISABLE}}`),
    expect: 'none',
  },
  {
    id: 'F7 DR short host name resolves in its namespace',
    yaml: STRICT_NS + dr('server', 'app', 'host: server\ntrafficPolicy: {tls: {mode: DISABLE}}'),
    expect: 'none',
  },
  {
    id: 'F7 DR ISTIO_MUTUAL toward STRICT keeps mTLS',
    yaml: STRICT_NS + dr('server', 'app', `${HOST}\ntrafficPolicy: {tls: {mode: ISTIO_MUTUAL}}`),
    expect: 'all',
  },
  {
    id: 'F7 DR SIMPLE toward STRICT: no Istio client certificate, rejected',
    yaml: STRICT_NS + dr('server', 'app', `${HOST}\ntrafficPolicy: {tls: {mode: SIMPLE}}`),
    expect: 'none',
  },
  {
    id: 'F7 DR MUTUAL toward PERMISSIVE: accepted with an empty identity (D11)',
    yaml: ONLY_APP + dr('server', 'app', `${HOST}\ntrafficPolicy: {tls: {mode: MUTUAL}}`),
    expect: 'none',
  },
  {
    id: 'F7 portLevelSettings overrides the top level on its Service port',
    yaml:
      STRICT_NS +
      dr(
        'server',
        'app',
        `${HOST}\ntrafficPolicy:\n  tls: {mode: ISTIO_MUTUAL}\n  portLevelSettings: [{port: {number: 80}, tls: {mode: DISABLE}}]`,
      ),
    expect: 'none',
  },
  {
    id: 'F7 portLevelSettings of another port leaves this one to the top level',
    yaml:
      STRICT_NS +
      dr(
        'server',
        'app',
        `${HOST}\ntrafficPolicy:\n  tls: {mode: ISTIO_MUTUAL}\n  portLevelSettings: [{port: {number: 80}, tls: {mode: DISABLE}}]`,
      ),
    port: 9000,
    expect: 'all',
  },
  {
    id: 'F7 subset TLS applies where a mesh VirtualService routes to the subset',
    yaml:
      STRICT_NS +
      dr(
        'server',
        'app',
        `${HOST}\nsubsets: [{name: v1, labels: {app: server}, trafficPolicy: {tls: {mode: DISABLE}}}]`,
      ) +
      `---\napiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {name: server, namespace: app}\nspec:\n  hosts: [server]\n  http: [{route: [{destination: {host: server, subset: v1}}]}]\n`,
    expect: 'none',
  },
  {
    id: 'F7 subset TLS without a route to the subset does not apply',
    yaml:
      STRICT_NS +
      dr(
        'server',
        'app',
        `${HOST}\nsubsets: [{name: v1, labels: {app: server}, trafficPolicy: {tls: {mode: DISABLE}}}]`,
      ),
    expect: 'all',
  },
  // A subset's cluster on a port: its portLevelSettings, then its tls, then the rule's (Istio's MergeSubsetTrafficPolicy).
  {
    id: 'F7 subset portLevelSettings overrides the subset tls on its Service port',
    yaml:
      STRICT_NS +
      subsetDr(
        'tls: {mode: ISTIO_MUTUAL}\n    portLevelSettings: [{port: {number: 80}, tls: {mode: DISABLE}}]',
      ),
    expect: 'none',
  },
  {
    id: 'F7 subset portLevelSettings of another port leaves this one to the subset tls',
    yaml:
      STRICT_NS +
      subsetDr(
        'tls: {mode: ISTIO_MUTUAL}\n    portLevelSettings: [{port: {number: 80}, tls: {mode: DISABLE}}]',
      ),
    port: 9000,
    expect: 'all',
  },
  {
    id: 'F7 subset portLevelSettings alone (no subset tls) decides its port',
    yaml:
      STRICT_NS +
      subsetDr(
        'portLevelSettings: [{port: {number: 80}, tls: {mode: DISABLE}}]',
        'trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}',
      ),
    expect: 'none',
  },
  {
    id: "F7 subset portLevelSettings alone: another port takes the rule's tls",
    yaml:
      STRICT_NS +
      subsetDr(
        'portLevelSettings: [{port: {number: 80}, tls: {mode: DISABLE}}]',
        'trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}',
      ),
    port: 9000,
    expect: 'all',
  },
  {
    id: "F7 subset tls beats the rule's portLevelSettings",
    yaml:
      STRICT_NS +
      subsetDr(
        'tls: {mode: DISABLE}',
        'trafficPolicy: {portLevelSettings: [{port: {number: 80}, tls: {mode: ISTIO_MUTUAL}}]}',
      ),
    expect: 'none',
  },
  {
    id: "F7 a DR of the client's namespace beats the host's",
    yaml:
      STRICT_NS +
      dr('mine', 'other', `${HOST}\ntrafficPolicy: {tls: {mode: DISABLE}}`) +
      dr('server', 'app', `${HOST}\ntrafficPolicy: {tls: {mode: ISTIO_MUTUAL}}`),
    src: 'client2',
    expect: 'none',
  },
  {
    id: 'F7 a DR exported only to its namespace does not apply to other clients',
    yaml: STRICT_NS + dr('server', 'app', `${HOST}\nexportTo: ["."]\ntrafficPolicy: {tls: {mode: DISABLE}}`),
    src: 'client2',
    expect: 'all',
  },
  {
    id: 'E7 DR does not apply to a client without a sidecar',
    yaml: DISABLE_WL + dr('server', 'app', `${HOST}\ntrafficPolicy: {tls: {mode: ISTIO_MUTUAL}}`),
    src: 'legacy',
    expect: 'all',
  },
  // E11/F13 ports no Service declares
  {
    id: 'E11 an undeclared port is plaintext passthrough: STRICT rejects it',
    yaml: STRICT_NS,
    port: 8080,
    expect: 'none',
  },
  { id: 'E11 a declared port keeps auto-mTLS under STRICT', yaml: STRICT_NS, port: 80, expect: 'all' },
  {
    id: 'E11 a DENY on principals does not fire on an undeclared port (empty identity)',
    yaml: ap(
      'deny',
      'app',
      'action: DENY\nrules: [{from: [{source: {principals: [cluster.local/ns/app/sa/client]}}]}]',
    ),
    port: 8080,
    expect: 'all',
  },
  {
    id: 'E11 the same DENY fires on a declared port',
    yaml: ap(
      'deny',
      'app',
      'action: DENY\nrules: [{from: [{source: {principals: [cluster.local/ns/app/sa/client]}}]}]',
    ),
    port: 80,
    expect: 'none',
  },
  { id: 'F10 REGISTRY_ONLY blackholes a call by pod IP', yaml: REGISTRY_ONLY, port: 8080, expect: 'none' },
  { id: 'F10 REGISTRY_ONLY lets a registered Service through', yaml: REGISTRY_ONLY, port: 80, expect: 'all' },
  // E10 capture is decided on the Service port dialled
  {
    id: 'E10 excludeOutboundPorts on the Service port: plaintext, STRICT rejects',
    yaml: STRICT_NS + API + caller({ 'traffic.sidecar.istio.io/excludeOutboundPorts': '443' }),
    src: 'caller',
    dst: 'api',
    port: 8443,
    expect: 'none',
  },
  {
    id: 'E10 excludeOutboundPorts on the container port does not bypass a Service call',
    yaml: STRICT_NS + API + caller({ 'traffic.sidecar.istio.io/excludeOutboundPorts': '8443' }),
    src: 'caller',
    dst: 'api',
    port: 8443,
    expect: 'all',
  },
  {
    id: 'E10 excludeOutboundPorts on an undeclared container port (pod IP dialled) bypasses even REGISTRY_ONLY',
    yaml: REGISTRY_ONLY + caller({ 'traffic.sidecar.istio.io/excludeOutboundPorts': '8080' }),
    src: 'caller',
    port: 8080,
    expect: 'all',
  },
  // V1: a version the release does not serve is rejected by the API server, so it never takes effect
  {
    id: 'V1 a networking.istio.io/v1 DestinationRule on Istio 1.20 (default) takes no effect: auto-mTLS',
    yaml:
      STRICT_NS +
      dr('server', 'app', `${HOST}\ntrafficPolicy: {tls: {mode: DISABLE}}`, 'networking.istio.io/v1'),
    expect: 'all',
  },
  {
    id: 'V1 a networking.istio.io/v1 Sidecar on Istio 1.20 takes no effect: nothing is blackholed',
    yaml: sidecar(
      'default',
      'app',
      'egress: [{hosts: ["istio-system/*"]}]\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}',
    ).replace('networking.istio.io/v1beta1', 'networking.istio.io/v1'),
    expect: 'all',
  },
  // F1/F5 wildcard DestinationRule hosts: the most specific match wins, per precedence level
  {
    id: 'F5 a wildcard *.app DR tls DISABLE names server.app: STRICT rejects',
    yaml:
      STRICT_NS +
      dr('all-app', 'app', 'host: "*.app.svc.cluster.local"\ntrafficPolicy: {tls: {mode: DISABLE}}'),
    expect: 'none',
  },
  {
    id: 'F5 an exact host beats the wildcard at the same level',
    yaml:
      STRICT_NS +
      dr('all-app', 'app', 'host: "*.app.svc.cluster.local"\ntrafficPolicy: {tls: {mode: DISABLE}}') +
      dr('server', 'app', `${HOST}\ntrafficPolicy: {tls: {mode: ISTIO_MUTUAL}}`),
    expect: 'all',
  },
  {
    id: "F5 a root namespace DR for host * applies to every client's calls",
    yaml: STRICT_NS + dr('everything', 'istio-system', 'host: "*"\ntrafficPolicy: {tls: {mode: DISABLE}}'),
    expect: 'none',
  },
  {
    id: 'F5 a wildcard of another namespace does not name server.app',
    yaml:
      STRICT_NS +
      dr('all-other', 'app', 'host: "*.other.svc.cluster.local"\ntrafficPolicy: {tls: {mode: DISABLE}}'),
    expect: 'all',
  },
  // F8-F10 Sidecar scope and outbound policy
  {
    id: 'F9 a Sidecar not importing the host: ALLOW_ANY passes it as plaintext, STRICT rejects',
    yaml: STRICT_NS + sidecar('default', 'app', 'egress: [{hosts: ["istio-system/*"]}]'),
    expect: 'none',
  },
  {
    id: 'F9 a Sidecar not importing the host: ALLOW_ANY plaintext has an empty identity',
    yaml: ONLY_APP + sidecar('default', 'app', 'egress: [{hosts: ["istio-system/*"]}]'),
    expect: 'none',
  },
  {
    id: 'F9 a Sidecar importing ./* keeps mTLS',
    yaml: ONLY_APP + sidecar('default', 'app', 'egress: [{hosts: ["./*"]}]'),
    expect: 'all',
  },
  {
    id: 'F9 a Sidecar importing the exact FQDN keeps mTLS',
    yaml: STRICT_NS + sidecar('default', 'app', 'egress: [{hosts: ["app/server.app.svc.cluster.local"]}]'),
    expect: 'all',
  },
  // F9: a VirtualService the Sidecar imports brings its destinations along (client2 is in other).
  {
    id: 'F9 REGISTRY_ONLY Sidecar of other importing ./* only: app/server is blackholed',
    yaml: OTHER_SCOPE,
    src: 'client2',
    expect: 'none',
  },
  {
    id: 'F9 a VirtualService of other (imported by ./*) routing to app/server imports it too',
    yaml: OTHER_SCOPE + vsToServer(''),
    src: 'client2',
    expect: 'all',
  },
  {
    id: 'F9 only a VirtualService exported to the client namespace is imported',
    yaml: OTHER_SCOPE + vsToServer('exportTo: [app]'),
    src: 'client2',
    expect: 'none',
  },
  {
    id: 'F9 meshConfig.defaultVirtualServiceExportTo decides for a VirtualService without exportTo',
    yaml: OTHER_SCOPE + vsToServer('') + vsExportDefault('[app]'),
    src: 'client2',
    expect: 'none',
  },
  {
    id: "F9 defaultVirtualServiceExportTo '.' exports it to its own namespace (the client's)",
    yaml: OTHER_SCOPE + vsToServer('') + vsExportDefault('["."]'),
    src: 'client2',
    expect: 'all',
  },
  {
    id: "F9 the VirtualService's own exportTo beats defaultVirtualServiceExportTo",
    yaml: OTHER_SCOPE + vsToServer('exportTo: ["."]') + vsExportDefault('[app]'),
    src: 'client2',
    expect: 'all',
  },
  {
    id: 'F10 Sidecar REGISTRY_ONLY blackholes what it does not import',
    yaml: sidecar(
      'default',
      'app',
      'egress: [{hosts: ["istio-system/*"]}]\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}',
    ),
    expect: 'none',
  },
  {
    id: 'F10 Sidecar ALLOW_ANY overrides a mesh REGISTRY_ONLY',
    yaml:
      REGISTRY_ONLY +
      sidecar(
        'default',
        'app',
        'egress: [{hosts: ["istio-system/*"]}]\noutboundTrafficPolicy: {mode: ALLOW_ANY}',
      ),
    expect: 'all',
  },
  {
    id: 'F10 mesh REGISTRY_ONLY blackholes what a Sidecar does not import',
    yaml: REGISTRY_ONLY + sidecar('default', 'app', 'egress: [{hosts: ["istio-system/*"]}]'),
    expect: 'none',
  },
  {
    id: 'F8 a workloadSelector Sidecar beats the namespace default',
    yaml:
      sidecar('default', 'app', 'egress: [{hosts: ["~/*"]}]\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}') +
      sidecar('client', 'app', 'workloadSelector: {labels: {app: client}}\negress: [{hosts: ["*/*"]}]'),
    expect: 'all',
  },
  {
    id: 'F8 the root namespace Sidecar applies where the namespace has none',
    yaml: sidecar(
      'default',
      'istio-system',
      'egress: [{hosts: ["istio-system/*"]}]\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}',
    ),
    expect: 'none',
  },
  {
    id: "F9 in the root namespace's default Sidecar, ./* is the client's own namespace",
    yaml: sidecar(
      'default',
      'istio-system',
      'egress: [{hosts: ["./*"]}]\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}',
    ),
    expect: 'all',
  },
  {
    id: 'F8 a Sidecar of another namespace does not apply',
    yaml: sidecar(
      'default',
      'other',
      'egress: [{hosts: ["./*"]}]\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}',
    ),
    expect: 'all',
  },
  {
    id: 'F9 an egress listener on another port does not import this one',
    yaml: sidecar(
      'default',
      'app',
      'egress: [{port: {number: 9000, protocol: TCP, name: db}, hosts: ["./*"]}]\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}',
    ),
    expect: 'none',
  },
  // F14 Service visibility
  {
    id: 'F14 a Service exported to its own namespace is unmatched elsewhere: STRICT rejects the passthrough',
    yaml: STRICT_NS + PRIVATE_API,
    src: 'client2',
    dst: 'api',
    port: 8443,
    expect: 'none',
  },
  {
    id: 'F14 ... and visible in its own namespace',
    yaml: STRICT_NS + PRIVATE_API,
    dst: 'api',
    port: 8443,
    expect: 'all',
  },
  {
    id: 'F14 meshConfig.defaultServiceExportTo hides Services without the annotation',
    yaml: `${STRICT_NS}${API}---\napiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: io, namespace: istio-system}\nspec: {meshConfig: {defaultServiceExportTo: ["."]}}\n`,
    src: 'client2',
    dst: 'api',
    port: 8443,
    expect: 'none',
  },
];

describe('client side (SEMANTICS E6-E11, F7-F10, F14)', () => {
  it.each(rows)('$id', (row) => {
    const port = row.port ?? 80;
    const cell = mesh(row.yaml).cell(row.src ?? 'client', row.dst ?? 'server', tcp(port));
    expect(show(at(cell, port))).toBe(row.expect);
  });
});

describe('V1 with the release configured (mesh.istioRelease 1.22)', () => {
  const on122 = { ...config(), mesh: { ...config().mesh, istioRelease: '1.22' } };
  it('the same v1 DestinationRule is served and closes the STRICT port', () => {
    const yaml =
      STRICT_NS +
      dr('server', 'app', `${HOST}\ntrafficPolicy: {tls: {mode: DISABLE}}`, 'networking.istio.io/v1');
    expect(show(at(mesh(yaml, on122).cell('client'), 80))).toBe('none');
  });
});

describe('client side: explanations and uncertainty', () => {
  it('names the DestinationRule and its line when its TLS closes a port', () => {
    const cell = mesh(STRICT_NS + dr('server', 'app', `${HOST}\ntrafficPolicy: {tls: {mode: DISABLE}}`)).cell(
      'client',
    );
    const o = at(cell, 80);
    const cause = o.reasons.find((r) => r.code === 'client-plaintext');
    expect(cause?.message).toBe('DestinationRule app/server trafficPolicy.tls.mode DISABLE (E6, F7)');
    expect(cause?.rule?.location.line).toBeGreaterThan(0);
    expect(o.reasons.map((r) => r.code)).toContain('mtls-strict-client-tls');
  });

  it('names the Sidecar that does not import the host under REGISTRY_ONLY', () => {
    const cell = mesh(
      sidecar(
        'default',
        'app',
        'egress: [{hosts: ["istio-system/*"]}]\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}',
      ),
    ).cell('client');
    const o = at(cell, 80);
    expect(o.reasons[0]!.code).toBe('registry-only-blackhole');
    expect(o.reasons[0]!.message).toContain(
      'Sidecar app/default egress.hosts does not import app/server.app.svc.cluster.local',
    );
    expect(o.reasons[0]!.rule?.policy.kind).toBe('Sidecar');
  });

  it('F8: two namespace-wide Sidecars are a warning and make the answer uncertain', () => {
    const run = mesh(
      sidecar('a', 'app', 'egress: [{hosts: ["./*"]}]') + sidecar('b', 'app', 'egress: [{hosts: ["~/*"]}]'),
    );
    expect(segmentAt(run.cell('client'), 80).uncertain).toBe(true);
  });

  it('an invalid Sidecar is an error that reaches its namespace and takes no effect', () => {
    const yaml = sidecar(
      'default',
      'app',
      'egres: [{hosts: ["~/*"]}]\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}',
    );
    const run = mesh(yaml);
    expect(show(at(run.cell('client'), 80))).toBe('all');
  });

  it('undeclaredPorts: service (Services outside the repository) keeps auto-mTLS on undeclared ports', () => {
    const cell = mesh(STRICT_NS, config({ undeclaredPorts: 'service' })).cell('client', 'server', tcp(8080));
    expect(show(at(cell, 8080))).toBe('all');
  });

  it('an external peer is unaffected by DestinationRules and Sidecars', () => {
    const yaml = DISABLE_WL + dr('server', 'app', `${HOST}\ntrafficPolicy: {tls: {mode: ISTIO_MUTUAL}}`);
    expect(show(at(mesh(yaml).cell('10.0.0.0/8'), 80))).toBe('all');
  });
});

describe('install: revisions (C8)', () => {
  const CANARY_NS = namespace('canary', { 'istio.io/rev': 'canary' }) + deploy('app', 'canary');
  const install = (revision?: string) =>
    `---\napiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: io${revision ?? ''}, namespace: istio-system}\nspec: {${revision ? `revision: ${revision}` : 'profile: default'}}\n`;
  const sidecarOf = (yaml: string) => {
    const run = mesh(CANARY_NS + yaml);
    return { info: run.engine.sidecar(workload(run.model, 'app')), run };
  };

  it('a namespace istio.io/rev with no such revision installed by the repository gets no sidecar', () => {
    const { info } = sidecarOf(install());
    expect(info.injected).toBe(false);
    expect(info.rule).toBe('C8');
    expect(info.reason).toContain('installs no revision canary (installed: default)');
  });

  it('the warning names the namespace and what the repository installs', () => {
    const model = modelFromYaml(BASE_MESH + CANARY_NS + install());
    const diagnostics = compilePolicies(model, config()).diagnostics;
    const warning = diagnostics.find((d) => d.code === 'istio-revision-not-installed');
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toContain('Namespace canary asks for Istio revision "canary"');
  });

  it('the revision installed, or no install in the repository: injected', () => {
    expect(sidecarOf(install() + install('canary')).info.injected).toBe(true);
    expect(sidecarOf('').info.injected).toBe(true);
  });
});
