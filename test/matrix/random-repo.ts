import fc from 'fast-check';
import { type AnalysedRevision, analyseRevision } from '../../src/analysis/analyze-revision.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';

/**
 * Random small repositories with NetworkPolicy and Istio: two namespaces (injected or not),
 * Deployments with labels, service accounts and named ports, Services, NetworkPolicies (pod,
 * namespace and ipBlock peers, named ports), AuthorizationPolicies (ALLOW/DENY, principals,
 * namespaces, paths, methods, ports) and PeerAuthentications.
 */
const app = fc.constantFrom('a', 'b', 'c');
const ns = fc.constantFrom('x', 'y');
const pod = fc.record({
  ns,
  app,
  tier: fc.constantFrom('front', 'back'),
  sa: fc.constantFrom('s1', 's2', 's3'),
  port: fc.constantFrom(80, 8080),
  metrics: fc.boolean(),
  exclude: fc.boolean(),
});
const netpol = fc.record({
  ns,
  target: fc.option(app, { nil: undefined }),
  types: fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress']),
  peerApp: fc.option(app, { nil: undefined }),
  peerNs: fc.option(ns, { nil: undefined }),
  ipBlock: fc.boolean(),
  port: fc.option(fc.constantFrom<number | string>(80, 8080, 'http', 'metrics'), { nil: undefined }),
});
const authz = fc.record({
  ns,
  target: fc.option(app, { nil: undefined }),
  action: fc.constantFrom('ALLOW', 'DENY'),
  principal: fc.option(fc.constantFrom('s1', 's2', 's*'), { nil: undefined }),
  // Patterns too: a source key must tell apart the namespaces a pattern matches, and only those.
  fromNs: fc.option(fc.oneof(ns, fc.constantFrom('x*', '*', '*y')), { nil: undefined }),
  path: fc.option(fc.constantFrom('/api/*', '/admin'), { nil: undefined }),
  method: fc.option(fc.constantFrom('GET', 'POST'), { nil: undefined }),
  port: fc.option(fc.constantFrom(80, 8080, 9102), { nil: undefined }),
});
const peerAuthn = fc.record({
  ns: fc.constantFrom('x', 'y', 'istio-system'),
  mode: fc.constantFrom('STRICT', 'PERMISSIVE', 'DISABLE'),
  target: fc.option(app, { nil: undefined }),
});
const coreArb = fc.record({
  injected: fc.record({ x: fc.boolean(), y: fc.boolean() }),
  teamX: fc.constantFrom('t1', 't2'),
  pods: fc.array(pod, { minLength: 1, maxLength: 6 }),
  netpols: fc.array(netpol, { maxLength: 4 }),
  authz: fc.array(authz, { maxLength: 3 }),
  peerAuthn: fc.array(peerAuthn, { maxLength: 2 }),
  services: fc.array(fc.record({ ns, app, name: fc.constantFrom('http', 'tcp', 'grpc-web') }), {
    maxLength: 3,
  }),
});

/** Which kind's first object also selects on `tier` (else no selector reads it). */
type TierReader = 'netpol' | 'service' | 'authz' | 'peerAuthn';

export type RandomRepo = (typeof coreArb extends fc.Arbitrary<infer T> ? T : never) & {
  /** A pod label `rev` on every pod template, which no selector reads. */
  readonly extraLabel?: string;
  readonly tierReader?: TierReader;
};

export const repoArb: fc.Arbitrary<RandomRepo> = fc
  .tuple(
    coreArb,
    fc.option(fc.constantFrom('r1', 'r2'), { nil: undefined }),
    fc.option(fc.constantFrom<TierReader>('netpol', 'service', 'authz', 'peerAuthn'), { nil: undefined }),
  )
  .map(([core, extraLabel, tierReader]) => ({ ...core, extraLabel, tierReader }));

/** Every pod's tier flipped. */
export const flipTier = (r: RandomRepo): RandomRepo => ({
  ...r,
  pods: r.pods.map((p) => ({ ...p, tier: p.tier === 'front' ? ('back' as const) : ('front' as const) })),
});

/**
 * Head = base with one cluster-wide change (what the benchmark's big PRs do): a label on every pod
 * template, every pod's tier flipped, every NetworkPolicy removed, STRICT mesh-wide, every service
 * account renamed.
 */
export const clusterWidePairArb = fc
  .tuple(repoArb, fc.constantFrom('pod-label', 'tier', 'remove-all-np', 'strict', 'sa-rename'))
  .map(([base, change]) => {
    const head: RandomRepo =
      change === 'pod-label'
        ? { ...base, extraLabel: base.extraLabel === 'r1' ? 'r2' : 'r1' }
        : change === 'tier'
          ? flipTier(base)
          : change === 'remove-all-np'
            ? { ...base, netpols: [] }
            : change === 'strict'
              ? {
                  ...base,
                  peerAuthn: [...base.peerAuthn, { ns: 'istio-system', mode: 'STRICT', target: undefined }],
                }
              : { ...base, pods: base.pods.map((p) => ({ ...p, sa: 's3' })) };
    return [base, head] as const;
  });

