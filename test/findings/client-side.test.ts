import { describe, expect, it } from 'vitest';
import { deployment, findings, NAMESPACES } from './helpers.js';

/**
 * destinationrule-tls-mismatch (issue 16 item 7; rules E5, E6, F7): a DestinationRule TLS mode the
 * server rejects. shop has injection, legacy none; api listens on 8080 behind Service api:80.
 */
const api = (ns: string) =>
  deployment(ns, 'api') +
  `
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: ${ns} }
spec:
  selector: { app: api }
  ports: [{ name: http, port: 80, targetPort: http }, { name: tcp-admin, port: 9000, targetPort: 9000 }]
`;
const dr = (ns: string, trafficPolicy: string) => `
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: api, namespace: ${ns} }
spec:
  host: api.${ns}.svc.cluster.local
  trafficPolicy: ${trafficPolicy}
`;
const pa = (ns: string, spec: string) => `
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: { name: mtls, namespace: ${ns} }
spec: ${spec}
`;
const STRICT = pa('shop', '{ mtls: { mode: STRICT } }');
const DISABLE_API = pa('shop', '{ selector: { matchLabels: { app: api } }, mtls: { mode: DISABLE } }');

const FOUND =
  "A DestinationRule's TLS mode is one the server rejects: DestinationRule shop/api -> shop/api[Deployment]";

const rows: { id: string; yaml: string; expect: string[] }[] = [
  {
    id: 'F7 DISABLE toward STRICT',
    yaml: STRICT + dr('shop', '{ tls: { mode: DISABLE } }'),
    expect: [FOUND],
  },
  {
    id: 'E5 SIMPLE toward STRICT (no Istio client certificate)',
    yaml: STRICT + dr('shop', '{ tls: { mode: SIMPLE } }'),
    expect: [FOUND],
  },
  {
    id: 'E5 ISTIO_MUTUAL toward a workload-level DISABLE server',
    yaml: DISABLE_API + dr('shop', '{ tls: { mode: ISTIO_MUTUAL } }'),
    expect: [FOUND],
  },
  {
    id: 'E6 DISABLE toward a DISABLE server is what it needs',
    yaml: DISABLE_API + dr('shop', '{ tls: { mode: DISABLE } }'),
    expect: [],
  },
  {
    id: 'E5 ISTIO_MUTUAL toward STRICT',
    yaml: STRICT + dr('shop', '{ tls: { mode: ISTIO_MUTUAL } }'),
    expect: [],
  },
  {
    id: 'E5 DISABLE toward PERMISSIVE is accepted',
    yaml: dr('shop', '{ tls: { mode: DISABLE } }'),
    expect: [],
  },
  {
    id: 'F7 a port-level DISABLE on the Service port the client dials wins over the top level',
    yaml:
      STRICT +
      dr(
        'shop',
        '{ tls: { mode: ISTIO_MUTUAL }, portLevelSettings: [{ port: { number: 80 }, tls: { mode: DISABLE } }] }',
      ),
    expect: [FOUND],
  },
  {
    id: 'F7 a port-level DISABLE on another Service port leaves this one alone',
    yaml: STRICT + dr('shop', '{ portLevelSettings: [{ port: { number: 9000 }, tls: { mode: DISABLE } }] }'),
    expect: [],
  },
];

describe('destinationrule-tls-mismatch', () => {
  it.each(rows)('$id', (row) => {
    const got = findings(NAMESPACES + api('shop') + row.yaml).filter(
      (f) => f.rule === 'destinationrule-tls-mismatch',
    );
    expect(got.map((f) => f.title)).toEqual(row.expect);
  });

  it('F7 ISTIO_MUTUAL toward pods without a sidecar fails the handshake', () => {
    const got = findings(NAMESPACES + api('legacy') + dr('legacy', '{ tls: { mode: ISTIO_MUTUAL } }')).filter(
      (f) => f.rule === 'destinationrule-tls-mismatch',
    );
    expect(got.map((f) => f.message)).toEqual([
      'DestinationRule legacy/api trafficPolicy.tls sets tls.mode ISTIO_MUTUAL toward legacy/api:80, but the pod has no sidecar to complete the Istio mTLS handshake on port 8080 of legacy/api[Deployment]: every sidecar client this rule applies to is refused there (rules E5, F7)',
    ]);
    expect(got[0]!.severity).toBe('error');
  });

  it('the message names both rules and lines', () => {
    const [f] = findings(NAMESPACES + api('shop') + STRICT + dr('shop', '{ tls: { mode: DISABLE } }')).filter(
      (x) => x.rule === 'destinationrule-tls-mismatch',
    );
    expect(f!.message).toContain('but PeerAuthentication shop/mtls');
    expect(f!.message).toContain('makes it STRICT on port 8080 of shop/api[Deployment]');
  });
});
