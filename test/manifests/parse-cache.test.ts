import { describe, expect, it } from 'vitest';
import { parseSourceFile } from '../../src/manifests/parse.js';
import { ParseCache } from '../../src/manifests/parse-cache.js';
import type { SourceFile } from '../../src/manifests/types.js';

const FILE: SourceFile = {
  path: 'apps/web.yaml',
  text: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    metadata:
      labels: { app: web, replicas: 3 }
    spec:
      containers: [{ name: app, ports: [{ containerPort: 8080 }] }]
---
kind: [broken
`,
};

/** What a parse result says, with every location spelled out. */
function observable(p: ReturnType<typeof parseSourceFile>) {
  return {
    objects: p.objects.map((o) => ({
      kind: o.kind,
      name: o.name,
      body: o.body,
      location: o.location,
      port: o.locate(['spec', 'template', 'spec', 'containers', 0, 'ports', 0]),
    })),
    diagnostics: p.diagnostics,
  };
}

describe('ParseCache', () => {
  it('gives the second revision exactly what parsing it afresh gives, relabelled', () => {
    const cache = new ParseCache();
    const base = cache.parse(FILE, 'base');
    const head = cache.parse({ ...FILE }, 'head');
    expect(head.objects[0]!.body).toBe(base.objects[0]!.body); // parsed once
    expect(observable(head)).toEqual(observable(parseSourceFile(FILE, 'head')));
    expect(observable(base)).toEqual(observable(parseSourceFile(FILE, 'base')));
    expect(head.diagnostics.map((d) => d.location?.revision)).toEqual(head.diagnostics.map(() => 'head'));
    expect(head.diagnostics.length).toBeGreaterThan(1); // the non-string label warning and the syntax error
  });

  it('parses a changed file, or the same text at another path, on its own', () => {
    const cache = new ParseCache();
    const base = cache.parse(FILE, 'base');
    const changed = cache.parse({ ...FILE, text: FILE.text.replace('8080', '9090') }, 'head');
    expect(changed.objects[0]!.body).not.toBe(base.objects[0]!.body);
    const moved = cache.parse({ ...FILE, path: 'apps/moved.yaml' }, 'head');
    expect(moved.objects[0]!.location.file).toBe('apps/moved.yaml');
  });
});
