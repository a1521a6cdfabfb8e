import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { L7Cell } from '../../src/l7/types.js';
import { externalPeer, type Peer } from '../../src/model/peers.js';
import { ConnSet } from '../../src/values/conn-set.js';
import { parseCidr } from '../../src/values/ip-range.js';
import { PortSet } from '../../src/values/port-set.js';
import { peer, workload } from './fixtures.js';
import { ap, mesh } from './helpers.js';

/** Random rules over the standard mesh (server: 80 http, 9000 tcp, 8080 auto). */
const ruleArb = fc.record(
  {
    from: fc.constantFrom(
      [{ source: { namespaces: ['app'] } }],
      [{ source: { notNamespaces: ['other'] } }],
      [
        { source: { principals: ['cluster.local/ns/app/sa/client'] } },
        { source: { ipBlocks: ['1.2.3.0/24'] } },
      ],
      [{ source: { requestPrincipals: ['*'] } }],
    ),
    to: fc.constantFrom(
      [{ operation: { methods: ['GET'] } }],
      [{ operation: { paths: ['/api/*'], notPaths: ['/api/admin'] } }],
      [{ operation: { ports: ['80', '9000'] } }],
      [{ operation: { notPorts: ['8080'], hosts: ['*.example.com'] } }],
    ),
    when: fc.constantFrom(
      [{ key: 'request.headers[x-a]', values: ['1'] }],
      [{ key: 'destination.port', notValues: ['9000'] }],
    ),
  },
  { requiredKeys: [] },
);
const policyArb = fc.array(ruleArb, { minLength: 1, maxLength: 2 });
const srcArb = fc.constantFrom('client', 'client2', 'legacy', '1.2.3.0/24');
const conns = ConnSet.from({
  TCP: PortSet.of([
    { from: 80, to: 80 },
    { from: 8080, to: 8080 },
    { from: 9000, to: 9001 },
  ]),
  UDP: PortSet.range(53),
});

const policy = (name: string, action: string, rules: unknown[]) =>
  ap(name, 'app', `action: ${action}\nrules: ${JSON.stringify(rules)}`);

/** Every (port, chain) outcome of `small` is a subset of the matching outcome of `big`. */
function narrower(small: L7Cell, big: L7Cell): boolean {
  return small.segments.every((s) =>
    s.ports.ranges.every((r) =>
      s.outcomes.every((o) => {
        const seg = big.segments.find((b) => b.protocol === s.protocol && b.ports.has(r.from))!;
        const other = seg.outcomes.find((b) => b.chain === o.chain)!;
        return o.requests.isSubsetOf(other.requests);
      }),
    ),
  );
}

describe('engine laws (fast-check)', () => {
  it('adding an ALLOW rule never closes a path when an ALLOW policy applies', () => {
    fc.assert(
      fc.property(policyArb, ruleArb, srcArb, (rules, extra, src) => {
        const before = mesh(policy('a', 'ALLOW', rules)).cell(src, 'server', conns);
        const after = mesh(policy('a', 'ALLOW', [...rules, extra])).cell(src, 'server', conns);
        expect(narrower(before, after)).toBe(true);
        expect(before.effective.subtract(after.effective).isEmpty()).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('adding a DENY rule never opens a path', () => {
    fc.assert(
      fc.property(policyArb, ruleArb, srcArb, (allow, deny, src) => {
        const base = policy('a', 'ALLOW', allow);
        const before = mesh(base).cell(src, 'server', conns);
        const after = mesh(base + policy('d', 'DENY', [deny])).cell(src, 'server', conns);
        expect(narrower(after, before)).toBe(true);
        expect(after.effective.subtract(before.effective).isEmpty()).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('letsSomeThrough answers what the full cell says, for every sub-range of connections', () => {
    const subsets = fc.subarray([80, 8080, 9000, 9001, 15021, 15090], { minLength: 1 });
    fc.assert(
      fc.property(
        policyArb,
        ruleArb,
        fc.boolean(),
        srcArb,
        fc.boolean(),
        subsets,
        (allow, deny, withDeny, src, udp, ports) => {
          // With a DENY policy authorize decides; without, the ALLOW rules are asked directly.
          const run = mesh(policy('a', 'ALLOW', allow) + (withDeny ? policy('d', 'DENY', [deny]) : ''));
          const some = ConnSet.of('TCP', PortSet.of(ports.map((p) => ({ from: p, to: p })))).union(
            udp ? ConnSet.of('UDP', PortSet.range(53)) : ConnSet.none,
          );
          const cell = run.cell(src, 'server', some);
          const p: Peer = /^[0-9.:]+\//.test(src) ? externalPeer(parseCidr(src)) : peer(run.model, src);
          expect(run.engine.letsSomeThrough(p, workload(run.model, 'server'), some)).toBe(
            cell.segments.some((seg) => seg.verdict !== 'none'),
          );
        },
      ),
      { numRuns: 120 },
    );
  });

  it('letsSomeThroughEverywhere holds exactly when no segment of the cell over all connections is none', () => {
    fc.assert(
      fc.property(policyArb, ruleArb, fc.boolean(), srcArb, (allow, deny, withDeny, src) => {
        const run = mesh(policy('a', 'ALLOW', allow) + (withDeny ? policy('d', 'DENY', [deny]) : ''));
        const cell = run.cell(src, 'server', ConnSet.all);
        const p: Peer = /^[0-9.:]+\//.test(src) ? externalPeer(parseCidr(src)) : peer(run.model, src);
        expect(run.engine.letsSomeThroughEverywhere(p, workload(run.model, 'server'))).toBe(
          cell.segments.every((seg) => seg.verdict !== 'none'),
        );
      }),
      { numRuns: 120 },
    );
  });

  it('effective is never wider than what L4 allows, and segments cover it exactly', () => {
    fc.assert(
      fc.property(policyArb, srcArb, (rules, src) => {
        const cell = mesh(policy('a', 'ALLOW', rules)).cell(src, 'server', conns);
        expect(cell.effective.subtract(conns).isEmpty()).toBe(true);
        const covered = cell.segments.reduce(
          (acc, s) => acc.union(ConnSet.of(s.protocol, s.ports)),
          ConnSet.none,
        );
        expect(covered.equals(conns)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
