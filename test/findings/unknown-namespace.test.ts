import { describe, expect, it } from 'vitest';
import { deployment, findings, NAMESPACES } from './helpers.js';

/**
 * A namespace with no Namespace object in the input (another target's, or created outside the
 * repository) has unknown labels, so whether its pods get a sidecar is unknown (rule C2): no
 * finding that rests on "no sidecar" fires there. The same YAML with the Namespace object in the
 * input (legacy: no injection label) keeps every finding. kubeflow's sub-targets gave 12
 * destinationrule-tls-mismatch errors and 30 sidecar warnings this way.
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
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: api, namespace: ${ns} }
spec:
  host: api.${ns}.svc.cluster.local
  trafficPolicy: { tls: { mode: ISTIO_MUTUAL } }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: api, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: api } }
  rules: [{ from: [{ source: { namespaces: [shop] } }] }]
`;
/** STRICT in shop (injected), with a client in `ns` that has no sidecar, or may have one. */
const strictFrom = (ns: string) =>
  deployment('shop', 'cart') +
  deployment(ns, 'batch') +
  `
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: { name: strict, namespace: shop }
spec: { mtls: { mode: STRICT } }
`;

const rules = (yaml: string) => [...new Set(findings(yaml).map((f) => f.rule))].sort();
const SIDECAR_RULES = [
  'destinationrule-tls-mismatch',
  'identity-from-workload-without-sidecar',
  'policy-on-workload-without-sidecar',
];

describe('no sidecar finding on a guess: namespaces not in the input', () => {
  it('the Namespace object is in the input (legacy, no injection label): the findings fire', () => {
    const got = rules(NAMESPACES + api('legacy') + strictFrom('legacy'));
    expect(got.filter((r) => SIDECAR_RULES.includes(r))).toEqual(SIDECAR_RULES);
    const dr = findings(NAMESPACES + api('legacy')).find((f) => f.rule === 'destinationrule-tls-mismatch');
    expect(dr!.severity).toBe('error');
  });

  it('the namespace is only referenced (elsewhere): none of them fires', () => {
    const got = rules(NAMESPACES + api('elsewhere') + strictFrom('elsewhere'));
    expect(got.filter((r) => SIDECAR_RULES.includes(r))).toEqual([]);
  });

  it('a pod opting out (inject "false") is known to have no sidecar, wherever it is', () => {
    const optOut = deployment('elsewhere', 'api', { labels: { 'sidecar.istio.io/inject': 'false' } });
    const yaml = NAMESPACES + api('elsewhere').replace(deployment('elsewhere', 'api'), optOut);
    expect(rules(yaml)).toContain('policy-on-workload-without-sidecar');
  });
});
