import { describe, expect, it } from 'vitest';
import type { DEFAULT_CONFIG } from '../../src/config/types.js';
import { config } from './fixtures.js';
import { ap, at, mesh, show } from './helpers.js';

/**
 * D13 against pod sources (issue 16 item 5): Envoy matches the client pod's real address, which the
 * manifests do not hold, so an ipBlock narrower than /0 is a runtime condition, unless config
 * `cluster.podCIDRs` says where pod addresses are. External sources are always exact.
 */
const withPods = (...podCIDRs: string[]) => ({ ...config(), cluster: { podCIDRs } });
const from = (field: string, blocks: string) =>
  ap(
    'x',
    'app',
    `selector: {matchLabels: {app: server}}\nrules: [{from: [{source: {${field}: [${blocks}]}}]}]`,
  );
const deny = (field: string, blocks: string) =>
  ap('x', 'app', `action: DENY\nrules: [{from: [{source: {${field}: [${blocks}]}}]}]`);
const when = (key: string, op: string, blocks: string) =>
  ap(
    'x',
    'app',
    `selector: {matchLabels: {app: server}}\nrules: [{when: [{key: ${key}, ${op}: [${blocks}]}]}]`,
  );

const rows: { id: string; yaml: string; cfg?: typeof DEFAULT_CONFIG; src?: string; expect: string }[] = [
  {
    id: 'D13 ipBlocks vs a pod, no pod CIDRs: depends on the pod IP',
    yaml: from('ipBlocks', '10.244.0.0/16'),
    expect: 'conditional: {when:source.ip in [10.244.0.0/16]}',
  },
  {
    id: 'D13 ipBlocks covering the pod CIDRs: every pod matches',
    yaml: from('ipBlocks', '10.0.0.0/8'),
    cfg: withPods('10.244.0.0/16'),
    expect: 'all',
  },
  {
    id: 'D13 ipBlocks covering every pod CIDR between them: every pod matches',
    yaml: from('ipBlocks', '10.244.0.0/17, 10.244.128.0/17'),
    cfg: withPods('10.244.0.0/16'),
    expect: 'all',
  },
  {
    id: 'D13 ipBlocks disjoint from the pod CIDRs: no pod matches',
    yaml: from('ipBlocks', '192.168.0.0/16'),
    cfg: withPods('10.244.0.0/16'),
    expect: 'none',
  },
  {
    id: 'D13 ipBlocks inside the pod CIDRs: depends on which pod IP',
    yaml: from('ipBlocks', '10.244.1.0/24'),
    cfg: withPods('10.244.0.0/16'),
    expect: 'conditional: {when:source.ip in [10.244.1.0/24]}',
  },
  {
    id: 'D13 ipBlocks covering one of two pod CIDRs: depends on the pod IP',
    yaml: from('ipBlocks', '10.244.0.0/16'),
    cfg: withPods('10.244.0.0/16', '10.245.0.0/16'),
    expect: 'conditional: {when:source.ip in [10.244.0.0/16]}',
  },
  {
    id: 'D13 notIpBlocks covering the pod CIDRs: no pod matches',
    yaml: from('notIpBlocks', '10.244.0.0/16'),
    cfg: withPods('10.244.0.0/16'),
    expect: 'none',
  },
  {
    id: 'D13 notIpBlocks disjoint from the pod CIDRs: every pod matches',
    yaml: from('notIpBlocks', '192.168.0.0/16'),
    cfg: withPods('10.244.0.0/16'),
    expect: 'all',
  },
  {
    id: 'D13 a DENY on ipBlocks covering the pod CIDRs denies every pod',
    yaml: deny('ipBlocks', '10.244.0.0/16'),
    cfg: withPods('10.244.0.0/16'),
    expect: 'none',
  },
  {
    id: 'D13 a DENY on ipBlocks outside the pod CIDRs never fires for pods',
    yaml: deny('ipBlocks', '203.0.113.0/24'),
    cfg: withPods('10.244.0.0/16'),
    expect: 'all',
  },
  {
    id: 'D13 when source.ip covering the pod CIDRs',
    yaml: when('source.ip', 'values', '10.244.0.0/16'),
    cfg: withPods('10.244.0.0/16'),
    expect: 'all',
  },
  {
    id: 'D13 when source.ip notValues covering the pod CIDRs',
    yaml: when('source.ip', 'notValues', '10.244.0.0/16'),
    cfg: withPods('10.244.0.0/16'),
    expect: 'none',
  },
  {
    id: 'D13 an external source is exact, pod CIDRs or not',
    yaml: from('ipBlocks', '10.0.0.0/8'),
    cfg: withPods('10.0.0.0/8'),
    src: '203.0.113.0/24',
    expect: 'none',
  },
];

describe('AuthorizationPolicy IP fields against pod sources (D13)', () => {
  it.each(rows)('$id', (row) => {
    expect(show(at(mesh(row.yaml, row.cfg ?? config()).cell(row.src ?? 'client'), 80))).toBe(row.expect);
  });
});
