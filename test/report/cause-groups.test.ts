import { describe, expect, it } from 'vitest';
import { groupByCause } from '../../src/report/cause-groups.js';
import { isNoiseChange } from '../../src/report/noise.js';
import { cause, change, loc } from '../action/report-fixture.js';

const wl = (ns: string, name: string) => ({
  id: `${ns}/${name}[Deployment]`,
  kind: 'workload' as const,
  namespace: ns,
});
const allowAll = cause({
  rule: 'NetworkPolicy shop/allow-all ingress[0]',
  direction: 'ingress',
  location: loc('np.yaml', 7),
});
const egress = cause({
  rule: 'NetworkPolicy web/out egress[0]',
  direction: 'egress',
  location: loc('out.yaml', 3),
});

describe('cause groups', () => {
  it('one rule that opens a destination to many sources is one group, riskiest pair first', () => {
    const changes = [
      change({ source: wl('a', 'x'), causes: [allowAll] }),
      change({ source: { id: '0.0.0.0-255.255.255.255[External]', kind: 'external' }, causes: [allowAll] }),
      change({ source: wl('b', 'y'), causes: [allowAll] }),
    ];
    const { groups, folded } = groupByCause({ changes });
    expect(folded).toEqual([]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.side).toBe('destination');
    expect(groups[0]!.cause).toBe(allowAll);
    expect(groups[0]!.changes.map((c) => c.change.source.id)).toEqual([
      '0.0.0.0-255.255.255.255[External]',
      'a/x[Deployment]',
      'b/y[Deployment]',
    ]);
    expect(groups[0]!.risk.factors).toContain('manyNamespaces');
  });

  it('a pair two rules explain goes to the higher-ranked group and names the other', () => {
    const outside = change({
      source: { id: '10.0.0.0-10.0.0.255[External]', kind: 'external' },
      causes: [allowAll],
    });
    const both = change({ source: wl('web', 'f'), causes: [egress, allowAll] });
    const onlyEgress = change({ source: wl('web', 'f'), destination: wl('data', 'db'), causes: [egress] });
    const { groups } = groupByCause({ changes: [both, onlyEgress, outside] });
    expect(groups.map((g) => [g.cause?.rule, g.changes.length])).toEqual([
      ['NetworkPolicy shop/allow-all ingress[0]', 2],
      ['NetworkPolicy web/out egress[0]', 1],
    ]);
    const paired = groups[0]!.changes.find((c) => c.change === both)!;
    expect(paired.alsoBy).toEqual([egress]);
    expect(groups[1]!.side).toBe('source');
  });

  it('closings group under the head denial first, then the base rule that allowed them', () => {
    const strict = cause({
      effect: 'denies',
      layer: 'l7',
      rule: 'PeerAuthentication shop/strict: STRICT',
      location: loc('m.yaml', 9),
    });
    const was = cause({
      revision: 'base',
      rule: 'NetworkPolicy shop/old ingress[0]',
      location: loc('o.yaml', 4, 'base'),
    });
    const closed = (c: (typeof strict)[]) =>
      change({ kind: 'closed', added: '', removed: 'TCP 8080', after: 'No Connections', causes: c });
    const { groups } = groupByCause({ changes: [closed([was, strict]), closed([was])] });
    expect(groups.map((g) => [g.class, g.cause?.rule, g.changes.length])).toEqual([
      ['closed', 'PeerAuthentication shop/strict: STRICT', 1],
      ['closed', 'NetworkPolicy shop/old ingress[0]', 1],
    ]);
  });

  it('the same rule opening and widening is two groups (the kind is part of the key)', () => {
    const widened = change({
      kind: 'changed',
      before: 'TCP 80',
      after: 'TCP 80,8080',
      added: 'TCP 8080',
      causes: [allowAll],
    });
    const { groups } = groupByCause({ changes: [change({ causes: [allowAll] }), widened] });
    expect(groups.map((g) => g.class)).toEqual(['opened', 'widened']);
  });

  it('changes without a cause still form a group; deterministic across runs', () => {
    const changes = [change({ causes: [] }), change({ source: wl('z', 'q'), causes: [] })];
    const a = groupByCause({ changes });
    expect(a.groups).toHaveLength(1);
    expect(a.groups[0]!.cause).toBeUndefined();
    expect(JSON.stringify(groupByCause({ changes }))).toBe(JSON.stringify(a));
  });
});

describe('noise folding', () => {
  it.each([
    ['UDP 53', true],
    ['SCTP 1-9002,UDP 53', true],
    ['TCP 15020-15021,TCP 15090', true],
    ['TCP 15020-15021,15090,UDP 53', true],
    ['TCP 15020-15022', false],
    ['TCP 8080,UDP 53', false],
    ['All Connections', false],
  ])('%s only: %s', (added, noise) => expect(isNoiseChange(change({ added }))).toBe(noise));

  it('noise is folded per class unless it is the whole class', () => {
    const udp = change({ source: wl('a', 'u'), added: 'UDP 53', after: 'UDP 53' });
    const real = change();
    const closedUdp = change({ kind: 'closed', added: '', removed: 'UDP 53', before: 'UDP 53' });
    const { groups, folded } = groupByCause({ changes: [udp, real, closedUdp] });
    expect(folded).toEqual([{ class: 'opened', changes: [udp] }]);
    expect(groups.flatMap((g) => g.changes.map((c) => c.change))).toEqual([real, closedUdp]);
  });
});
