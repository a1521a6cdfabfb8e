import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectPath } from '../../src/manifests/types.js';
import { writeFiles } from '../git/helpers.js';
import { config, find, hasKustomize, type Rendered, render, tempDir } from './helpers.js';

const BASE_NP = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: np
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
    - from:
        - podSelector: {}
`;

/** Every way kustomize patches: a JSON 6902 file, inline JSON 6902, inline and file strategic merges, patchesJson6902. */
const FILES = {
  'base/kustomization.yaml': 'resources:\n  - np.yaml\n',
  'base/np.yaml': BASE_NP,
  'ov/kustomization.yaml': `resources:
  - ../base
patches:
  - path: json.yaml
    target:
      kind: NetworkPolicy
      name: np
  - patch: |-
      - op: add
        path: /spec/ingress/0/ports
        value:
          - port: 8080
    target:
      kind: NetworkPolicy
  - patch: |-
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: np
        namespace: shop
      spec:
        policyTypes: [Ingress, Egress]
patchesJson6902:
  - path: json2.yaml
    target:
      group: networking.k8s.io
      version: v1
      kind: NetworkPolicy
      name: np
patchesStrategicMerge:
  - smp.yaml
`,
  'ov/json.yaml': '- op: replace\n  path: /spec/podSelector/matchLabels/app\n  value: api\n',
  'ov/json2.yaml':
    '- op: add\n  path: /spec/egress\n  value:\n    - to:\n        - ipBlock:\n            cidr: 10.0.0.0/8\n',
  'ov/smp.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: np
  namespace: shop
spec:
  ingress:
    - from:
        - namespaceSelector: {}
`,
};

/** The 1-based line of `file` that holds `snippet` (once). */
function lineWith(file: keyof typeof FILES, snippet: string): number {
  const lines = FILES[file].split('\n');
  const at = lines.flatMap((l, i) => (l.includes(snippet) ? [i + 1] : []));
  if (at.length !== 1) throw new Error(`${snippet} is on lines ${at.join(', ')} of ${file}`);
  return at[0]!;
}

describe.skipIf(!hasKustomize)('locations of fields a patch set', () => {
  const repo = tempDir('patch-locations');
  let out: Rendered;
  beforeAll(async () => {
    writeFiles(repo.path, FILES);
    out = await render({ kind: 'directory', path: repo.path }, config());
  });
  afterAll(() => repo.remove());

  const at = (path: ObjectPath) => {
    const np = find(out.objects, 'NetworkPolicy', 'shop', 'np');
    const l = np.locate(path);
    return `${l.file}:${l.line}`;
  };

  it('renders every patch', () => {
    const np = find(out.objects, 'NetworkPolicy', 'shop', 'np');
    expect(np.body).toMatchObject({
      spec: {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080 }] }],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
        policyTypes: ['Ingress', 'Egress'],
      },
    });
  });

  it('a JSON 6902 patch file: the op value that wrote the field', () => {
    expect(at(['spec', 'podSelector', 'matchLabels', 'app'])).toBe(
      `ov/json.yaml:${lineWith('ov/json.yaml', 'value: api')}`,
    );
    expect(at(['spec', 'egress', 0])).toBe(`ov/json2.yaml:${lineWith('ov/json2.yaml', '- to:')}`);
    expect(at(['spec', 'egress', 0, 'to', 0, 'ipBlock', 'cidr'])).toBe(
      `ov/json2.yaml:${lineWith('ov/json2.yaml', 'cidr')}`,
    );
  });

  it('an inline JSON 6902 patch: its line in the kustomization; a rule it writes into, at the op', () => {
    const k = 'ov/kustomization.yaml';
    expect(at(['spec', 'ingress', 0, 'ports', 0])).toBe(`${k}:${lineWith(k, '- port: 8080')}`);
    expect(at(['spec', 'ingress', 0])).toBe(`${k}:${lineWith(k, 'path: /spec/ingress/0/ports')}`);
  });

  it('strategic merges, in a file and inline: the line of the field in the patch', () => {
    const k = 'ov/kustomization.yaml';
    expect(at(['spec', 'ingress', 0, 'from', 0])).toBe(
      `ov/smp.yaml:${lineWith('ov/smp.yaml', 'namespaceSelector')}`,
    );
    expect(at(['spec', 'policyTypes'])).toBe(`${k}:${lineWith(k, 'policyTypes')}`);
  });

  it('what no patch wrote stays in the base', () => {
    expect(at([])).toBe('base/np.yaml:1');
    expect(at(['metadata', 'name'])).toBe(`base/np.yaml:${lineWith('base/np.yaml', 'name: np')}`);
  });
});
