import { describe, expect, it } from 'vitest';
import { type Config, DEFAULT_CONFIG } from '../../src/config/types.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { buildModel } from '../../src/model/build.js';
import { objectsFromYaml } from '../helpers/yaml.js';

const build = (yaml: string, config: Config = DEFAULT_CONFIG) =>
  buildModel(objectsFromYaml(yaml), config, 'main');
const codes = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.severity}:${d.code}`);

const podSpec = `
      containers:
      - name: app
        image: app:1
        ports: [{containerPort: 8080, name: http}]`;

const controllers = {
  Deployment: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: prod, labels: {owner: x}}\nspec:\n  template:\n    metadata: {labels: {app: w}}\n    spec:${podSpec}\n`,
  StatefulSet: `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: w, namespace: prod}\nspec:\n  template:\n    metadata: {labels: {app: w}}\n    spec:${podSpec}\n`,
  DaemonSet: `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: w, namespace: prod}\nspec:\n  template:\n    metadata: {labels: {app: w}}\n    spec:${podSpec}\n`,
  ReplicaSet: `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: w, namespace: prod}\nspec:\n  template:\n    metadata: {labels: {app: w}}\n    spec:${podSpec}\n`,
  Job: `apiVersion: batch/v1\nkind: Job\nmetadata: {name: w, namespace: prod}\nspec:\n  template:\n    metadata: {labels: {app: w}}\n    spec:${podSpec}\n`,
  ReplicationController: `apiVersion: v1\nkind: ReplicationController\nmetadata: {name: w, namespace: prod}\nspec:\n  template:\n    metadata: {labels: {app: w}}\n    spec:${podSpec}\n`,
  CronJob: `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w, namespace: prod}\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {app: w}}\n        spec:\n          containers:\n          - name: app\n            ports: [{containerPort: 8080, name: http}]\n`,
  Pod: `apiVersion: v1\nkind: Pod\nmetadata: {name: w, namespace: prod, labels: {app: w}}\nspec:${podSpec.replace(/\n {4}/g, '\n')}\n`,
};

