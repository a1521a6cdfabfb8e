import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../../src/compile/compile-policies.js';
import type { InjectionAssumption } from '../../src/config/types.js';
import { compileIstio } from '../../src/l7/engine.js';
import type { Labels } from '../../src/manifests/types.js';
import { config, deploy, modelFromYaml, namespace, workload } from './fixtures.js';

interface Row {
  name: string;
  ns: string;
  nsLabels?: Labels;
  labels?: Labels;
  annotations?: Labels;
  hostNetwork?: boolean;
  proxy?: boolean;
  injection?: InjectionAssumption;
  byDefault?: boolean;
  injected: boolean;
  rule: string;
}

const enabled = { 'istio-injection': 'enabled' };
const rows: Row[] = [
  { name: 'C1 hostNetwork', ns: 'app', nsLabels: enabled, hostNetwork: true, injected: false, rule: 'C1' },
  { name: 'C1 kube-system', ns: 'kube-system', nsLabels: enabled, injected: false, rule: 'C1' },
  {
    name: 'C1 local-path-storage even with mesh.injection=all',
    ns: 'local-path-storage',
    injection: 'all',
    injected: false,
    rule: 'C1',
  },
  { name: 'C2a enabled namespace', ns: 'app', nsLabels: enabled, injected: true, rule: 'C4' },
  {
    name: 'C2a pod label false opts out',
    ns: 'app',
    nsLabels: enabled,
    labels: { 'sidecar.istio.io/inject': 'false' },
    injected: false,
    rule: 'C2a',
  },
  {
    name: 'C2 istio-injection=disabled beats pod label true',
    ns: 'app',
    nsLabels: { 'istio-injection': 'disabled' },
    labels: { 'sidecar.istio.io/inject': 'true' },
    injected: false,
    rule: 'C2',
  },
  {
    name: 'C2 istio-injection takes precedence over istio.io/rev',
    ns: 'app',
    nsLabels: { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' },
    injected: false,
    rule: 'C2',
  },
  {
    name: 'C2b unlabelled namespace + pod label true',
    ns: 'app',
    labels: { 'sidecar.istio.io/inject': 'true' },
    injected: true,
    rule: 'C3',
  },
  {
    name: 'C2b pod label true plus istio.io/rev goes through revision webhook',
    ns: 'app',
    labels: { 'sidecar.istio.io/inject': 'true', 'istio.io/rev': 'canary' },
    injected: true,
    rule: 'C3',
  },
  {
    name: 'C2c revision namespace',
    ns: 'app',
    nsLabels: { 'istio.io/rev': 'canary' },
    injected: true,
    rule: 'C4',
  },
  {
    name: 'C2c revision namespace, pod opts out',
    ns: 'app',
    nsLabels: { 'istio.io/rev': 'canary' },
    labels: { 'sidecar.istio.io/inject': 'false' },
    injected: false,
    rule: 'C2c',
  },
  {
    name: 'C2d pod istio.io/rev in unlabelled namespace',
    ns: 'app',
    labels: { 'istio.io/rev': 'canary' },
    injected: true,
    rule: 'C4',
  },
  { name: 'C2e enableNamespacesByDefault', ns: 'app', byDefault: true, injected: true, rule: 'C4' },
  { name: 'C2e off by default', ns: 'app', injected: false, rule: 'C2b' },
  {
    name: 'C3 pod label wins over annotation',
    ns: 'app',
    nsLabels: enabled,
    labels: { 'sidecar.istio.io/inject': 'true' },
    annotations: { 'sidecar.istio.io/inject': 'false' },
    injected: true,
    rule: 'C3',
  },
  {
    name: 'C3 legacy annotation false',
    ns: 'app',
    nsLabels: enabled,
    annotations: { 'sidecar.istio.io/inject': 'false' },
    injected: false,
    rule: 'C3',
  },
  {
    name: 'C3 label "False" passes webhook, injector says no',
    ns: 'app',
    nsLabels: enabled,
    labels: { 'sidecar.istio.io/inject': 'False' },
    injected: false,
    rule: 'C3',
  },
  {
    name: 'C3 "yes" means inject',
    ns: 'app',
    nsLabels: enabled,
    labels: { 'sidecar.istio.io/inject': 'yes' },
    injected: true,
    rule: 'C3',
  },
  {
    name: 'C5 unlabelled namespace + annotation true only',
    ns: 'app',
    annotations: { 'sidecar.istio.io/inject': 'true' },
    injected: false,
    rule: 'C2b',
  },
  {
    name: 'C5 unlabelled namespace + label "True"',
    ns: 'app',
    labels: { 'sidecar.istio.io/inject': 'True' },
    injected: false,
    rule: 'C2b',
  },
  {
    name: 'C5 enabled namespace + label "enabled"',
    ns: 'app',
    nsLabels: enabled,
    labels: { 'sidecar.istio.io/inject': 'enabled' },
    injected: false,
    rule: 'C3',
  },
  { name: 'C7 already injected manifest', ns: 'app', proxy: true, injected: true, rule: 'C7' },
  {
    name: 'C7 status annotation',
    ns: 'app',
    annotations: { 'sidecar.istio.io/status': '{}' },
    injected: true,
    rule: 'C7',
  },
  {
    name: 'config none',
    ns: 'app',
    nsLabels: enabled,
    injection: 'none',
    injected: false,
    rule: 'config:none',
  },
  { name: 'config all', ns: 'app', injection: 'all', injected: true, rule: 'config:all' },
  {
    name: 'config all still honours hostNetwork',
    ns: 'app',
    injection: 'all',
    hostNetwork: true,
    injected: false,
    rule: 'C1',
  },
];

describe('sidecar injection (SEMANTICS C1–C8)', () => {
  it.each(rows)('$name', (row) => {
    const yaml =
      namespace(row.ns, row.nsLabels ?? {}) +
      deploy('w', row.ns, {
        labels: row.labels,
        annotations: row.annotations,
        hostNetwork: row.hostNetwork,
        proxy: row.proxy,
      });
    const model = modelFromYaml(yaml);
    const cfg = config({
      injection: row.injection ?? 'labelled',
      enableNamespacesByDefault: row.byDefault ?? false,
    });
    const engine = compileIstio(model, cfg, compilePolicies(model, cfg).istio);
    const info = engine.sidecar(workload(model, 'w'));
    expect({ injected: info.injected, rule: info.rule }).toEqual({ injected: row.injected, rule: row.rule });
    expect(info.reason).not.toBe('');
  });

  it('C6 reads the pod template, not the Deployment metadata', () => {
    const yaml = `${namespace('app')}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: w, namespace: app, labels: {sidecar.istio.io/inject: "true"}}
spec:
  template:
    metadata: {labels: {app: w}}
    spec: {containers: [{name: app}]}
`;
    const model = modelFromYaml(yaml);
    const cfg = config();
    expect(
      compileIstio(model, cfg, compilePolicies(model, cfg).istio).sidecar(workload(model, 'w')).injected,
    ).toBe(false);
  });

  it('identity uses the service account and the configured trust domain (D9)', () => {
    const model = modelFromYaml(namespace('app', enabled) + deploy('w', 'app', { sa: 'reader' }));
    const cfg = config({ trustDomain: 'corp.example' });
    const engine = compileIstio(model, cfg, compilePolicies(model, cfg).istio);
    expect(engine.sidecar(workload(model, 'w')).identity).toBe('corp.example/ns/app/sa/reader');
  });
});
