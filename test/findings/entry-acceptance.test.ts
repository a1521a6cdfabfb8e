import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Acceptance } from '../../src/config/types.js';
import { acceptanceReason, IGNORE_ANNOTATION } from '../../src/findings/accept.js';
import type { RevisionContext } from '../../src/findings/context.js';
import { workloadResource } from '../../src/findings/context.js';
import { type EntryMember, entryFinding } from '../../src/findings/entry-findings.js';
import type { RawFinding, ResourceRef } from '../../src/findings/types.js';
import { resourceId } from '../../src/findings/types.js';
import type { Workload } from '../../src/model/types.js';

/*
 * An entry finding lists only its entry's resources: the law is that it is accepted exactly when
 * the same finding listing every kept member's workloads and resources too (what it listed before)
 * would be. It holds because a member one of those would accept is accepted on its own and left out.
 */

const RULE = 'network-allows-mesh-denies' as const;
const NAMES = ['a', 'b', 'c', 'd'];

function workload(name: string, ignored: boolean): Workload {
  const annotations = ignored ? { [IGNORE_ANNOTATION]: RULE } : {};
  return {
    id: `shop/${name}[Deployment]`,
    kind: 'Deployment',
    namespace: 'shop',
    name,
    podLabels: {},
    podAnnotations: annotations,
    object: { annotations: {} },
  } as unknown as Workload;
}

function policy(name: string, ignored: boolean): ResourceRef {
  return {
    kind: 'NetworkPolicy',
    namespace: 'shop',
    name,
    ...(ignored ? { annotations: { [IGNORE_ANNOTATION]: '*' } } : {}),
  };
}

const caseArb = fc.record({
  ignoredWorkloads: fc.uniqueArray(fc.constantFrom(...NAMES), { maxLength: 2 }),
  ignoredPolicies: fc.uniqueArray(fc.constantFrom('p', 'q'), { maxLength: 1 }),
  members: fc.array(
    fc.record({
      source: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
      destination: fc.constantFrom(...NAMES),
      policies: fc.uniqueArray(fc.constantFrom('p', 'q', 'r'), { maxLength: 2 }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  accept: fc.array(
    fc.oneof(
      fc.record({
        resource: fc.constantFrom(...NAMES.map((n) => `Deployment shop/${n}`), 'NetworkPolicy shop/q'),
      }),
      fc.record({
        source: fc.option(fc.constantFrom(...NAMES.map((n) => `shop/${n}[Deployment]`)), { nil: undefined }),
        destination: fc.option(fc.constantFrom(...NAMES.map((n) => `shop/${n}[Deployment]`)), {
          nil: undefined,
        }),
      }),
    ),
    { maxLength: 2 },
  ),
});

describe('entry findings: acceptance without the members listed', () => {
  it('accepts exactly when listing every kept member would', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const workloads = new Map(NAMES.map((n) => [n, workload(n, c.ignoredWorkloads.includes(n))]));
        const policies = new Map(
          ['p', 'q', 'r'].map((n) => [n, policy(n, (c.ignoredPolicies as string[]).includes(n))]),
        );
        const accept = c.accept.map((a, i) => ({ rule: RULE, reason: `reason ${i}`, ...a }) as Acceptance);
        const ctx = { config: { findings: { accept, severity: {} } } } as unknown as RevisionContext;
        const members: EntryMember[] = c.members.map((m) => ({
          ...(m.source !== undefined ? { source: workloads.get(m.source)! } : {}),
          destination: workloads.get(m.destination)!,
          detail: '',
          locations: [],
          resources: m.policies.map((p) => policies.get(p)!),
        }));
        const entry = { rule: RULE, subject: 'entry', locations: [], resources: [policies.get('r')!] };
        let kept: readonly EntryMember[] = [];
        const f = entryFinding(ctx, entry, members, (k) => {
          kept = k;
          return '';
        })!;
        const listed = new Map<string, ResourceRef>();
        for (const r of [
          ...entry.resources,
          ...kept.flatMap((m) => [...(m.source ? [m.source] : []), m.destination].map(workloadResource)),
          ...kept.flatMap((m) => m.resources),
        ])
          listed.set(resourceId(r), r);
        const full: RawFinding = { ...f, resources: [...listed.values()] };
        const decided = (x: RawFinding) => x.acceptedReason ?? acceptanceReason(x, accept);
        expect(decided(f)).toBe(decided(full));
      }),
      { numRuns: 2000 },
    );
  });
});
