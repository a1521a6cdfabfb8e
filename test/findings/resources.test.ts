import { describe, expect, it } from 'vitest';
import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { diffRevisions } from '../../src/analysis/diff-revisions.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { config, deployment, diff, findings, NAMESPACES, rules, SIDECAR_EGRESS } from './helpers.js';

const base = NAMESPACES + SIDECAR_EGRESS('shop');
const withAnnotations = (a: Record<string, string>) => base + deployment('shop', 'api', { annotations: a });

describe('sidecar resource rules (SEMANTICS H)', () => {
  it('proxyCPU: 50m is below 100m, and drops the memory default (all-or-nothing)', () => {
    const f = findings(withAnnotations({ 'sidecar.istio.io/proxyCPU': '50m' }));
    const low = rules(f, 'sidecar-cpu-request-low');
    expect(low).toHaveLength(1);
    expect(low[0]!.severity).toBe('warning');
    expect(low[0]!.message).toMatch(/50m .*below 100m/);
    expect(low[0]!.locations[0]!.line).toBeGreaterThan(1);
    const missing = rules(f, 'sidecar-request-missing');
    expect(missing).toHaveLength(1);
    expect(missing[0]!.message).toMatch(/memory request.*all-or-nothing/);
  });

  it('proxyMemory: 128M is below 128Mi (decimal megabytes)', () => {
    const f = findings(
      withAnnotations({ 'sidecar.istio.io/proxyMemory': '128M', 'sidecar.istio.io/proxyCPU': '100m' }),
    );
    expect(rules(f, 'sidecar-memory-request-low')).toHaveLength(1);
    expect(rules(f, 'sidecar-memory-request-low')[0]!.message).toMatch(/128M = 128,000,000/);
    expect(rules(f, 'sidecar-cpu-request-low')).toHaveLength(0);
    expect(rules(f, 'sidecar-request-missing')).toHaveLength(0);
  });

  it('0.1 CPU equals 100m and 128Mi meets the default threshold: nothing', () => {
    const f = findings(
      withAnnotations({ 'sidecar.istio.io/proxyMemory': '128Mi', 'sidecar.istio.io/proxyCPU': '0.1' }),
    );
    expect(f.filter((x) => x.rule.startsWith('sidecar-') && x.rule.includes('request'))).toEqual([]);
  });

  it('no annotation: the built-in 100m/128Mi defaults pass', () => {
    expect(rules(findings(base + deployment('shop', 'api')), 'sidecar-cpu-request-low')).toEqual([]);
  });

  it('workloads without a sidecar are not checked', () => {
    const f = findings(
      base + deployment('legacy', 'old', { annotations: { 'sidecar.istio.io/proxyCPU': '1m' } }),
    );
    expect(rules(f, 'sidecar-cpu-request-low')).toEqual([]);
  });

  it('mesh default from an IstioOperator in the repo', () => {
    const op = `
---
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: { name: main, namespace: istio-system }
spec:
  values:
    global:
      proxy:
        resources:
          requests: { cpu: 10m, memory: 40Mi }
`;
    const f = findings(base + deployment('shop', 'api') + op);
    expect(rules(f, 'sidecar-cpu-request-low')[0]!.message).toMatch(
      /10m \(from IstioOperator istio-system\/main/,
    );
    expect(rules(f, 'sidecar-memory-request-low')).toHaveLength(1);
  });

  it('mesh default from a plain Helm values file of the istiod chart, with its own file and line', () => {
    const values = `# istiod chart values
global:
  proxy:
    resources:
      requests:
        cpu: 50m
        memory: 128Mi
meshConfig:
  trustDomain: cluster.local
`;
    const rev = analyseRevision(
      {
        label: 'head',
        files: [
          { path: 'apps.yaml', text: base + deployment('shop', 'api') },
          { path: 'platform/istio/values.yaml', text: values },
        ],
        diagnostics: [],
      },
      DEFAULT_CONFIG,
    );
    expect(rev.diagnostics.map((d) => d.code)).toContain('helm-values');
    const f = diffRevisions(rev, rev, { layer: 'effective', config: DEFAULT_CONFIG }).findings;
    const cpu = rules(f, 'sidecar-cpu-request-low');
    expect(cpu).toHaveLength(1);
    expect(cpu[0]!.message).toMatch(
      /50m \(from Helm values platform\/istio\/values.yaml global.proxy.resources/,
    );
    expect(cpu[0]!.locations.map((l) => `${l.file}:${l.line}`)).toContain('platform/istio/values.yaml:6');
    expect(rules(f, 'sidecar-memory-request-low')).toEqual([]);
    // A YAML map that is not Istio values is still skipped.
    const other = analyseRevision(
      { label: 'h', files: [{ path: 'values.yaml', text: 'replicaCount: 2\n' }], diagnostics: [] },
      DEFAULT_CONFIG,
    );
    expect(other.model.objectsByKind.size).toBe(0);
  });

  it('config default and thresholds', () => {
    const cfg = config({
      sidecar: { minCpuRequest: '20m', minMemoryRequest: '64Mi', defaultCpuRequest: '10m' },
    });
    const f = findings(base + deployment('shop', 'api'), cfg);
    expect(rules(f, 'sidecar-cpu-request-low')[0]!.message).toMatch(/10m .*below 20m/);
    expect(rules(f, 'sidecar-memory-request-low')).toEqual([]);
  });

  it('an explicit istio-proxy container overrides field by field; a native sidecar in initContainers counts', () => {
    const explicit = deployment('shop', 'api', {
      extra: `
        - name: istio-proxy
          image: auto
          resources: { requests: { cpu: 30m } }`,
    });
    const f = findings(base + explicit);
    expect(rules(f, 'sidecar-cpu-request-low')[0]!.message).toMatch(/30m \(from container istio-proxy/);
    expect(rules(f, 'sidecar-memory-request-low')).toEqual([]);
    const native = `
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: nat, namespace: shop }
spec:
  template:
    metadata: { labels: { app: nat } }
    spec:
      initContainers:
        - name: istio-proxy
          restartPolicy: Always
          resources: { requests: { cpu: 5m, memory: 1Gi } }
      containers: [{ name: app }]
`;
    const g = findings(base + native);
    expect(rules(g, 'sidecar-cpu-request-low')[0]!.message).toMatch(
      /5m \(from container istio-proxy \(initContainers\)/,
    );
  });

  it('an invalid quantity is an error diagnostic with its location, not a crash', () => {
    const r = diff(
      '',
      withAnnotations({ 'sidecar.istio.io/proxyMemory': '1K', 'sidecar.istio.io/proxyCPU': '100m' }),
    );
    const d = r.diagnostics.find((x) => x.code === 'invalid-quantity');
    expect(d?.severity).toBe('error');
    expect(d?.location?.file).toBe('all.yaml');
    expect(d?.message).toMatch(/1K/);
    expect(r.incomplete).toBe(true);
  });
});
