import { describe, expect, it } from 'vitest';
import { diffYaml } from '../helpers/diff-yaml.js';

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
`;
const DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
`;
const FROM_ANYWHERE = `${DENY}  ingress:
  - from: [{ipBlock: {cidr: 0.0.0.0/0}}]
    ports: [{port: 8080}]
`;
const service = (type: string) => `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: ${type}
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

describe('exposure: paths from outside the cluster are marked', () => {
  const cases: [string, string, string | undefined][] = [
    ['an address range the policy admits, no exposing Service', service('ClusterIP'), 'address'],
    ['a LoadBalancer Service exposes the workload', service('LoadBalancer'), 'service'],
    ['a NodePort Service exposes the workload', service('NodePort'), 'service'],
  ];
  it.each(cases)('%s', (_, svc, exposure) => {
    const report = diffYaml(
      { 'web.yaml': WEB, 'svc.yaml': svc, 'np.yaml': DENY },
      { 'web.yaml': WEB, 'svc.yaml': svc, 'np.yaml': FROM_ANYWHERE },
    );
    const opened = report.changes.filter((c) => c.kind === 'opened');
    expect(opened.map((c) => [c.source.id, c.destination.id, c.fromOutside])).toEqual([
      ['0.0.0.0-255.255.255.255[External]', 'shop/web[Deployment]', exposure],
    ]);
  });

  it('a path inside the cluster has no exposure', () => {
    const client = WEB.replaceAll('web', 'client');
    const toClient = `${DENY.replaceAll('web', 'client')}  ingress: [{from: [{podSelector: {}}]}]\n`;
    const report = diffYaml(
      { 'web.yaml': WEB, 'c.yaml': client, 'np.yaml': DENY.replaceAll('web', 'client') },
      { 'web.yaml': WEB, 'c.yaml': client, 'np.yaml': toClient },
    );
    const opened = report.changes.filter((c) => c.kind === 'opened');
    expect(opened.map((c) => [c.source.id, c.fromOutside])).toEqual([['shop/web[Deployment]', undefined]]);
  });
});
