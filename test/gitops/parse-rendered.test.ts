import { describe, expect, it } from 'vitest';
import { parseSourceFile } from '../../src/manifests/parse.js';
import type { SourceFile } from '../../src/manifests/types.js';

const TEXT = `apiVersion: v1
kind: Service
metadata: {name: a, namespace: x}
spec: {selector: {app: a}}
---
apiVersion: v1
kind: Pod
metadata: {labels: {n: 1}}
`;

describe('parseSourceFile: rendered output', () => {
  const file: SourceFile = {
    path: 'overlays/prod/kustomization.yaml',
    text: TEXT,
    rendered: {
      root: 'overlays/prod',
      documents: [
        {
          file: 'base/svc.yaml',
          line: 3,
          locate: (path) => (path[0] === 'spec' ? { file: 'overlays/prod/patch.yaml', line: 9 } : undefined),
        },
        { file: 'base/cm.yaml', line: 7 },
      ],
    },
  };
  const parsed = parseSourceFile(file, 'head');

  it('is not skipped as a kustomization file, and locates objects at their origin', () => {
    const [svc] = parsed.objects;
    expect(svc?.location).toEqual({ revision: 'head', file: 'base/svc.yaml', line: 3, column: 1 });
    expect(svc?.locate(['spec', 'selector'])).toEqual({
      revision: 'head',
      file: 'overlays/prod/patch.yaml',
      line: 9,
      column: 1,
    });
    expect(svc?.locate(['metadata', 'name'])).toEqual({
      revision: 'head',
      file: 'base/svc.yaml',
      line: 3,
      column: 1,
    });
  });

  it("moves a document's diagnostics to its origin", () => {
    expect(parsed.diagnostics.map((d) => [d.code, d.location?.file, d.location?.line])).toEqual([
      ['non-string-label', 'base/cm.yaml', 7],
      ['missing-name', 'base/cm.yaml', 7],
    ]);
    expect(parsed.diagnostics[1]?.dropped).toContain('Pod');
  });

  it('a plain file is parsed as before', () => {
    const plain = parseSourceFile(
      { path: 'overlays/prod/kustomization.yaml', text: 'resources: []\n' },
      'head',
    );
    expect(plain.diagnostics.map((d) => d.code)).toEqual(['kustomization-skipped']);
  });
});
