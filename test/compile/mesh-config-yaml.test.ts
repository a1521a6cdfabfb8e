import { describe, expect, it } from 'vitest';
import { codes, revision } from './helpers.js';

/** istiod reads the `mesh` ConfigMap's text with sigs.k8s.io/yaml (YAML 1.1), as kubectl reads files. */
const MESH_CONFIG_MAP = (mesh: string) => `
apiVersion: v1
kind: ConfigMap
metadata: { name: istio, namespace: istio-system }
data:
  mesh: |
${mesh
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
`;

describe('the mesh ConfigMap is read as istiod reads it', () => {
  it.each([
    // !!binary is the decoded text, not bytes
    ['trustDomain: !!binary Y29ycC5leGFtcGxl', { trustDomain: 'corp.example' }],
    // a merge key merges
    ['base: &b {rootNamespace: mesh-root}\n<<: *b', { rootNamespace: 'mesh-root' }],
  ])('%s', (mesh, expected) => {
    expect(revision(MESH_CONFIG_MAP(mesh)).policies.mesh).toMatchObject(expected);
  });
});

/** The injector reads `data.values` with sigs.k8s.io/yaml too: an overlay may replace the chart's JSON with block YAML. */
describe('the injector ConfigMap values are read as YAML', () => {
  const yaml = `
apiVersion: v1
kind: ConfigMap
metadata: { name: istio-sidecar-injector, namespace: istio-system }
data:
  config: "policy: enabled"
  values: |-
    global:
      tag: 1.26.0
      proxy:
        resources:
          requests:
            cpu: 50m
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: istio-system }
spec:
  egress:
  - hosts: ["./*"]
`;
  it('takes the release and proxy requests from block YAML values', () => {
    const rev = revision(yaml);
    expect(rev.policies.mesh).toMatchObject({ release: '1.26.0', proxyRequests: { cpu: { text: '50m' } } });
    // networking.istio.io/v1 is served from 1.22: judged by the installed release, not 1.20.
    expect(codes(rev)).not.toContain('istio-version-not-served');
  });
});
