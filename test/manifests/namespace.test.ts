import { describe, expect, it } from 'vitest';
import { parseSourceFile } from '../../src/manifests/parse.js';

const objects = (text: string, path = 'deploy/app.yaml') => parseSourceFile({ path, text }, 'main').objects;
const where = (text: string, path?: string) =>
  objects(text, path).map((o) => `${o.kind} [${o.namespace}] written=${o.declaredNamespace ?? '-'}`);

describe('the namespace is decided once, when objects are read', () => {
  it('a namespaced object without one lands in default; the manifest as written stays visible', () => {
    expect(
      where(
        'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\n' +
          'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: ""}\n---\n' +
          'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: a, namespace: prod}\n',
      ),
    ).toEqual([
      'Service [default] written=-',
      'NetworkPolicy [default] written=-',
      'AuthorizationPolicy [prod] written=prod',
    ]);
  });

  it('an unknown kind (a CRD) counts as namespaced, as the readers always treated it', () => {
    expect(where('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n')).toEqual([
      'Widget [default] written=-',
    ]);
  });

  it('cluster-scoped kinds and Helm values files get no namespace, default neither', () => {
    expect(
      where(
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n' +
          'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n',
      ),
    ).toEqual(['Namespace [] written=-', 'ClusterRole [] written=-']);
    expect(where('global:\n  proxy:\n    resources: {requests: {cpu: 10m}}\n', 'istio/values.yaml')).toEqual([
      'HelmValues [] written=-',
    ]);
  });
});
