import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { istioServedError, servedKindError } from '../../src/manifests/kinds.js';
import { parseSourceFile } from '../../src/manifests/parse.js';

const parse = (text: string, path = 'deploy/app.yaml') => parseSourceFile({ path, text }, 'main');
const errors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');
const codes = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.severity}:${d.code}`);

const netpol = (head: string) => `${head}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n`;

describe('what the API server rejects takes no effect (issue 13 item 3)', () => {
  it.each([
    [
      // kubectl: no matches for kind "NetworkPolicyy" in version "networking.k8s.io/v1"
      'a misspelt kind in a served group, with a suggestion',
      netpol('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyy\nmetadata: {name: p, namespace: prod}'),
      'unknown-kind',
      /unknown kind NetworkPolicyy in networking.k8s.io\/v1 \(did you mean NetworkPolicy\?\)/,
    ],
    [
      // extensions/v1beta1 NetworkPolicy was removed in 1.16
      'a NetworkPolicy in a removed version',
      netpol('apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: prod}'),
      'unknown-kind',
      /not served in extensions\/v1beta1/,
    ],
    [
      // metadata.name: Invalid value: "Allow_Web": a lowercase RFC 1123 subdomain must consist of ...
      'an invalid object name',
      netpol(
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: Allow_Web, namespace: prod}',
      ),
      'invalid-name',
      /NetworkPolicy "Allow_Web"/,
    ],
    [
      // metadata.namespace: Invalid value: "Prod": a lowercase RFC 1123 label must consist of ...
      'an invalid namespace',
      netpol('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: Prod}'),
      'invalid-name',
      /namespace "Prod"/,
      // No namespace "Prod" can exist: which one was meant is unknown.
      { kind: 'all' },
    ],
    [
      // metadata.name: Required value: name or generateName is required
      'an analysed kind with neither name nor generateName',
      netpol('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {namespace: prod}'),
      'missing-name',
      /no metadata.name/,
    ],
  ])('%s: an error reaching its namespace, the object dropped', (_what, text, code, message, reach?) => {
    const parsed = parse(text);
    expect(parsed.objects).toEqual([]);
    expect(errors(parsed.diagnostics)).toHaveLength(1);
    const [d] = errors(parsed.diagnostics);
    expect(d).toMatchObject({ code, reach: reach ?? { kind: 'namespaces', namespaces: ['prod'] } });
    expect(d?.message).toMatch(message);
    expect(d?.message).toMatch(/takes no effect|rejects it/);
  });

  it('a misspelt Istio kind reaches every pair (root-namespace policies apply mesh-wide)', () => {
    const parsed = parse(
      'apiVersion: security.istio.io/v1beta1\nkind: AuthorizationPolicyy\nmetadata: {name: p, namespace: istio-system}\n',
    );
    expect(parsed.objects).toEqual([]);
    expect(errors(parsed.diagnostics)).toMatchObject([{ code: 'unknown-kind', reach: { kind: 'all' } }]);
    expect(errors(parsed.diagnostics)[0]?.message).toMatch(/did you mean AuthorizationPolicy\?/);
  });

  it('a Namespace with an invalid name (cluster-scoped) reaches every pair', () => {
    const parsed = parse('apiVersion: v1\nkind: Namespace\nmetadata: {name: Team.A}\n');
    expect(errors(parsed.diagnostics)).toMatchObject([{ code: 'invalid-name', reach: { kind: 'all' } }]);
  });

  it('a namespace that is no string (ObjectMeta is typed) rejects the object', () => {
    // kubectl: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.namespace of type string
    const parsed = parse(
      netpol('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: 5}'),
    );
    expect(parsed.objects).toEqual([]);
    expect(errors(parsed.diagnostics)).toMatchObject([
      {
        code: 'invalid-metadata',
        message: expect.stringMatching(/metadata.namespace 5 is not a string/),
        reach: { kind: 'all' },
      },
    ]);
  });

  it.each([
    // kubectl: error validating data: apiVersion not set
    ['no apiVersion', 'kind: NetworkPolicy\nmetadata: {name: p, namespace: prod}', /has no apiVersion;/],
    // kubectl: error validating data: kind not set
    ['no kind', 'apiVersion: networking.k8s.io/v1\nmetadata: {name: p, namespace: prod}', /has no kind;/],
    ['neither', 'metadata: {name: p, namespace: prod}', /has no apiVersion and kind;/],
  ])('a NetworkPolicy with %s is refused: an error, not a note', (_what, head, message) => {
    const parsed = parse(netpol(head));
    expect(parsed.objects).toEqual([]);
    expect(parsed.diagnostics).toMatchObject([
      { severity: 'error', code: 'missing-type', reach: { kind: 'namespaces', namespaces: ['prod'] } },
    ]);
    expect(parsed.diagnostics[0]?.message).toMatch(message);
  });

  it('a Helm values file with a kind key, without metadata, is still no object', () => {
    expect(codes(parse('kind: Deployment\nreplicas: 2\nspec: {podSelector: {}}\n').diagnostics)).toEqual([
      'note:not-kubernetes',
    ]);
  });

  it('a List with a scalar item is refused (kubectl: items[1] is not an object)', () => {
    const parsed = parse(
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n- just-a-string\n',
    );
    expect(codes(parsed.diagnostics)).toEqual(['error:invalid-list-item']);
    expect(parsed.objects).toEqual([]);
  });

  it('leaves kinds of groups it does not know alone', () => {
    expect(servedKindError('example.com/v1', 'Widget')).toBeUndefined();
    expect(servedKindError('networking.k8s.io/v1', 'NetworkPolicy')).toBeUndefined();
    expect(servedKindError('v1', 'ConfigMap')).toBeUndefined();
    expect(servedKindError('v1', 'Secrett')).toBe('unknown kind Secrett in v1 (did you mean Secret?)');
  });
});

describe('Istio versions per release (SEMANTICS V1)', () => {
  it.each([
    // v1alpha1 security policies were removed in Istio 1.6
    ['security.istio.io/v1alpha1', 'AuthorizationPolicy', '1.20', false],
    ['security.istio.io/v1beta1', 'AuthorizationPolicy', '1.20', true],
    ['security.istio.io/v1', 'AuthorizationPolicy', '1.20', true],
    // 1.22 promoted PeerAuthentication and the networking APIs to v1
    ['security.istio.io/v1', 'PeerAuthentication', '1.20', false],
    ['security.istio.io/v1', 'PeerAuthentication', '1.22.1', true],
    ['networking.istio.io/v1', 'VirtualService', '1.21', false],
    ['networking.istio.io/v1', 'VirtualService', '1.22', true],
    ['networking.istio.io/v1alpha3', 'VirtualService', '1.24', true],
    ['networking.istio.io/v1beta1', 'EnvoyFilter', '1.24', false],
  ])('%s %s on Istio %s served: %s', (apiVersion, kind, release, served) => {
    const error = istioServedError(apiVersion, kind, release);
    expect(error === undefined).toBe(served);
    if (!served) expect(error).toMatch(/not served by Istio/);
  });
});

describe('no false alarms (issue 13 item 6)', () => {
  it('a CRD schema with `labels` properties raises nothing', () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        properties:
          labels: {type: object, additionalProperties: {type: string}}
          selector:
            properties:
              matchLabels: {type: object}
`;
    expect(codes(parse(crd).diagnostics)).toEqual([]);
  });

  it('a custom resource body is not judged, its metadata labels are', () => {
    const cr = `apiVersion: example.com/v1
kind: Widget
metadata: {name: w, labels: {version: 1}}
spec:
  template: {metadata: {labels: {tiers: [a, b]}}}
`;
    expect(parse(cr).diagnostics.map((d) => d.code)).toEqual(['non-string-label']);
  });

  it('pod templates and selectors of analysed kinds are still checked', () => {
    const deploy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: [web]}}
    spec: {containers: [{name: c}]}
