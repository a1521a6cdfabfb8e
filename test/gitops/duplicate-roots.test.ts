import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build.js';
import { writeFiles } from '../git/helpers.js';
import { config, hasKustomize, type Rendered, render, tempDir } from './helpers.js';

const NP = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: np
  namespace: shop
spec:
  podSelector: {}
`;

describe.skipIf(!hasKustomize)('duplicate-object between two render roots in one cluster', () => {
  const repo = tempDir('duplicate-roots');
  let out: Rendered;
  beforeAll(async () => {
    writeFiles(repo.path, {
      'base/kustomization.yaml': 'resources:\n  - np.yaml\n',
      'base/np.yaml': NP,
      // Each root marks its copy, so the two differ.
      'clusters/prod/kustomization.yaml': 'commonAnnotations:\n  env: prod\nresources:\n  - ../../base\n',
      'clusters/staging/kustomization.yaml':
        'commonAnnotations:\n  env: staging\nresources:\n  - ../../base\n',
    });
    out = await render({ kind: 'directory', path: repo.path }, config());
  });
  afterAll(() => repo.remove());

  it('names the root that rendered each copy, so one base line read twice is told apart', () => {
    const { diagnostics } = buildModel(out.objects, config(), 'head');
    const duplicates = diagnostics.filter((d) => d.code === 'duplicate-object');
    expect(duplicates.map((d) => d.message)).toEqual([
      'NetworkPolicy shop/np is declared again (first at base/np.yaml:1 rendered by clusters/prod); ' +
        'this later one (base/np.yaml:1 rendered by clusters/staging) is used',
    ]);
  });

  it('keeps the namespace the source file wrote on each rendered object', () => {
    expect(out.objects.map((o) => o.rendered)).toEqual([
      { root: 'clusters/prod', sourceNamespace: 'shop' },
      { root: 'clusters/staging', sourceNamespace: 'shop' },
    ]);
  });
});
