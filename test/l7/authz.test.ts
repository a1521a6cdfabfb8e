import { describe, expect, it } from 'vitest';
import { ruleLabel } from '../../src/core/refs.js';
import { ConnSet } from '../../src/values/conn-set.js';
import { PortSet } from '../../src/values/port-set.js';
import { config, tcp } from './fixtures.js';
import { ap, at, mesh, segmentAt, show } from './helpers.js';

describe('AuthorizationPolicy details (SEMANTICS D1–D22)', () => {
  it('D3 and D7 problems are diagnostics with locations', () => {
    const run = mesh(
      ap('t', 'app', 'targetRef: {kind: Service, name: s}\nrules: [{}]') + ap('d', 'app', 'action: DENY'),
    );
    const codes = run.engine.diagnostics.map((d) => `${d.severity}:${d.code}:${d.location?.line}`);
    expect(codes.some((c) => c.startsWith('warning:istio-targetref-ignored:'))).toBe(true);
    expect(codes.some((c) => c.startsWith('error:istio-invalid-authz:'))).toBe(true);
  });

  it('D22 an invalid rule makes the cell uncertain and is reported with its location', () => {
    const run = mesh(ap('x', 'app', 'action: DENY\nrules:\n- to: [{operation: {ports: [http]}}]'));
    const cell = run.cell('client');
    expect(cell.uncertain).toBe(true);
    const diag = run.engine.diagnostics.find((d) => d.code === 'istio-invalid-authz');
    expect(diag?.location?.line).toBeGreaterThan(1);
    expect(at(cell, 80).reasons.map((r) => r.code)).toContain('invalid-rule-skipped');
  });

  it('rules behind a verdict carry rule ids and rule locations', () => {
    const run = mesh(
      ap('a', 'app', 'rules:\n- to: [{operation: {methods: [GET]}}]\n- to: [{operation: {methods: [PUT]}}]') +
        ap('d', 'app', 'action: DENY\nrules:\n- to: [{operation: {methods: [PUT]}}]'),
    );
    const o = at(run.cell('client'), 80);
    expect(o.requests.toString()).toBe('{methods:GET}');
    expect(o.rules.map(ruleLabel).sort()).toEqual([
      'AuthorizationPolicy app/a rules[0]',
      'AuthorizationPolicy app/d rules[0]',
    ]);
    const denyRule = o.rules.find((r) => r.policy.name === 'd')!;
    expect(denyRule.location.line).toBeGreaterThan(denyRule.policy.location.line);
  });

  it('D17 explains dropped ALLOW rules on TCP', () => {
    const o = at(
      mesh(ap('x', 'app', 'rules: [{to: [{operation: {paths: ["/x"]}}]}]')).cell(
        'client',
        'server',
        tcp(9000),
      ),
      9000,
      'tcp',
    );
    expect(o.reasons.map((r) => r.code)).toContain('http-rule-dropped-on-tcp');
  });

  it('D18 segments keep ports with equal answers together, and D19 UDP is never enforced', () => {
    const run = mesh(ap('x', 'app', 'action: DENY\nrules: [{to: [{operation: {ports: ["80"]}}]}]'));
    const conns = tcp(80, 81, 82, 9000).union(ConnSet.of('UDP', PortSet.range(53)));
    const cell = run.cell('client', 'server', conns);
    expect(segmentAt(cell, 80).verdict).toBe('none');
    expect(segmentAt(cell, 81).ports.toString()).toBe('81-82');
    expect(segmentAt(cell, 53, 'UDP').verdict).toBe('not-enforced');
    expect(cell.effective.toString()).toBe('TCP 81-82,9000,UDP 53');
  });

  it('D8 hosts compare case-insensitively at request time', () => {
    const o = at(
      mesh(ap('x', 'app', 'rules: [{to: [{operation: {hosts: ["*.Example.com"]}}]}]')).cell('client'),
      80,
    );
    expect(o.requests.cubes[0]!.hosts.has('api.example.com')).toBe(true);
  });

  it('D9 trust domain aliases: cluster.local principals match the local trust domain', () => {
    const yaml = ap('x', 'app', 'rules: [{from: [{source: {principals: [old.td/ns/app/sa/client]}}]}]');
    const cfg = config({ trustDomain: 'new.td', trustDomainAliases: ['old.td'] });
    expect(show(at(mesh(yaml, cfg).cell('client'), 80))).toBe('all');
    const local = ap(
      'x',
      'app',
      'rules: [{from: [{source: {principals: [cluster.local/ns/app/sa/client]}}]}]',
    );
    expect(show(at(mesh(local, cfg).cell('client'), 80))).toBe('all');
  });

  it('D13 a narrow block is a runtime condition for pods, whatever the NetworkPolicy CNI setting', () => {
    const yaml = ap('x', 'app', 'rules: [{from: [{source: {ipBlocks: [10.0.0.0/8]}}]}]');
    expect(show(at(mesh(yaml, config({}, false)).cell('client'), 80))).toBe(
      'conditional: {when:source.ip in [10.0.0.0/8]}',
    );
    expect(show(at(mesh(yaml, config({}, true)).cell('client'), 80))).toBe(
      'conditional: {when:source.ip in [10.0.0.0/8]}',
    );
    expect(mesh(yaml).engine.ipBoundaries.length).toBe(1);
  });

  it('D21 path templates are widened and marked approximate', () => {
    const cell = mesh(ap('x', 'app', 'rules: [{to: [{operation: {paths: ["/api/{*}/x"]}}]}]')).cell('client');
    expect(show(at(cell, 80))).toBe('some: {paths:/api/*}');
    expect(cell.approximate).toBe(true);
  });
});
