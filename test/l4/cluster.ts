import { Cluster, namespace, workload } from './fixtures.js';

/** The cluster most semantic tables run against. */
export const NAMESPACES = [
  namespace('prod', { team: 'a', env: 'prod' }),
  namespace('dev', { team: 'b', env: 'dev' }),
  namespace('other'),
];

export const WORKLOADS = [
  workload({ id: 'prod/web', labels: { app: 'web', tier: 'front' }, ports: ['http:8080', 'metrics:9090'] }),
  workload({ id: 'prod/db', labels: { app: 'db', tier: 'back' }, ports: ['pg:5432', 'http:8081'] }),
  workload({ id: 'prod/api', labels: { app: 'api' }, ports: ['http:9000', 'dns:53/UDP'] }),
  workload({ id: 'dev/client', labels: { app: 'client' } }),
  workload({ id: 'dev/web', labels: { app: 'web' }, ports: ['http:7000'] }),
  workload({ id: 'other/x', labels: { app: 'web' } }),
  workload({ id: 'kube-system/agent', labels: { app: 'agent' }, ports: ['http:10250'], hostNetwork: true }),
];

export function cluster(policies: string, ipBlockMatchesPods = false): Cluster {
  return new Cluster({ namespaces: NAMESPACES, workloads: WORKLOADS, policies }, { ipBlockMatchesPods });
}

/** `[side, pod, peer, expected allowed]`: egress(pod → peer) or ingress(pod ← peer). */
export type Check = readonly ['egress' | 'ingress', string, string, string];

export interface Case {
  readonly title: string;
  readonly policies: string;
  readonly checks: readonly Check[];
  readonly ipBlockMatchesPods?: boolean;
}

export function runChecks(c: Case): string[] {
  const k = cluster(c.policies, c.ipBlockMatchesPods ?? false);
  return c.checks.map(([side, pod, peer]) => {
    const v = side === 'egress' ? k.egress(pod, peer) : k.ingress(pod, peer);
    return v.allowed.toString();
  });
}

export function expected(c: Case): string[] {
  return c.checks.map((check) => check[3]);
}

export const ALL = 'All Connections';
export const NONE = 'No Connections';