describe('buildModel: workloads', () => {
  it.each(Object.entries(controllers))('%s: pod-template labels and ports', (kind, yaml) => {
    const { model, diagnostics } = build(yaml);
    expect(diagnostics).toEqual([]);
    expect(model.workloads).toHaveLength(1);
    expect(model.workloads[0]).toMatchObject({
      id: `prod/w[${kind}]`,
      kind,
      name: 'w',
      namespace: 'prod',
      podLabels: { app: 'w' },
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      serviceAccountName: 'default',
      hostNetwork: false,
    });
  });

  it('reads containers, init containers, resources, service account and hostNetwork', () => {
    const { model } = build(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata:
      labels: {app: web}
      annotations: {sidecar.istio.io/inject: "true"}
    spec:
      serviceAccount: legacy
      hostNetwork: true
      initContainers:
      - name: proxy
        restartPolicy: Always
        resources: {requests: {cpu: 10m}}
        ports: [{containerPort: 15090, protocol: TCP}]
      containers:
      - name: web
        image: nginx
        ports: [{containerPort: 53, protocol: UDP}, {containerPort: 80}]
`);
    const [w] = model.workloads;
    expect(w).toMatchObject({
      id: 'default/web[Deployment]',
      podAnnotations: { 'sidecar.istio.io/inject': 'true' },
      serviceAccountName: 'legacy',
      hostNetwork: true,
      initContainers: [{ name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '10m' } } }],
      containers: [{ name: 'web', image: 'nginx' }],
      ports: [
        { containerPort: 53, protocol: 'UDP' },
        { containerPort: 80, protocol: 'TCP' },
      ],
    });
    expect(w?.podLabels).toEqual({ app: 'web' });
  });

  it('prefers serviceAccountName over the deprecated serviceAccount', () => {
    const { model } = build(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccountName: new\n  serviceAccount: old\n  containers: []\n',
    );
    expect(model.workloads[0]?.serviceAccountName).toBe('new');
  });

  it.each([
    ['no owner', 'metadata: {name: p1, namespace: nsa}', 'nsa/p1[Pod]'],
    [
      'controller owner',
      'metadata: {name: p1, namespace: nsa, ownerReferences: [{kind: ReplicaSet, name: web-5d9, controller: true}]}',
      'nsa/web-5d9[ReplicaSet]',
    ],
    [
      'controller among owners',
      'metadata: {name: p1, ownerReferences: [{kind: ConfigMap, name: c}, {kind: DaemonSet, name: ds, controller: true}]}',
      'default/ds[DaemonSet]',
    ],
    [
      'owner without controller flag',
      'metadata: {name: p1, ownerReferences: [{kind: ReplicaSet, name: rs}]}',
      'default/p1[Pod]',
    ],
    [
      'owner without kind',
      'metadata: {name: p1, ownerReferences: [{name: sec, controller: true}]}',
      'default/sec[Pod]',
    ],
    [
      'mirror pod owned by a Node',
      'metadata: {name: etcd-node1, ownerReferences: [{kind: Node, name: node1, controller: true}]}',
      'default/etcd-node1[Pod]',
    ],
    [
      'custom controller kind',
      'metadata: {name: p1, ownerReferences: [{kind: Rollout, name: r, controller: true}]}',
      'default/r[Rollout]',
    ],
  ])('bare pod naming: %s', (_name, metadata, id) => {
    const { model } = build(`apiVersion: v1\nkind: Pod\n${metadata}\n`);
    expect(model.workloads.map((w) => w.id)).toEqual([id]);
  });

  it('merges replicas of one owner into one workload', () => {
    const pod = (name: string, port: number) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  labels: {app: web}\n  ownerReferences: [{kind: ReplicaSet, name: web-5d9, controller: true}]\nspec:\n  containers: [{name: c, ports: [{containerPort: ${port}}]}]\n`;
    const { model, diagnostics } = build([pod('web-5d9-a', 80), pod('web-5d9-b', 80)].join('---\n'));
    expect(diagnostics).toEqual([]);
    expect(model.workloads).toHaveLength(1);
    const [w] = model.workloads;
    expect(w).toMatchObject({
      id: 'default/web-5d9[ReplicaSet]',
      kind: 'ReplicaSet',
      name: 'web-5d9',
      podLabels: { app: 'web' },
    });
    expect(w?.podObjects?.map((o) => o.name)).toEqual(['web-5d9-a', 'web-5d9-b']);
    expect(w?.podLabelVariants).toBeUndefined();

    const differ = build([pod('web-5d9-a', 80), pod('web-5d9-b', 81)].join('---\n'));
    expect(codes(differ.diagnostics)).toEqual(['warning:replica-ports-differ']);
    expect(differ.model.workloads[0]?.ports.map((p) => p.containerPort)).toEqual([80, 81]);
  });

  it('replicas with different labels: the first pod stands for all, with a warning (as netpol-analyzer)', () => {
    const { model, diagnostics } = build(`apiVersion: v1
kind: Pod
metadata: {name: pod-1, labels: {app: a, tier: x}, ownerReferences: [{name: sec, controller: true}]}
---
apiVersion: v1
kind: Pod
metadata: {name: pod-2, labels: {app: b, tier: x}, ownerReferences: [{name: sec, controller: true}]}
`);
    expect(model.workloads.map((w) => w.id)).toEqual(['default/sec[Pod]']);
    expect(model.workloads[0]?.podLabels).toEqual({ app: 'a', tier: 'x' });
    expect(model.workloads[0]?.podLabelVariants).toEqual([
      { app: 'a', tier: 'x' },
      { app: 'b', tier: 'x' },
    ]);
    expect(diagnostics).toMatchObject([
      { severity: 'warning', code: 'replica-labels-differ', location: { line: 7 } },
    ]);
    expect(diagnostics[0]?.message).toContain('(app)');
  });

  it('keeps a Deployment and the pods of its ReplicaSet as separate peers, like netpol-analyzer', () => {
    const { model } = build(`${controllers.Deployment}---
apiVersion: v1
kind: Pod
metadata: {name: w-5d9-a, namespace: prod, labels: {app: w}, ownerReferences: [{kind: ReplicaSet, name: w-5d9, controller: true}]}
`);
    expect(model.workloads.map((w) => w.id)).toEqual(['prod/w-5d9[ReplicaSet]', 'prod/w[Deployment]']);
  });

  it('a ReplicaSet manifest and its pods are one workload built from the template', () => {
    const { model, diagnostics } = build(`${controllers.ReplicaSet}---
apiVersion: v1
kind: Pod
metadata: {name: w-a, namespace: prod, labels: {app: w, extra: yy}, ownerReferences: [{kind: ReplicaSet, name: w, controller: true}]}
`);
    expect(model.workloads).toHaveLength(1);
    expect(model.workloads[0]).toMatchObject({ id: 'prod/w[ReplicaSet]', podLabels: { app: 'w' } });
    expect(model.workloads[0]?.object.kind).toBe('ReplicaSet');
    expect(model.workloads[0]?.podObjects?.map((p) => p.name)).toEqual(['w-a']);
    expect(codes(diagnostics)).toEqual(['warning:replica-labels-differ']);
  });

  it('sorts workloads by id', () => {
    const pod = (ns: string, name: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}}\n`;
    const { model } = build([pod('b', 'x'), pod('a', 'z'), pod('a', '0b'), pod('a', 'a')].join('---\n'));
    expect(model.workloads.map((w) => w.id)).toEqual(['a/0b[Pod]', 'a/a[Pod]', 'a/z[Pod]', 'b/x[Pod]']);
  });
});

describe('buildModel: validation', () => {
  const deployment = (spec: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: nsa}\nspec:\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n${spec}`;

  it.each([
    [
      'port out of range',
      '      containers: [{name: c, ports: [{containerPort: 70000}, {containerPort: 80}]}]\n',
      'error:invalid-port',
      [80],
    ],
    ['port zero', '      containers: [{name: c, ports: [{containerPort: 0}]}]\n', 'error:invalid-port', []],
    [
      'port as a string',
      '      containers: [{name: c, ports: [{containerPort: "80"}]}]\n',
      'error:invalid-port',
      [],
    ],
    [
      'missing containerPort',
      '      containers: [{name: c, ports: [{containerport: 80}]}]\n',
      'error:invalid-port',
      [],
    ],
    [
      'invalid protocol',
      '      containers: [{name: c, ports: [{containerPort: 80, protocol: tcp}]}]\n',
      'error:invalid-protocol',
      [],
    ],
  ])('%s: the port is dropped with an error, the workload kept', (_name, spec, code, ports) => {
    const { model, diagnostics } = build(deployment(spec));
    expect(codes(diagnostics)).toEqual([code]);
    expect(diagnostics[0]?.dropped).toContain('of container c of Deployment nsa/d');
    expect(model.workloads[0]?.ports.map((p) => p.containerPort)).toEqual(ports);
  });

  it.each([
    ['containers not a list', '      containers: {name: c}\n'],
    ['a container not an object', '      containers: [oops]\n'],
    ['ports not a list', '      containers: [{name: c, ports: 80}]\n'],
    ['spec not an object', '      42\n'],
  ])('%s: the workload is dropped with an error', (_name, spec) => {
    const { model, diagnostics } = build(deployment(spec));
    expect(model.workloads).toEqual([]);
    expect(diagnostics).toMatchObject([{ severity: 'error', dropped: 'Deployment nsa/d' }]);
  });

  it('a controller without a template is dropped, located at its spec', () => {
    const { model, diagnostics } = build(
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 1\n',
    );
    expect(model.workloads).toEqual([]);
    expect(diagnostics).toMatchObject([{ code: 'invalid-template', location: { line: 4 } }]);
  });
});
