import { analyseRevision } from '../../src/analysis/analyze-revision.js';
import { diffRevisions } from '../../src/analysis/diff-revisions.js';
import { type Config, DEFAULT_CONFIG } from '../../src/config/types.js';
import type { Finding, Report } from '../../src/report/types.js';

/** A namespace with injection on, one off, and a few workloads: the common ground of the fixtures. */
export const NAMESPACES = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Namespace
metadata: { name: legacy }
`;

export function deployment(
  ns: string,
  name: string,
  opts: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    port?: number;
    sa?: string;
    extra?: string;
  } = {},
): string {
  const labels = { app: name, ...opts.labels };
  const annotations = opts.annotations ? `\n      annotations: ${JSON.stringify(opts.annotations)}` : '';
  return `
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  template:
    metadata:
      labels: ${JSON.stringify(labels)}${annotations}
    spec:
      serviceAccountName: ${opts.sa ?? name}
      containers:
        - name: app
          ports: [{ name: http, containerPort: ${opts.port ?? 8080} }]${opts.extra ?? ''}
`;
}

export function config(overrides: Partial<Config> = {}): Config {
  return { ...DEFAULT_CONFIG, ...overrides };
}

/** Both sides from inline YAML, diffed with findings. */
export function diff(baseYaml: string, headYaml: string, cfg: Config = config()): Report {
  const side = (label: string, text: string) =>
    analyseRevision({ label, files: [{ path: 'all.yaml', text }], diagnostics: [] }, cfg);
  return diffRevisions(side('base', baseYaml), side('head', headYaml), { layer: 'effective', config: cfg });
}

/** Head alone (base empty): every head finding is `new`. */
export function findings(yaml: string, cfg: Config = config()): Finding[] {
  return [...diff('', yaml, cfg).findings];
}

export function rules(list: readonly Finding[], rule: string): Finding[] {
  return list.filter((f) => f.rule === rule);
}

/** Egress allowed to istiod and DNS, so the control-plane rules stay quiet in unrelated fixtures. */
export const SIDECAR_EGRESS = (ns: string) => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-mesh, namespace: ${ns} }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: istio-system } }
          podSelector: { matchLabels: { app: istiod } }
      ports: [{ port: 15012 }]
    - to:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }
          podSelector: { matchLabels: { k8s-app: kube-dns } }
      ports: [{ port: 53, protocol: UDP }, { port: 53, protocol: TCP }]
`;
