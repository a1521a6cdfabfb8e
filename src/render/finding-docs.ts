/**
 * What each finding rule means and its usual fix, as docs/findings.md's rules table says (Markdown):
 * the SARIF rules' full description and help. test/render/sarif.test.ts keeps the two in step.
 */
export const FINDING_RULE_DOCS: Readonly<Record<string, { readonly meaning: string; readonly fix: string }>> =
  {
    'mesh-allows-network-blocks': {
      meaning:
        'An AuthorizationPolicy ALLOW rule names a source (principal or namespace) for a destination, Istio would let it through, but NetworkPolicy blocks every port of the rule. The network wins: the mesh rule is dead. One finding per entry of the rule (a `principals` or `namespaces` value), with the pairs (principal) or destinations (namespace) it is dead for counted and the first few named: a mesh-wide rule dead everywhere is one finding, not one per pair. A namespace value (`team-*`) is dead for a destination only when none of its workloads with a sidecar gets through (a wildcard that lets some teams in is not dead). Only sources a rule names explicitly are checked. A pair accepted on its own (`source`/`destination`, a resource, an annotation) is left out of the count; when all are, the finding is accepted.',
      fix: 'Add the matching NetworkPolicy egress/ingress rule, or drop the source from the AuthorizationPolicy.',
    },
    'network-allows-mesh-denies': {
      meaning:
        "A rule of the destination's ingress NetworkPolicy explicitly admits S, but the destination's AuthorizationPolicies deny every request from S (allow-nothing, no ALLOW rule matches, a DENY): the two policies of D disagree on who may come in. Sources with a sidecar only. One finding per set of NetworkPolicy rules that open the pairs, the pairs counted and the first few named; a pair accepted on its own is left out of the count.",
      fix: 'Narrow the NetworkPolicy rule, or allow the source in Istio if it should get through.',
    },
    'route-to-blocked-destination': {
      meaning:
        "A VirtualService sends part of a host's traffic (weight > 0) to pods (e.g. a canary subset) that NetworkPolicy or Istio blocks for a client that can reach the route's other destinations. The client sidecar connects to the final pods ([rule F2](rules.md#f2)), so those requests fail.",
      fix: 'Make policies select every version by the labels they share (`app`), not `version`.',
    },
    'route-to-undefined-subset': {
      meaning:
        'A route names a subset that no DestinationRule defines, or whose labels match no pod of the Service: 503 ([rule F6](rules.md#f6)).',
      fix: 'Define the subset, fix its name or labels.',
    },
    'gateway-route-blocked': {
      meaning:
        "A route of a VirtualService bound to an Istio Gateway sends requests from outside to a backend, but the gateway pods' egress NetworkPolicy, the backend's ingress NetworkPolicy, its PeerAuthentication or its AuthorizationPolicy (with the gateway's identity) blocks every port the routes use: the route is dead, clients get 503 or 403.",
      fix: "Admit the gateway's pods (namespace and labels, or its service account's principal) at the backend, or remove the route.",
    },
    'gateway-host-unrouted': {
      meaning:
        'A server of an Istio Gateway accepts a host (within its namespace restriction `ns/host`) that no VirtualService bound to the Gateway serves: requests for it reach no backend (404 on HTTP, the connection reset on TLS/TCP). Servers that need no route (an HTTP server with `httpsRedirect`, `AUTO_PASSTHROUGH`) and Ingress-made listeners are not checked. Info: the routes of a shared Gateway may live in another repository.',
      fix: 'Bind a VirtualService for the host to the Gateway (`gateways: [ns/name]`), or drop the host from the server.',
    },
    'serviceentry-egress-blocked': {
      meaning:
        'A ServiceEntry host port is routed by the sidecars of some workloads (exported to their namespace, imported by their Sidecar: [rules F9](rules.md#f9), [F12](rules.md#f12)), but NetworkPolicy egress blocks its addresses for every one of them, so the entry serves no one. Workloads sent through an egress gateway are not counted (their direct egress is meant to be closed), nor are uncertain answers (a host without `addresses` against egress open to some addresses only).',
      fix: "Allow egress to the host's addresses (an `ipBlock` on its port) for the workloads that call it, route it through an egress gateway, or remove the entry.",
    },
    'egress-bypasses-gateway': {
      meaning:
        "A VirtualService applying to sidecars sends a ServiceEntry host through an egress gateway, but NetworkPolicy egress lets workloads (other than the gateway's pods) reach the host's addresses directly: a workload without a sidecar, or one that dials the address, bypasses the gateway. Only NetworkPolicy enforces an egress gateway ([rule F11](rules.md#f11)).",
      fix: "Close direct egress to the host's addresses (allow egress only to the gateway's pods and DNS) for the workloads the gateway is meant to govern.",
    },
    'destinationrule-tls-mismatch': {
      meaning:
        "A DestinationRule sets a `tls.mode` (top level or per port) that the destination's sidecar rejects on a port the rule covers, whatever the client: `DISABLE` (plaintext) or `SIMPLE`/`MUTUAL` (no Istio client certificate) toward STRICT, `ISTIO_MUTUAL` toward DISABLE ([rule E5](rules.md#e5)), or `ISTIO_MUTUAL` toward pods without a sidecar ([rule F7](rules.md#f7)). A DestinationRule wins over auto-mTLS ([rule E6](rules.md#e6)), so every sidecar client it applies to is refused there. A subset's `tls` and `portLevelSettings` count on the pods its labels select where a mesh VirtualService routes to the subset (on a port: the subset's port level, then its top level, then the rule's).",
      fix: "Drop the `tls` block (auto-mTLS picks the right mode), or align it with the server's PeerAuthentication.",
    },
    'sidecar-scope-blocks-egress': {
      meaning:
        "An isolating NetworkPolicy egress rule lets a workload with a sidecar reach another workload, but the client's Sidecar `egress.hosts` does not import the destination ([rule F9](rules.md#f9)), and what the outbound policy does with such a call ([rule F10](rules.md#f10): REGISTRY_ONLY's blackhole, or ALLOW_ANY's plaintext passthrough toward a STRICT server) lets nothing through on the ports the rule allows: the egress rule is dead.",
      fix: 'Import the destination in the Sidecar (`ns/host` or `ns/*`), or remove the egress rule.',
    },
    'registry-only-external-blocked': {
      meaning:
        "A NetworkPolicy egress rule lets a workload with a sidecar reach addresses outside the cluster, but the workload's outbound traffic policy is `REGISTRY_ONLY` (its Sidecar's, else the mesh's) and no ServiceEntry exported to its namespace registers those addresses: the sidecar sends such calls to the blackhole ([rule F10](rules.md#f10)), so the rule is dead. Not reported while some ServiceEntry exported there has no `addresses` (it claims every address on its ports, [rule F12](rules.md#f12)) or the workload excludes outbound IP ranges from the sidecar.",
      fix: 'Add a ServiceEntry for the external host (with its addresses), or remove the egress rule.',
    },
    'admin-pass-to-no-networkpolicy': {
      meaning:
        'An AdminNetworkPolicy `Pass` rule decides pairs (first match, [rule B2](rules.md#b2)) on pods that no NetworkPolicy selects in that direction, so NetworkPolicy never picks them up: the BaselineAdminNetworkPolicy `default` and then the default allow decide them ([rule B3](rules.md#b3)). A Pass that delegates to nobody is usually a mistake. One finding per ANP rule, with the pairs counted and the first pods named.',
      fix: 'Add the NetworkPolicy the Pass delegates to, or make the rule `Allow` or `Deny`.',
    },
    'admin-allow-overrides-networkpolicy': {
      meaning:
        "An AdminNetworkPolicy `Allow` rule decides pairs on pods a NetworkPolicy isolates, and allows connections that NetworkPolicy would not: the ANP decides first ([rule B2](rules.md#b2)), so the NetworkPolicy never sees those pairs and its narrowing there is dead. Often intended (a platform team's override), hence info. One finding per ANP rule, with the pairs counted and the NetworkPolicies named.",
      fix: 'Use `Pass` to let the NetworkPolicy decide, narrow the ANP rule, or align the NetworkPolicy.',
    },
    'duplicate-virtualservice': {
      meaning:
        'Several VirtualServices apply to one host in sidecars: they are not merged, one wins ([rule F5](rules.md#f5)).',
      fix: 'One VirtualService per host.',
    },
    'duplicate-peerauthentication': {
      meaning:
        'Several selector-less PeerAuthentications in one namespace (or the root namespace): only the oldest applies ([rule E3](rules.md#e3)). The message names the one the analysis assumes applies: the oldest by `creationTimestamp`, or the first by name when the repository has no creation times. This is the only report of it, so accepting it silences it.',
      fix: 'Keep one.',
    },
    'sidecar-control-plane-blocked': {
      meaning:
        'A workload with a sidecar has egress NetworkPolicy that blocks istiod (TCP 15012; 15010 too when plaintext xDS is configured) in `mesh.istioNamespace` (istiod = `app=istiod` or `istio=pilot`; a synthetic istiod with those labels when the repository has none). The proxy never gets certificates or config.',
      fix: 'Egress rule to the Istio namespace, pods `app: istiod`, TCP 15012.',
    },
    'sidecar-dns-blocked': {
      meaning:
        'A workload with a sidecar cannot reach kube-dns (`k8s-app=kube-dns` in kube-system; synthetic when absent) on UDP 53 and TCP 53.',
      fix: 'Egress rule to kube-system `k8s-app: kube-dns` on UDP and TCP 53.',
    },
    'sidecar-port-blocked': {
      meaning:
        'Isolated ingress blocks 15090 (Envoy metrics) or, for pods annotated `prometheus.io/scrape: "true"` that keep Istio\'s metrics merging (no `prometheus.istio.io/merge-metrics: "false"`), 15020 (merged application and Envoy metrics) from Prometheus (workloads labelled `app: prometheus` or `app.kubernetes.io/name: prometheus`, plus `mesh.monitoringNamespaces`), or 15021 (health) to an Istio gateway from outside the cluster.',
      fix: 'Allow the port from the monitoring namespace / load balancer.',
    },
    'policy-on-workload-without-sidecar': {
      meaning:
        'An AuthorizationPolicy or PeerAuthentication selects workloads that have no sidecar: it is not enforced there ([rule E9](rules.md#e9)). Mesh-wide policies are not reported.',
      fix: 'Enable injection, or enforce with NetworkPolicy.',
    },
    'identity-from-workload-without-sidecar': {
      meaning:
        "An ALLOW/DENY rule names a principal or namespace whose workloads have no sidecar (no mTLS, so no identity: the rule never matches them, [rule D11](rules.md#d11)), or a STRICT mTLS port has clients that NetworkPolicy lets in but that have no sidecar (their plaintext is rejected, [rule E7](rules.md#e7)). Clients a NetworkPolicy rule names are one finding per (NetworkPolicy rules that let them in, STRICT PeerAuthentication), its pairs counted with examples; when nothing restricts the server's ingress nor the clients' egress (typically: no NetworkPolicy at all), one finding per server lists those clients (`* -> server`).",
      fix: 'Inject the clients, or use PERMISSIVE / ipBlocks where plaintext is intended.',
    },
    'policy-selects-nothing': {
      meaning:
        'A NetworkPolicy, AuthorizationPolicy or PeerAuthentication with a non-empty selector matches no workload of the revision (usually a label typo). Empty, namespace-wide selectors are not reported.',
      fix: 'Fix the selector or delete the policy.',
    },
    'render-moves-namespace': {
      meaning:
        "A render (kustomize `namespace:`, an Argo CD `destination.namespace` or Flux `targetNamespace`) puts a NetworkPolicy, AuthorizationPolicy, PeerAuthentication, RequestAuthentication or Sidecar in another namespace than its file's `metadata.namespace`; a policy acts on its own namespace only ([rule A1](rules.md#a1)). Often intended (a base reused per namespace), hence info; the message names the file's line and the render root. Files without a namespace, and mesh-wide policies in the root namespace, are not reported.",
      fix: 'Check the namespace it is meant for; drop one of the two namespaces if they disagree by mistake.',
    },
    'render-moved-policy-selects-nothing': {
      meaning:
        "Such a move makes the policy select nothing: no workload of the namespace it landed in matches its selector (for a `{}` selector: the namespace has no workloads), while workloads of the namespace its file says would match. The policy has no effect (the real case: deny-all policies moved by a kustomization's `namespace:` away from the pods they were written for). Reported instead of `render-moves-namespace` for that object.",
      fix: 'Drop `metadata.namespace` from the file or `namespace:` from the kustomization, whichever is wrong.',
    },
    'duplicate-policy': {
      meaning:
        'Two or more NetworkPolicies (or AuthorizationPolicies) in one namespace have the same `spec` under different names (keys in any order), e.g. a file copied or an overlay adding what its base already has. Policies add up ([rule A4](rules.md#a4)), so the copies change nothing now, but one edited later leaves the other in force. The message lists each with its file:line. The same spec in different namespaces (per-namespace defaults) is not reported.',
      fix: 'Keep one.',
    },
    'sidecar-cpu-request-low': {
      meaning: 'The effective istio-proxy CPU request is below `sidecar.minCpuRequest` (default `100m`).',
      fix: 'Raise it (`sidecar.istio.io/proxyCPU`), or accept it for small workloads.',
    },
    'sidecar-memory-request-low': {
      meaning:
        'The effective istio-proxy memory request is below `sidecar.minMemoryRequest` (default `128Mi`). `128M` is 128,000,000 bytes, less than `128Mi`.',
      fix: 'Raise it (`sidecar.istio.io/proxyMemory: 128Mi`).',
    },
    'sidecar-request-missing': {
      meaning:
        'istio-proxy gets no CPU or memory request, typically because one `sidecar.istio.io/proxy*` annotation drops the whole default resources block (all-or-nothing, [rule H3](rules.md#h3)).',
      fix: 'Set both `proxyCPU` and `proxyMemory`, or none.',
    },
  };
