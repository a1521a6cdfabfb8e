import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../../src/compile/compile-policies.js';
import { compileNetworkPolicies } from '../../src/l4/engine.js';
import { ConnSet } from '../../src/values/conn-set.js';
import { PortSet } from '../../src/values/port-set.js';
import { BASE_MESH, config, modelFromYaml, peer, workload } from './fixtures.js';
import { mesh, pa } from './helpers.js';

/**
 * Laws of the client side (issue 16): a DestinationRule or a Sidecar never changes what
 * NetworkPolicy says, and the effective answer is never wider than L4.
 */
const drArb = fc.record({
  mode: fc.constantFrom('DISABLE', 'ISTIO_MUTUAL', 'SIMPLE', 'MUTUAL'),
  ns: fc.constantFrom('app', 'other', 'istio-system'),
  port: fc.constantFrom(undefined, 80, 9000),
});
const sidecarArb = fc.record({
  ns: fc.constantFrom('app', 'other', 'istio-system'),
  hosts: fc.constantFrom(['./*'], ['istio-system/*'], ['~/*'], ['*/*'], ['app/server.app.svc.cluster.local']),
  outbound: fc.constantFrom(undefined, 'REGISTRY_ONLY', 'ALLOW_ANY'),
});
const modeArb = fc.constantFrom('STRICT', 'PERMISSIVE', 'DISABLE');
const srcArb = fc.constantFrom('client', 'client2', 'legacy');

const dr = (d: { mode: string; ns: string; port: number | undefined }) =>
  `---\napiVersion: networking.istio.io/v1beta1\nkind: DestinationRule\nmetadata: {name: dr, namespace: ${d.ns}}\nspec:\n  host: server.app.svc.cluster.local\n  trafficPolicy: ${
    d.port === undefined
      ? `{tls: {mode: ${d.mode}}}`
      : `{portLevelSettings: [{port: {number: ${d.port}}, tls: {mode: ${d.mode}}}]}`
  }\n`;
const sidecar = (s: { ns: string; hosts: readonly string[]; outbound: string | undefined }) =>
  `---\napiVersion: networking.istio.io/v1beta1\nkind: Sidecar\nmetadata: {name: default, namespace: ${s.ns}}\nspec:\n  egress: [{hosts: ${JSON.stringify(s.hosts)}}]\n${s.outbound ? `  outboundTrafficPolicy: {mode: ${s.outbound}}\n` : ''}`;
const NETPOL = `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: only-app, namespace: app}\nspec:\n  podSelector: {matchLabels: {app: server}}\n  ingress: [{from: [{podSelector: {}}], ports: [{port: 80}, {port: 8080}]}]\n`;
const conns = ConnSet.from({
  TCP: PortSet.of([
    { from: 80, to: 80 },
    { from: 8080, to: 8080 },
    { from: 9000, to: 9000 },
  ]),
});

function l4(extra: string, src: string) {
  const model = modelFromYaml(BASE_MESH + NETPOL + extra);
  const cfg = config();
  const engine = compileNetworkPolicies(model, cfg.cni, compilePolicies(model, cfg).networkPolicies);
  const s = workload(model, src);
  const d = workload(model, 'server');
  return [engine.egress(s, peer(model, 'server')), engine.ingress(d, peer(model, src))].map((v) =>
    JSON.stringify(v, (_k, x) => (x instanceof ConnSet ? x.toString() : x)),
  );
}

describe('client-side laws (fast-check)', () => {
  it('adding a DestinationRule or a Sidecar never changes a NetworkPolicy verdict', () => {
    fc.assert(
      fc.property(drArb, sidecarArb, srcArb, (d, s, src) => {
        expect(l4(dr(d) + sidecar(s), src)).toEqual(l4('', src));
      }),
      { numRuns: 25 },
    );
  });

  it('the effective answer is never wider than what L4 allows', () => {
    fc.assert(
      fc.property(drArb, sidecarArb, modeArb, srcArb, (d, s, mode, src) => {
        const yaml = dr(d) + sidecar(s) + pa('p', 'app', `mtls: {mode: ${mode}}`);
        const cell = mesh(yaml).cell(src, 'server', conns);
        expect(cell.effective.subtract(conns).isEmpty()).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
