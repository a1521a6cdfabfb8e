/** Fixture repositories for Applications (test/gitops/applications.test.ts): Flux and Argo CD layouts. */

export const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: main
          image: example/${name}:1
          ports:
            - containerPort: 8080
`;

/** A NetworkPolicy without a namespace: the Application decides where it lands. */
export const allowTo = (name: string, to: string, from: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
spec:
  podSelector:
    matchLabels:
      app: ${to}
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: ${from}
      ports:
        - port: 8080
`;

const URL = 'ssh://git@github.com/example/fleet';

const fluxSync = (cluster: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  url: ${URL}
  ref:
    branch: main
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/${cluster}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

const fluxApps = (cluster: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  dependsOn:
    - name: infrastructure
  path: ./apps/${cluster}
  targetNamespace: shop
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

const helmRelease = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 5m
  targetNamespace: web
  chart:
    spec:
      chart: ./charts/podinfo
      sourceRef:
        kind: GitRepository
        name: flux-system
  values:
    port: 9898
`;

const chartDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
    spec:
      containers:
        - name: podinfo
          image: example/podinfo:1
          ports:
            - containerPort: {{ .Values.port }}
`;

/** fluxcd/flux2-kustomize-helm-example's shape: clusters/{production,staging}, apps over a base, an in-repo chart. */
export const FLUX = {
  'clusters/production/flux-system/gotk-sync.yaml': fluxSync('production'),
  'clusters/production/flux-system/kustomization.yaml': 'resources:\n  - gotk-sync.yaml\n',
  'clusters/production/apps.yaml': fluxApps('production'),
  'clusters/production/podinfo.yaml': helmRelease,
  'clusters/staging/flux-system/gotk-sync.yaml': fluxSync('staging'),
  'clusters/staging/flux-system/kustomization.yaml': 'resources:\n  - gotk-sync.yaml\n',
  'clusters/staging/apps.yaml': fluxApps('staging'),
  'apps/base/kustomization.yaml': 'resources:\n  - apps.yaml\n  - netpol.yaml\n',
  'apps/base/apps.yaml': ['web', 'client', 'batch'].map(deployment).join('---\n'),
  'apps/base/netpol.yaml': allowTo('web-from-client', 'web', 'client'),
  'apps/production/kustomization.yaml': 'resources:\n  - ../base\n',
  'apps/staging/kustomization.yaml': 'resources:\n  - ../base\n',
  'charts/podinfo/Chart.yaml': 'apiVersion: v2\nname: podinfo\nversion: 1.0.0\n',
  'charts/podinfo/values.yaml': 'port: 8080\n',
  'charts/podinfo/templates/deployment.yaml': chartDeployment,
};

/** The head: production lets batch call web. */
export const FLUX_HEAD = {
  'apps/production/kustomization.yaml': 'resources:\n  - ../base\n  - batch-to-web.yaml\n',
  'apps/production/batch-to-web.yaml': allowTo('web-from-batch', 'web', 'batch'),
};

const argoApp = (name: string, path: string, extra = '') => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/example/fleet.git
    targetRevision: HEAD
    path: ${path}
${extra}  destination:
    server: https://kubernetes.default.svc
    namespace: ${name}
`;

/** An Argo CD app of apps: argocd/root.yaml applies argocd/apps/, whose Applications apply the apps. */
export const ARGO = {
  'argocd/root.yaml': argoApp('root', 'argocd/apps'),
  'argocd/apps/shop.yaml': argoApp(
    'shop',
    'shop',
    '    kustomize:\n      namePrefix: prod-\n      commonLabels:\n        team: shop\n',
  ),
  'argocd/apps/plain.yaml': argoApp('plain', 'plain'),
  'argocd/apps/remote.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ingress
  namespace: argocd
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.10.0
  destination:
    namespace: ingress
`,
  'shop/kustomization.yaml': 'resources:\n  - apps.yaml\n  - netpol.yaml\n',
  'shop/apps.yaml': ['web', 'client', 'batch'].map(deployment).join('---\n'),
  'shop/netpol.yaml': allowTo('web-from-client', 'web', 'client'),
  'plain/db.yaml': `${deployment('db')}---\n${allowTo('db-from-api', 'db', 'api')}`,
};

export const ARGO_HEAD = {
  'shop/kustomization.yaml': 'resources:\n  - apps.yaml\n  - netpol.yaml\n  - batch.yaml\n',
  'shop/batch.yaml': allowTo('web-from-batch', 'web', 'batch'),
};

/** argoproj/argocd-example-apps' apps/: a Helm chart whose templates are one Application per entry of its values. */
const appsTemplate = `{{- range .Values.applications }}
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ .name }}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: {{ $.Values.repoURL }}
    targetRevision: HEAD
    path: {{ .path | default .name }}
    {{- with .tool }}
    {{- . | toYaml | nindent 4 }}
    {{- end }}
  destination:
    server: https://kubernetes.default.svc
    namespace: {{ .namespace | default .name }}
---
{{ end -}}
`;

const appsValues = `repoURL: https://github.com/example/fleet.git
applications:
  - name: shop
    tool:
      kustomize:
        namePrefix: prod-
  - name: plain
  # The chart's own Application (it manages itself): followed once, not again.
  - name: apps
    path: apps
    namespace: argocd
    tool:
      helm:
        releaseName: apps
`;

/** An app of apps through Helm: argocd/root.yaml applies the apps/ chart, whose output is Applications. */
export const ARGO_HELM = {
  'argocd/root.yaml': argoApp('apps', 'apps', '    helm:\n      releaseName: apps\n').replace(
    'namespace: apps\n',
    'namespace: argocd\n',
  ),
  'apps/Chart.yaml': 'apiVersion: v2\nname: apps\nversion: 1.0.0\n',
  'apps/values.yaml': appsValues,
  'apps/templates/applications.yaml': appsTemplate,
  'shop/kustomization.yaml': ARGO['shop/kustomization.yaml'],
  'shop/apps.yaml': ARGO['shop/apps.yaml'],
  'shop/netpol.yaml': ARGO['shop/netpol.yaml'],
  'plain/db.yaml': ARGO['plain/db.yaml'],
};

/** argocd-example-apps' plugins/kustomized-helm: a config management plugin writes all.yaml, then kustomize reads it. */
export const ARGO_PLUGIN = {
  ...ARGO_HELM,
  'apps/values.yaml': `${appsValues}  - name: kustomized-helm
    path: plugins/kustomized-helm
    tool:
      plugin:
        name: kustomized-helm
`,
  'plugins/kustomized-helm/Chart.yaml': 'apiVersion: v2\nname: kustomized-helm\nversion: 1.0.0\n',
  'plugins/kustomized-helm/kustomization.yaml': 'namePrefix: kustomize-\nresources:\n  - ./all.yaml\n',
};

/** argocd-example-apps' jsonnet-guestbook: a directory source Argo CD evaluates as Jsonnet. */
export const ARGO_JSONNET = {
  ...ARGO,
  'argocd/apps/guestbook.yaml': argoApp('guestbook', 'jsonnet-guestbook'),
  'jsonnet-guestbook/guestbook-ui.jsonnet': "local params = import 'params.libsonnet';\n[]\n",
  'jsonnet-guestbook/params.libsonnet': '{ replicas: 1 }\n',
  // Options for a directory whose Jsonnet comes from elsewhere (libs): evaluated all the same.
  'argocd/apps/tla.yaml': argoApp(
    'tla',
    'tla',
    '    directory:\n      jsonnet:\n        tlas:\n          - name: env\n            value: prod\n',
  ),
  'tla/db.yaml': deployment('tla-db'),
};
