import fc from 'fast-check';
import { type RandomRepo, repoArb } from './random-repo.js';

/**
 * Random repositories where AuthorizationPolicies tell sources apart by name, and pull requests
 * that change what they name. In repoArb that rarely matters: a source's identity is read only
 * over mTLS, which a sidecar sends only to a Service's port (by pod IP, ALLOW_ANY passes the call
 * as plaintext and PERMISSIVE gives it an empty identity), and random Services seldom select the
 * destination an AuthorizationPolicy names accounts for. Here both namespaces are in the mesh
 * (mostly), every app of every namespace has a Service on its http port, and every
 * AuthorizationPolicy names a principal (an account of x, or a pattern) or a namespace. So the grouped count's
 * named namespaces and named accounts (grouped-count.ts, AccessMatrix.sourceGrouping) are met
 * with sources of the same client key in and outside them, whose verdicts differ.
 */
const apps = ['a', 'b', 'c'] as const;
const namespaces = ['x', 'y'] as const;

type Authz = RandomRepo['authz'][number];

const namingAuthz: fc.Arbitrary<Authz> = fc
  .record({
    ns: fc.constantFrom(...namespaces),
    target: fc.option(fc.constantFrom(...apps), { nil: undefined, freq: 2 }),
    action: fc.constantFrom('ALLOW', 'DENY'),
    principal: fc.option(fc.constantFrom('s1', 's2', 's*'), { nil: undefined, freq: 4 }),
    fromNs: fc.option(fc.constantFrom('x', 'y', 'x*'), { nil: undefined, freq: 2 }),
    // An operation keeps some of a denied source's connections, which changes its kind of change.
    port: fc.option(fc.constantFrom(80, 8080), { nil: undefined }),
  })
  .map(({ principal, fromNs, ...rest }) => ({
    ...rest,
    // Something named: a principal, else a namespace.
    principal: principal ?? (fromNs === undefined ? ('s1' as const) : undefined),
    fromNs,
    path: undefined,
    method: undefined,
  }));

const everyService = namespaces.flatMap((ns) => apps.map((app) => ({ ns, app, name: 'http' as const })));

export const namedRepoArb: fc.Arbitrary<RandomRepo> = fc
  .tuple(
    repoArb,
    fc.constantFrom({ x: true, y: true }, { x: true, y: true }, { x: true, y: true }, { x: true, y: false }),
    fc.array(
      fc.record({
        // Mostly in x, where the principals name accounts: named and unnamed ones side by side.
        ns: fc.constantFrom('x', 'x', 'y'),
        app: fc.constantFrom(...apps),
        sa: fc.constantFrom('s1', 's2', 's3'),
      }),
      { minLength: 4, maxLength: 8 },
    ),
    fc.array(namingAuthz, { minLength: 1, maxLength: 2 }),
  )
  .map(([r, injected, pods, authz]) => ({
    ...r,
    injected,
    pods: pods.map((p) => ({
      ...p,
      tier: 'front' as const,
      port: 80 as const,
      metrics: false,
      exclude: false,
    })),
    // Few NetworkPolicies: a destination whose ingress lists its candidates closes the others.
    netpols: r.netpols.slice(0, 1),
    authz,
    peerAuthn: r.peerAuthn.filter((p) => p.mode !== 'DISABLE'),
    services: everyService,
  }));

/**
 * Head = base with what its AuthorizationPolicies name changed: a policy added, removed or
 * replaced, or the accounts of some pods reassigned, or every NetworkPolicy removed with a
 * policy added (a cluster-wide change and a named one in the same PR).
 */
export const namedPairArb = fc
  .tuple(
    namedRepoArb,
    namingAuthz,
    fc.constantFrom('add', 'add', 'remove', 'remove', 'replace', 'replace', 'reassign', 'remove-all-np'),
    fc.array(fc.constantFrom('s1', 's2', 's3'), { minLength: 8, maxLength: 8 }),
  )
  .map(([base, policy, change, accounts]) => {
    const head: RandomRepo =
      change === 'add'
        ? { ...base, authz: [...base.authz, policy] }
        : change === 'remove'
          ? { ...base, authz: base.authz.slice(1) }
          : change === 'replace'
            ? { ...base, authz: [policy, ...base.authz.slice(1)] }
            : change === 'reassign'
              ? { ...base, pods: base.pods.map((p, i) => ({ ...p, sa: accounts[i]! })) }
              : { ...base, netpols: [], authz: [...base.authz, policy] };
    return [base, head] as const;
  });