`;
    expect(codes(parse(deploy).diagnostics)).toEqual(['error:invalid-label']);
  });

  it('a label error reaches the namespace of its object, and every pair for a Namespace', () => {
    const deploy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: shop}
spec:
  template:
    metadata: {labels: {app: [web]}}
    spec: {containers: [{name: c}]}
`;
    expect(errors(parse(deploy).diagnostics)).toMatchObject([
      { code: 'invalid-label', reach: { kind: 'namespaces', namespaces: ['shop'] } },
    ]);
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: [a]}}\n';
    expect(errors(parse(ns).diagnostics)).toMatchObject([{ code: 'invalid-label', reach: { kind: 'all' } }]);
  });

  it('a nameless IstioOperator (install input) is read, with no error', () => {
    const parsed = parse(
      'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  tag: 1.22.0\n',
    );
    expect(errors(parsed.diagnostics)).toEqual([]);
    expect(parsed.objects.map((o) => o.kind)).toEqual(['IstioOperator']);
  });

  it('a kind `Cluster` config (kind, k3d) has no name and raises nothing', () => {
    const parsed = parse(
      'apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes:\n- role: control-plane\n',
    );
    expect(errors(parsed.diagnostics)).toEqual([]);
  });

  it('a Job with generateName is analysed under its prefix', () => {
    const parsed = parse(
      'apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-, namespace: db}\nspec:\n  template:\n    spec: {containers: [{name: m}]}\n',
    );
    expect(errors(parsed.diagnostics)).toEqual([]);
    expect(parsed.objects.map((o) => `${o.namespace}/${o.name}`)).toEqual(['db/migrate-']);
  });

  it('a Flux schema file (JSON schema, no apiVersion/kind) raises nothing but a note', () => {
    const schema = `{"description": "HelmRelease", "type": "object",
 "properties": {"metadata": {"properties": {"labels": {"type": "object"}, "annotations": {"additionalProperties": {"type": "string"}}}},
  "spec": {"properties": {"selector": {"matchLabels": {"type": "object"}}}}}}`;
    expect(codes(parse(schema, 'schemas/helmrelease.json').diagnostics)).toEqual(['note:not-kubernetes']);
  });
});
