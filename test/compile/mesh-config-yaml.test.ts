import { describe, expect, it } from 'vitest';
import { revision } from './helpers.js';

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
