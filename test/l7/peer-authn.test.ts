import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../../src/compile/compile-policies.js';
import { ruleLabel } from '../../src/core/refs.js';
import { config, deploy, tcp } from './fixtures.js';
import { ap, at, mesh, pa, type Run, segmentAt, show } from './helpers.js';

/** The compiled PeerAuthentications' duplicate groups (E3). */
const duplicates = (run: Run) => compilePolicies(run.model, config()).istio.peerAuthn.duplicates();

interface Row {
  id: string;
  yaml: string;
  src: string;
  port?: number;
  expect: string;
  reason?: string;
}

const SEL = 'selector: {matchLabels: {app: server}}';
const STRICT_MESH = pa('mesh', 'istio-system', 'mtls: {mode: STRICT}');
const rows: Row[] = [
  {
    id: 'E2 default PERMISSIVE accepts plaintext',
    yaml: '',
    src: 'legacy',
    expect: 'all',
    reason: 'plaintext-empty-identity',
  },
  {
    id: 'E1 mesh STRICT rejects a client without sidecar',
    yaml: STRICT_MESH,
    src: 'legacy',
    expect: 'none',
    reason: 'mtls-strict-plaintext',
  },
  { id: 'E1 mesh STRICT accepts mTLS', yaml: STRICT_MESH, src: 'client', expect: 'all' },
  {
    id: 'E1 root-namespace PA with selector is ignored',
    yaml: pa('x', 'istio-system', `${SEL}\nmtls: {mode: STRICT}`),
    src: 'legacy',
    expect: 'all',
  },
  {
    id: 'E2 namespace PERMISSIVE overrides mesh STRICT',
    yaml: STRICT_MESH + pa('ns', 'app', 'mtls: {mode: PERMISSIVE}'),
    src: 'legacy',
    expect: 'all',
  },
  {
    id: 'E2 namespace UNSET inherits mesh STRICT',
    yaml: STRICT_MESH + pa('ns', 'app', 'mtls: {mode: UNSET}'),
    src: 'legacy',
    expect: 'none',
  },
  {
    id: 'E2 workload STRICT over namespace PERMISSIVE',
    yaml: pa('ns', 'app', 'mtls: {mode: PERMISSIVE}') + pa('wl', 'app', `${SEL}\nmtls: {mode: STRICT}`),
    src: 'legacy',
    expect: 'none',
  },
  {
    id: 'E2 workload PA without mtls inherits',
    yaml: STRICT_MESH + pa('wl', 'app', SEL),
    src: 'legacy',
    expect: 'none',
  },
  {
    id: 'E4 portLevelMtls PERMISSIVE on a STRICT workload',
    yaml: pa('wl', 'app', `${SEL}\nmtls: {mode: STRICT}\nportLevelMtls: {80: {mode: PERMISSIVE}}`),
    src: 'legacy',
    expect: 'all',
  },
  {
    id: 'E4 portLevelMtls keys are container ports',
    yaml: pa('wl', 'app', `${SEL}\nmtls: {mode: STRICT}\nportLevelMtls: {80: {mode: PERMISSIVE}}`),
    src: 'legacy',
    port: 9000,
    expect: 'none',
  },
  {
    id: 'E4 portLevelMtls UNSET inherits the workload mode',
    yaml: pa('wl', 'app', `${SEL}\nmtls: {mode: STRICT}\nportLevelMtls: {80: {mode: UNSET}}`),
    src: 'legacy',
    expect: 'none',
  },
  {
    id: 'E5 workload DISABLE rejects auto-mTLS clients (E6)',
    yaml: pa('wl', 'app', `${SEL}\nmtls: {mode: DISABLE}`),
    src: 'client',
    expect: 'none',
    reason: 'mtls-disable-rejects-mtls',
  },
  {
    id: 'E5 DISABLE accepts plaintext',
    yaml: pa('wl', 'app', `${SEL}\nmtls: {mode: DISABLE}`),
    src: 'legacy',
    expect: 'all',
  },
  {
    id: 'E6 namespace DISABLE: client sends plaintext',
    yaml: pa('ns', 'app', 'mtls: {mode: DISABLE}'),
    src: 'client',
    expect: 'all',
    reason: 'plaintext-empty-identity',
  },
  {
    id: 'E6 namespace DISABLE + workload STRICT: plaintext client rejected',
    yaml: pa('ns', 'app', 'mtls: {mode: DISABLE}') + pa('wl', 'app', `${SEL}\nmtls: {mode: STRICT}`),
    src: 'client',
    expect: 'none',
  },
  {
    id: 'E7 external peer is plaintext, STRICT rejects',
    yaml: STRICT_MESH,
    src: '1.2.3.0/24',
    expect: 'none',
    reason: 'mtls-strict-plaintext',
  },
  {
    id: 'E7 PERMISSIVE plaintext cannot match principals (D11)',
    yaml: ap('x', 'app', 'rules: [{from: [{source: {principals: ["*"]}}]}]'),
    src: 'legacy',
    expect: 'none',
  },
  {
    id: 'E8 port 15020 bypasses STRICT',
    yaml: STRICT_MESH,
    src: 'legacy',
    port: 15020,
    expect: 'not-enforced',
  },
];

