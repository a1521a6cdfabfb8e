import { describe, expect, it } from 'vitest';
import { type Config, DEFAULT_CONFIG } from '../../src/config/types.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { buildModel } from '../../src/model/build.js';
import { objectsFromYaml } from '../helpers/yaml.js';

const build = (yaml: string, config: Config = DEFAULT_CONFIG) =>
  buildModel(objectsFromYaml(yaml), config, 'main');
const codes = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.severity}:${d.code}`);
const pod = (port = 8080) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: w, namespace: prod}\nspec:\n  containers: [{name: c, ports: [{containerPort: ${port}}]}]\n`;

describe('buildModel: duplicates', () => {
  it('the same object twice: a warning, and the later one wins everywhere', () => {
    const np = (port: number) =>
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec: {podSelector: {}, ingress: [{ports: [{port: ${port}}]}]}\n`;
    const { model, diagnostics } = build([pod(), np(80), pod(9090), np(81)].join('---\n'));
    expect(codes(diagnostics)).toEqual(['warning:duplicate-object', 'warning:duplicate-object']);
    expect(diagnostics[0]?.message).toContain('first at test.yaml:1');
    expect(model.workloads.map((w) => w.ports[0]?.containerPort)).toEqual([9090]);
    expect(model.objectsByKind.get('NetworkPolicy')?.map((o) => o.body.spec)).toMatchObject([
      { ingress: [{ ports: [{ port: 81 }] }] },
    ]);
  });

  it('objects of the same kind name in different API groups are not duplicates', () => {
    const gw = (api: string) => `apiVersion: ${api}\nkind: Gateway\nmetadata: {name: g}\n`;
    const { model, diagnostics } = build(
      [gw('networking.istio.io/v1'), gw('gateway.networking.k8s.io/v1')].join('---\n'),
    );
    expect(diagnostics).toEqual([]);
    expect(model.objectsByKind.get('Gateway')).toHaveLength(2);
  });
});

describe('buildModel: namespaces', () => {
  const config: Config = {
    ...DEFAULT_CONFIG,
    namespaces: {
      prod: { labels: { env: 'prod', team: 'a' }, annotations: { note: 'config' } },
      platform: { labels: { tier: 'infra' }, annotations: {} },
    },
    location: { revision: 'main', file: '.policy-diff.yaml', line: 1, column: 1 },
  };

  it('merges Namespace objects, config and implicit namespaces, sorted by name', () => {
    const { model, diagnostics } = build(
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: prod, labels: {env: production, zone: eu}}\n---\n${pod()}---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: other}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n`,
      config,
    );
    expect([...model.namespaces.keys()]).toEqual(['default', 'other', 'platform', 'prod']);
    expect(model.namespaces.get('prod')).toMatchObject({
      origin: 'manifest',
      labels: { env: 'production', team: 'a', zone: 'eu', 'kubernetes.io/metadata.name': 'prod' },
      annotations: { note: 'config' },
      location: { line: 1 },
    });
    expect(model.namespaces.get('platform')).toMatchObject({
      origin: 'config',
      labels: { tier: 'infra', 'kubernetes.io/metadata.name': 'platform' },
      location: { file: '.policy-diff.yaml' },
    });
    expect(model.namespaces.get('other')).toEqual({
      name: 'other',
      origin: 'implicit',
      labels: { 'kubernetes.io/metadata.name': 'other' },
      annotations: {},
    });
    expect(diagnostics).toMatchObject([
      { severity: 'warning', code: 'namespace-label-conflict', location: { line: 3 } },
    ]);
  });

  it('a Namespace object alone does not create default; cluster-scoped objects neither', () => {
    const { model } = build(
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n',
    );
    expect([...model.namespaces.keys()]).toEqual(['a']);
    expect(model.namespaces.get('a')?.labels).toEqual({ 'kubernetes.io/metadata.name': 'a' });
  });
});

describe('buildModel: services and objectsByKind', () => {
  it('reads services with defaults and validation', () => {
    const { model, diagnostics } = build(`apiVersion: v1
kind: Service
metadata: {name: web, namespace: prod}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http, appProtocol: http}
  - {port: 53, protocol: UDP}
  - {port: 99999}
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec: {type: ExternalName, externalName: example.com, selector: {}}
`);
    expect(codes(diagnostics)).toEqual(['error:invalid-port']);
    expect(model.services).toMatchObject([
      { name: 'ext', namespace: 'default', selector: undefined, ports: [], type: 'ExternalName' },
      {
        name: 'web',
        namespace: 'prod',
        selector: { app: 'web' },
        type: 'ClusterIP',
        ports: [
          { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
          { port: 53, targetPort: 53, protocol: 'UDP' },
        ],
      },
    ]);
  });

  it('keeps every object by kind in input order, kinds sorted', () => {
    const obj = (kind: string, name: string) =>
      `apiVersion: x/v1\nkind: ${kind}\nmetadata: {name: ${name}}\n`;
    const { model } = build(
      [
        obj('NetworkPolicy', 'b'),
        obj('AuthorizationPolicy', 'z'),
        obj('NetworkPolicy', 'a'),
        obj('PeerAuthentication', 'p'),
      ].join('---\n'),
    );
    expect([...model.objectsByKind.keys()]).toEqual([
      'AuthorizationPolicy',
      'NetworkPolicy',
      'PeerAuthentication',
    ]);
    expect(model.objectsByKind.get('NetworkPolicy')?.map((o) => o.name)).toEqual(['b', 'a']);
    expect(model.revision).toBe('main');
  });
});
