import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { ParseCache } from '../../src/manifests/parse-cache.js';
import type { K8sObject, SourceFile } from '../../src/manifests/types.js';
import { buildModel } from '../../src/model/build.js';
import { internPorts } from '../../src/model/pod-template.js';
import type { ContainerPort } from '../../src/model/types.js';

const FILE: SourceFile = {
  path: 'apps.yaml',
  text: `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    metadata: { labels: { app: web }, annotations: { a: b } }
    spec:
      containers: [{ name: app, ports: [{ containerPort: 8080, name: http }] }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
      - { name: app, ports: [{ containerPort: 8080, name: http }, { containerPort: 99999 }] }
      - { name: side, ports: [{ containerPort: 9090, protocol: UDP }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ port: 80, targetPort: http }] }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ port: 80, targetPort: http }, { port: 0 }] }
`,
};

function objects(cache: ParseCache, revision: string): K8sObject[] {
  return cache.parse({ ...FILE }, revision).objects;
}

/** The model of each revision, parsed through one cache (head shares base's bodies), and afresh. */
function models() {
  const cache = new ParseCache();
  const base = buildModel(objects(cache, 'base'), DEFAULT_CONFIG, 'base');
  const head = buildModel(objects(cache, 'head'), DEFAULT_CONFIG, 'head');
  const fresh = buildModel(objects(new ParseCache(), 'head'), DEFAULT_CONFIG, 'head');
  return { base, head, fresh };
}

describe('templates and Service specs shared between revisions', () => {
  it('head built on base bodies is what head built afresh is', () => {
    const { base, head, fresh } = models();
    // As data (each object's locate is a closure of its own).
    const plain = (value: unknown) => JSON.parse(JSON.stringify(value));
    expect(plain(head.model.workloads)).toEqual(plain(fresh.model.workloads));
    expect(plain(head.model.services)).toEqual(plain(fresh.model.services));
    expect(head.diagnostics).toEqual(fresh.diagnostics);
    // web read without a diagnostic: head shares what base read.
    expect(head.model.workloads[1]!.containers).toBe(base.model.workloads[1]!.containers);
    expect(head.model.services[1]!.ports).toBe(base.model.services[1]!.ports);
  });

  it('a template or Service read with a diagnostic is read again, so each revision reports its own', () => {
    const { base, head } = models();
    const where = (ds: typeof base.diagnostics) => ds.map((d) => `${d.code}@${d.location?.revision}`);
    expect(where(base.diagnostics)).toEqual(['invalid-port@base', 'invalid-port@base']);
    expect(where(head.diagnostics)).toEqual(['invalid-port@head', 'invalid-port@head']);
    expect(head.model.workloads[0]!.containers).not.toBe(base.model.workloads[0]!.containers);
  });
});

describe('internPorts', () => {
  const port = (containerPort: number, protocol: ContainerPort['protocol'] = 'TCP', name?: string) =>
    ({ ...(name === undefined ? {} : { name }), containerPort, protocol }) as ContainerPort;

  it('gives equal lists one frozen array', () => {
    const a = internPorts([port(80, 'TCP', 'http'), port(53, 'UDP')]);
    const b = internPorts([port(80, 'TCP', 'http'), port(53, 'UDP')]);
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a).toEqual([port(80, 'TCP', 'http'), port(53, 'UDP')]);
  });

  it('keeps apart lists differing in any field, or in order', () => {
    const lists = [
      [port(80)],
      [port(81)],
      [port(80, 'UDP')],
      [port(80, 'TCP', '')],
      [port(80, 'TCP', 'http')],
      [port(80, 'TCP', 'http 80')],
      [port(80, 'TCP', 'h'), port(81)],
      [port(81), port(80, 'TCP', 'h')],
      [port(80), port(80)],
    ];
    const interned = lists.map(internPorts);
    expect(interned).toEqual(lists);
    expect(new Set(interned).size).toBe(lists.length);
  });
});