describe('PeerAuthentication (SEMANTICS E1–E9)', () => {
  it.each(rows)('$id', (row) => {
    const cell = mesh(row.yaml).cell(row.src, 'server', tcp(row.port ?? 80));
    const o = at(cell, row.port ?? 80);
    expect(show(o)).toBe(row.expect);
    if (row.reason) expect(o.reasons.map((r) => r.code)).toContain(row.reason);
  });

  it('E1 STRICT rejection names the PeerAuthentication and its location', () => {
    const o = at(mesh(STRICT_MESH).cell('legacy'), 80);
    expect(o.reasons[0]!.message).toContain('STRICT mTLS rejects plaintext');
    expect(o.reasons[0]!.message).toContain('has no sidecar');
    expect(ruleLabel(o.reasons[0]!.rule!)).toBe('PeerAuthentication istio-system/mesh');
    expect(o.rules.map(ruleLabel)).toEqual(['PeerAuthentication istio-system/mesh']);
  });

  it('E4 port-level rule is referenced as portLevelMtls[port]', () => {
    const yaml = pa('wl', 'app', `${SEL}\nmtls: {mode: PERMISSIVE}\nportLevelMtls: {80: {mode: STRICT}}`);
    const o = at(mesh(yaml).cell('legacy'), 80);
    expect(ruleLabel(o.reasons[0]!.rule!)).toBe('PeerAuthentication app/wl portLevelMtls[80]');
  });

  // The duplicate is decided once here and reported once, as a finding (test/findings/duplicate-peerauthn).
  it('E3 the oldest of several namespace-level policies wins, and the duplicate group names it', () => {
    const yaml =
      pa('b-new', 'app', 'mtls: {mode: PERMISSIVE}', '2024-02-01T00:00:00Z') +
      pa('a-old', 'app', 'mtls: {mode: STRICT}', '2024-01-01T00:00:00Z');
    const run = mesh(yaml);
    expect(show(at(run.cell('legacy'), 80))).toBe('none');
    const [group, ...more] = duplicates(run);
    expect(more).toEqual([]);
    expect(group).toMatchObject({ namespace: 'app', level: 'namespace', timed: true });
    expect(group!.winner.ref.name).toBe('a-old');
    expect(group!.policies.map((m) => m.ref.name)).toEqual(['b-new', 'a-old']);
  });

  it('E3 without creation times the choice is deterministic (first by name) and marked as assumed', () => {
    const yaml = pa('zz', 'app', 'mtls: {mode: PERMISSIVE}') + pa('aa', 'app', 'mtls: {mode: STRICT}');
    const run = mesh(yaml);
    expect(show(at(run.cell('legacy'), 80))).toBe('none');
    expect(duplicates(run).map((g) => [g.winner.ref.name, g.timed])).toEqual([['aa', false]]);
    expect(run.engine.diagnostics.map((d) => d.code)).not.toContain('istio-peerauthentication-ambiguous');
  });

  it('E1 root-namespace PA with selector is reported', () => {
    const run = mesh(pa('x', 'istio-system', `${SEL}\nmtls: {mode: STRICT}`));
    expect(run.engine.diagnostics.map((d) => d.code)).toContain('istio-peerauthentication-root-selector');
  });

  it('E4 portLevelMtls without selector is an error and makes cells uncertain', () => {
    const run = mesh(pa('ns', 'app', 'mtls: {mode: PERMISSIVE}\nportLevelMtls: {80: {mode: STRICT}}'));
    expect(
      run.engine.diagnostics.some(
        (d) => d.severity === 'error' && d.code === 'istio-invalid-peerauthentication',
      ),
    ).toBe(true);
    expect(run.cell('legacy').uncertain).toBe(true);
  });

  it('E7 a client excluding the port from capture speaks plaintext', () => {
    const yaml =
      STRICT_MESH +
      deploy('bypass', 'app', { annotations: { 'traffic.sidecar.istio.io/excludeOutboundPorts': '80' } });
    expect(show(at(mesh(yaml).cell('bypass'), 80))).toBe('none');
  });

  it('E9 a destination without sidecar ignores PeerAuthentication and AuthorizationPolicy', () => {
    const yaml = STRICT_MESH + ap('deny', 'plain', 'action: DENY\nrules: [{}]');
    const cell = mesh(yaml).cell('client', 'legacy', tcp(80));
    expect(segmentAt(cell, 80).verdict).toBe('not-enforced');
    expect(cell.effective.toString()).toBe('TCP 80');
  });
});