/** Head = base with each element replaced, with some probability, by the other repo's. */
export const editedPairArb = fc
  .tuple(repoArb, repoArb, fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 24, maxLength: 24 }))
  .map(([base, other, dice]) => {
    let k = 0;
    const mix = <T>(a: readonly T[], b: readonly T[]): T[] => {
      const n = Math.max(a.length, b.length);
      const out: T[] = [];
      for (let i = 0; i < n; i++) {
        const roll = dice[k++ % dice.length]!;
        const pick = roll < 2 ? b[i] : a[i];
        if (pick !== undefined) out.push(pick);
      }
      return out;
    };
    const head: RandomRepo = {
      extraLabel: dice[2]! === 9 ? other.extraLabel : base.extraLabel,
      tierReader: dice[3]! === 9 ? other.tierReader : base.tierReader,
      injected: dice[0]! === 9 ? other.injected : base.injected,
      teamX: dice[1]! === 9 ? other.teamX : base.teamX,
      pods: mix(base.pods, other.pods),
      netpols: mix(base.netpols, other.netpols),
      authz: mix(base.authz, other.authz),
      peerAuthn: mix(base.peerAuthn, other.peerAuthn),
      services: mix(base.services, other.services),
    };
    if (head.pods.length === 0) head.pods.push(base.pods[0]!);
    return [base, head] as const;
  });

// Namespace names are quoted: `y` unquoted is the boolean true in YAML 1.1, as Kubernetes reads it.
export function toYaml(r: RandomRepo): string {
  const docs: string[] = [];
  for (const n of ['x', 'y'] as const) {
    const labels = [
      `team: ${n === 'x' ? r.teamX : 't3'}`,
      ...(r.injected[n] ? ['istio-injection: enabled'] : []),
    ];
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: "${n}", labels: {${labels.join(', ')}}}`);
  }
  const extra = r.extraLabel ? `, rev: ${r.extraLabel}` : '';
  // The first object of the reading kind also selects on tier, so a tier change matters there.
  const tier = (kind: TierReader, i: number) => (r.tierReader === kind && i === 0 ? ', tier: front' : '');
  r.pods.forEach((p, i) => {
    const ports = [
      `{name: http, containerPort: ${p.port}}`,
      ...(p.metrics ? ['{name: metrics, containerPort: 9102}'] : []),
    ];
    const annotations = p.exclude
      ? `annotations: {traffic.sidecar.istio.io/excludeInboundPorts: "9102"}, `
      : '';
    docs.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d${i}, namespace: "${p.ns}"}\nspec:\n  selector: {matchLabels: {app: ${p.app}}}\n  template:\n    metadata: {${annotations}labels: {app: ${p.app}, tier: ${p.tier}${extra}}}\n    spec:\n      serviceAccountName: ${p.sa}\n      containers: [{name: c, ports: [${ports.join(', ')}]}]`,
    );
  });
  r.services.forEach((s, i) => {
    docs.push(
      `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}, namespace: "${s.ns}"}\nspec:\n  selector: {app: ${s.app}${tier('service', i)}}\n  ports: [{name: ${s.name}, port: 80, targetPort: http}]`,
    );
  });
  r.netpols.forEach((p, i) => {
    const peer = p.ipBlock
      ? 'ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}'
      : [
          p.peerApp ? `podSelector: {matchLabels: {app: ${p.peerApp}${tier('netpol', i)}}}` : '',
          p.peerNs ? `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: "${p.peerNs}"}}` : '',
        ]
          .filter(Boolean)
          .join(', ');
    const rule = (t: string) => {
      const peers = peer ? `${t === 'Ingress' ? 'from' : 'to'}: [{${peer}}]` : '';
      const ports = p.port !== undefined ? `ports: [{port: ${p.port}}]` : '';
      return `  - {${[peers, ports].filter(Boolean).join(', ')}}`;
    };
    const body = p.types.map((t) => `  ${t.toLowerCase()}:\n  ${rule(t)}`).join('\n');
    docs.push(
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np${i}, namespace: "${p.ns}"}\nspec:\n  podSelector: ${p.target ? `{matchLabels: {app: ${p.target}}}` : '{}'}\n  policyTypes: [${p.types.join(', ')}]\n${body}`,
    );
  });
  r.authz.forEach((a, i) => {
    const source = [
      a.principal ? `principals: ["cluster.local/ns/x/sa/${a.principal}"]` : '',
      a.fromNs ? `namespaces: ["${a.fromNs}"]` : '',
    ].filter(Boolean);
    const operation = [
      a.path ? `paths: ["${a.path}"]` : '',
      a.method ? `methods: ["${a.method}"]` : '',
      a.port ? `ports: ["${a.port}"]` : '',
    ].filter(Boolean);
    const rule = [
      source.length ? `from: [{source: {${source.join(', ')}}}]` : '',
      operation.length ? `to: [{operation: {${operation.join(', ')}}}]` : '',
    ].filter(Boolean);
    docs.push(
      `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ap${i}, namespace: "${a.ns}"}\nspec:\n${a.target ? `  selector: {matchLabels: {app: ${a.target}${tier('authz', i)}}}\n` : ''}  action: ${a.action}\n  rules: [{${rule.join(', ')}}]`,
    );
  });
  r.peerAuthn.forEach((p, i) => {
    docs.push(
      `apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata: {name: pa${i}, namespace: "${p.ns}"}\nspec:\n${p.target && p.ns !== 'istio-system' ? `  selector: {matchLabels: {app: ${p.target}${tier('peerAuthn', i)}}}\n` : ''}  mtls: {mode: ${p.mode}}`,
    );
  });
  return docs.join('\n---\n');
}

export function analyse(r: RandomRepo, label: string): AnalysedRevision {
  return analyseRevision(
    { label, files: [{ path: 'all.yaml', text: toYaml(r) }], diagnostics: [] },
    DEFAULT_CONFIG,
  );
}
