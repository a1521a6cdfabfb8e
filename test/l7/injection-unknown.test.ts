import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { decideInjection } from '../../src/l7/injection.js';
import { deploy, modelFromYaml, workload } from './fixtures.js';
import { ap, mesh, pa } from './helpers.js';

/**
 * Rule C2 reads namespace labels first. `elsewhere` has no Namespace object in the input (another
 * target's, or made outside the repository): whether its pods have a sidecar is unknown, so a cell
 * whose answer turns on it is uncertain, with the reason; one that is the same either way is not.
 */
const OUTSIDER = deploy('outsider', 'elsewhere', { ports: [80] });
const OPTED_OUT = deploy('optout', 'elsewhere', {
  ports: [80],
  labels: { 'sidecar.istio.io/inject': 'false' },
});
const STRICT_APP = pa('strict', 'app', 'mtls: {mode: STRICT}');
const DENY_ALL_ELSEWHERE = ap('deny', 'elsewhere', 'action: DENY\nrules: [{}]');

const reasons = (c: {
  segments: readonly { outcomes: readonly { reasons: readonly { code: string }[] }[] }[];
}) => c.segments.flatMap((s) => s.outcomes.flatMap((o) => o.reasons.map((r) => r.code)));

describe('injection resting on a namespace not in the input (C2)', () => {
  it('a client whose sidecar is a guess, toward a STRICT server: uncertain, with the reason', () => {
    const cell = mesh(OUTSIDER + STRICT_APP).cell('outsider');
    expect(cell.effective.isEmpty()).toBe(true);
    expect(cell.uncertain).toBe(true);
    expect(reasons(cell)).toContain('injection-unknown');
  });

  it('the same client toward a PERMISSIVE server without policies: certain (same answer either way)', () => {
    const cell = mesh(OUTSIDER).cell('outsider');
    expect(cell.uncertain).toBe(false);
    expect(reasons(cell)).not.toContain('injection-unknown');
  });

  it('a server whose sidecar is a guess, with a DENY policy: uncertain', () => {
    const cell = mesh(OUTSIDER + DENY_ALL_ELSEWHERE).cell('client', 'outsider');
    expect(cell.uncertain).toBe(true);
  });

  it('a pod opting out (inject "false") is decided whatever the labels', () => {
    const cell = mesh(OPTED_OUT + DENY_ALL_ELSEWHERE).cell('client', 'optout');
    expect(cell.uncertain).toBe(false);
    expect(cell.segments[0]!.verdict).toBe('not-enforced');
  });

  it('only an implicit namespace is unknown: a Namespace object or a config entry decides', () => {
    const model = modelFromYaml(OUTSIDER);
    const w = workload(model, 'outsider');
    const ns = model.namespaces.get('elsewhere')!;
    expect(decideInjection(w, ns, DEFAULT_CONFIG).unknown).toContain(
      'namespace elsewhere has no Namespace object',
    );
    for (const origin of ['manifest', 'config'] as const)
      expect(decideInjection(w, { ...ns, origin }, DEFAULT_CONFIG).unknown).toBeUndefined();
    const all = { ...DEFAULT_CONFIG, mesh: { ...DEFAULT_CONFIG.mesh, injection: 'all' as const } };
    expect(decideInjection(w, ns, all).unknown).toBeUndefined();
  });
});
