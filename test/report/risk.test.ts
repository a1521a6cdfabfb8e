import { describe, expect, it } from 'vitest';
import { byRisk, changeClass, changeRisk, findingRisk, globMatch } from '../../src/report/risk.js';
import type { PathChange } from '../../src/report/types.js';
import { cause, change, finding, loc } from '../action/report-fixture.js';

const ext = (id: string) => ({ id: `${id}[External]`, kind: 'external' as const });
const wl = (ns: string, name: string) => ({
  id: `${ns}/${name}[Deployment]`,
  kind: 'workload' as const,
  namespace: ns,
});

describe('change risk', () => {
  const table: [string, PathChange, string[]][] = [
    ['an ordinary opening, cross-namespace', change(), ['crossNamespace']],
    ['same namespace', change({ source: wl('shop', 'a') }), []],
    [
      'from 0.0.0.0/0 on all ports',
      change({ source: ext('0.0.0.0-255.255.255.255'), after: 'All Connections', added: 'All Connections' }),
      ['outside', 'internet', 'allPorts'],
    ],
    ['from one ipBlock', change({ source: ext('10.0.0.0-10.0.0.255') }), ['outside']],
    ['to outside', change({ source: wl('shop', 'a'), destination: ext('1.2.3.4-1.2.3.4') }), ['toOutside']],
    [
      'L7 widened to all requests',
      change({
        kind: 'changed',
        source: wl('shop', 'a'),
        before: 'TCP 8080',
        added: '',
        l7Change: 'widened',
        l7Before: 'TCP 8080 (http): http {methods:GET}',
        l7After: 'TCP 8080 (http): all requests',
      }),
      ['allRequests'],
    ],
    [
      'mTLS lost: STRICT denied the pair in base',
      change({
        source: wl('legacy', 'a'),
        causes: [
          cause({
            revision: 'base',
            layer: 'l7',
            effect: 'denies',
            rule: 'PeerAuthentication shop/strict: STRICT mTLS rejects plaintext from a client without a sidecar (E5, E7)',
            location: loc('mtls.yaml', 9, 'base'),
          }),
        ],
      }),
      ['mtlsLost', 'crossNamespace'],
    ],
    [
      'a base denial for want of an identity (PERMISSIVE, D11) is no mTLS downgrade',
      change({
        source: wl('shop', 'a'),
        causes: [
          cause({
            revision: 'base',
            layer: 'l7',
            effect: 'denies',
            rule: 'PeerAuthentication shop/p: PERMISSIVE accepts plaintext with an empty identity, so principals/namespaces never match (D11)',
            location: loc('mtls.yaml', 9, 'base'),
          }),
        ],
      }),
      [],
    ],
    [
      'a closing from outside is no exposure',
      change({ kind: 'closed', source: ext('0.0.0.0-255.255.255.255'), added: '', removed: 'TCP 8080' }),
      [],
    ],
    ['uncertain', change({ source: wl('shop', 'a'), uncertain: true }), ['uncertain']],
    [
      'marked from outside by the diff (a Gateway route)',
      change({ source: wl('shop', 'a'), fromOutside: 'gateway' }),
      ['outside'],
    ],
  ];
  it.each(table)('%s', (_, c, factors) => expect(changeRisk(c).factors).toEqual(factors));

  it('sensitive namespaces and workloads rank higher', () => {
    const c = change({ destination: wl('payments', 'api') });
    expect(changeRisk(c).factors).not.toContain('sensitive');
    expect(changeRisk(c, { sensitiveNamespaces: ['payments'] }).factors).toContain('sensitive');
    expect(changeRisk(c, { sensitiveWorkloads: ['*/api'] }).factors).toContain('sensitive');
    expect(changeRisk(c, { sensitiveWorkloads: ['pay*/x'] }).factors).not.toContain('sensitive');
    expect(changeRisk(c, { sensitiveNamespaces: ['payments'] }).score).toBeGreaterThan(changeRisk(c).score);
  });

  it('openings outrank closings; outside outranks inside; ties keep report order', () => {
    const open = change({ destination: wl('a', 'x') });
    const closed = change({ kind: 'closed', destination: wl('a', 'y'), added: '', removed: 'TCP 8080' });
    const outside = change({ destination: wl('b', 'z'), source: ext('10.0.0.0-10.0.0.255') });
    const twin = change({ destination: wl('c', 'w') });
    expect(byRisk([closed, open, twin, outside], (c) => changeRisk(c))).toEqual([
      outside,
      open,
      twin,
      closed,
    ]);
  });

  it('classes: widened, narrowed, both ways', () => {
    expect(changeClass(change({ kind: 'changed', added: 'TCP 1', removed: '' }))).toBe('widened');
    expect(changeClass(change({ kind: 'changed', added: '', removed: 'TCP 1' }))).toBe('narrowed');
    expect(changeClass(change({ kind: 'changed', added: 'TCP 1', removed: 'TCP 2' }))).toBe('changed');
    expect(changeClass(change({ kind: 'changed', added: '', removed: '', l7Change: 'narrowed' }))).toBe(
      'narrowed',
    );
  });

  it('a new error finding ranks with openings from outside', () => {
    expect(findingRisk(finding()).factors).toEqual(['newError']);
    expect(findingRisk(finding({ status: 'existing' })).score).toBe(0);
    expect(findingRisk(finding()).score).toBeGreaterThan(changeRisk(change()).score);
  });

  it('globs match within a segment', () => {
    expect(globMatch('pay*/api', 'payments/api')).toBe(true);
    expect(globMatch('*', 'payments/api')).toBe(false);
    expect(globMatch('a.b/c', 'axb/c')).toBe(false);
  });
});
