import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { revisionContext } from '../../src/findings/context.js';
import type { L7Cell } from '../../src/l7/types.js';
import type { AccessMatrix } from '../../src/matrix/matrix.js';
import { revision } from './helpers.js';

const YAML = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: app, ports: [{ containerPort: 8080 }] }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: broken, namespace: shop }
spec:
  podselector: {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow-web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  rules: [{ to: [{ operation: { ports: ["8080"] } }] }]
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: { name: strict, namespace: shop }
spec: { mtls: { mode: STRICT } }
`;

const noMatrix = {} as AccessMatrix<L7Cell>;

describe('one compiled policy model per revision', () => {
  it('the engines and the findings share the compiled policies (nothing compiled twice)', () => {
    const rev = revision(YAML);
    const ctx = revisionContext(rev, noMatrix, DEFAULT_CONFIG);
    expect(ctx.authz).toBe(rev.policies.istio.authorization);
    expect(ctx.authz.map((a) => a.object.name)).toEqual(['allow-web']);
    expect(rev.policies.istio.peerAuthentications.map((o) => o.name)).toEqual(['strict']);
    expect(rev.l4.diagnostics).toBe(rev.policies.networkPolicies.diagnostics);
    expect(rev.l7.diagnostics).toBe(rev.policies.istio.diagnostics);
    expect(rev.l7.rootNamespace).toBe(rev.policies.istio.rootNamespace);
  });

  it('each problem of a policy is said once, by the compile stage', () => {
    const rev = revision(YAML);
    const invalid = rev.diagnostics.filter((d) => d.code === 'invalid-networkpolicy');
    expect(invalid).toHaveLength(1);
    expect(rev.policies.diagnostics).toContain(invalid[0]);
  });

  it('the NetworkPolicy index keeps the object each policy came from', () => {
    const rev = revision(YAML);
    const [policy] = rev.policies.networkPolicies.invalid.get('shop') ?? [];
    expect(rev.policies.networkPolicies.objects.get(policy!.ref)?.name).toBe('broken');
  });
});

/** Every `.ts` file under a folder of src. */
function sources(dir: string): { file: string; text: string }[] {
  const root = join(__dirname, '../../src', dir);
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: `${dir}/${f}`, text: readFileSync(join(root, f), 'utf8') }));
}

describe('findings read the compiled policies, never the YAML', () => {
  it.each(['objectsByKind', 'body.spec', 'compileAuthorizationPolicy', 'buildPolicyIndex', 'new PeerAuthn'])(
    'no finding uses %s',
    (needle) => {
      expect(
        sources('findings')
          .filter((s) => s.text.includes(needle))
          .map((s) => s.file),
      ).toEqual([]);
    },
  );

  it('only the compile-stage readers read objects from the model', () => {
    const readers = sources('.')
      .filter((s) => s.text.includes('objectsByKind') && !s.file.startsWith('./model/'))
      .map((s) => s.file.replace('./', ''))
      .sort();
    // Served versions and unmodelled kinds; NetworkPolicy; AuthorizationPolicy and PeerAuthentication; the Istio install; VirtualService and DestinationRule.
    expect(readers).toEqual([
      // Sidecar, RequestAuthentication, DestinationRule digests.
      'compile/client-side.ts',
      // Kubernetes Ingresses and IngressClasses as gateway routes.
      'compile/gateway-ingresses.ts',
      // Istio Gateways (and the assumed gateway pods' Gateway object).
      'compile/gateways.ts',
      'compile/kinds.ts',
      'compile/mesh-sources.ts',
      // ServiceEntries: their hosts as destinations.
      'compile/service-entries.ts',
      'compile/traffic.ts',
      'l4/policy-index.ts',
      'l7/istio-policies.ts',
      // Counts the objects of a revision (an empty revision is a config error); decodes none.
      'run-checks.ts',
      // Whether a side holds any object across its targets (the same check, per side); decodes none.
      'run-targets.ts',
    ]);
  });
});
