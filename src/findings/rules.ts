import type { FindingSeverity } from '../config/types.js';

/** Every rule: its stable id, default severity and one-line title (docs/findings.md explains each). */
export const RULES = {
  'mesh-allows-network-blocks': {
    severity: 'warning',
    title: 'Istio allows a connection that NetworkPolicy blocks: the mesh rule is dead',
  },
  'network-allows-mesh-denies': {
    severity: 'info',
    title: 'NetworkPolicy opens a connection on which Istio denies every request',
  },
  'route-to-blocked-destination': {
    severity: 'error',
    title: 'A route sends part of the traffic to pods the policies block',
  },
  'route-to-undefined-subset': {
    severity: 'error',
    title: 'A route names a subset that no DestinationRule defines (503)',
  },
  'gateway-route-blocked': {
    severity: 'error',
    title: 'A Gateway route sends requests from outside to a backend that blocks the gateway',
  },
  'gateway-host-unrouted': {
    severity: 'info',
    title: 'A Gateway accepts a host that no VirtualService bound to it serves',
  },
  'serviceentry-egress-blocked': {
    severity: 'warning',
    title: 'NetworkPolicy egress blocks a ServiceEntry host for every workload that routes it',
  },
  'egress-bypasses-gateway': {
    severity: 'warning',
    title: 'A host sent through an egress gateway is also reachable directly under NetworkPolicy',
  },
  'destinationrule-tls-mismatch': {
    severity: 'error',
    title: "A DestinationRule's TLS mode is one the server rejects",
  },
  'sidecar-scope-blocks-egress': {
    severity: 'warning',
    title: "NetworkPolicy egress to a workload the client's Sidecar scope does not import",
  },
  'registry-only-external-blocked': {
    severity: 'warning',
    title: 'NetworkPolicy egress to addresses that REGISTRY_ONLY blackholes',
  },
  'admin-pass-to-no-networkpolicy': {
    severity: 'warning',
    title: 'An AdminNetworkPolicy Pass rule hands pairs to NetworkPolicy, but none selects them',
  },
  'admin-allow-overrides-networkpolicy': {
    severity: 'info',
    title: 'An AdminNetworkPolicy Allow rule allows what a NetworkPolicy would block',
  },
  'duplicate-virtualservice': {
    severity: 'warning',
    title: 'Several VirtualServices for one host: only one applies, which one is undefined',
  },
  'duplicate-peerauthentication': {
    severity: 'warning',
    title: 'Several PeerAuthentications at one level: only the oldest applies',
  },
  'sidecar-control-plane-blocked': {
    severity: 'error',
    title: 'NetworkPolicy blocks the sidecar from istiod',
  },
  'sidecar-dns-blocked': {
    severity: 'error',
    title: 'NetworkPolicy blocks DNS for a workload with a sidecar',
  },
  'sidecar-port-blocked': {
    severity: 'warning',
    title: 'NetworkPolicy blocks a sidecar port (metrics or health)',
  },
  'policy-on-workload-without-sidecar': {
    severity: 'warning',
    title: 'An Istio policy selects workloads without a sidecar: it is not enforced there',
  },
  'identity-from-workload-without-sidecar': {
    severity: 'warning',
    title: 'An Istio rule expects an mTLS identity from workloads without a sidecar',
  },
  'policy-selects-nothing': {
    severity: 'warning',
    title: 'A policy selector matches no workload',
  },
  'sidecar-cpu-request-low': {
    severity: 'warning',
    title: 'istio-proxy CPU request below the threshold',
  },
  'sidecar-memory-request-low': {
    severity: 'warning',
    title: 'istio-proxy memory request below the threshold',
  },
  'sidecar-request-missing': {
    severity: 'warning',
    title: 'istio-proxy has no CPU or memory request',
  },
  'render-moves-namespace': {
    severity: 'info',
    title: 'A render puts a policy in another namespace than its file says',
  },
  'render-moved-policy-selects-nothing': {
    severity: 'warning',
    title: 'A render moved a policy into a namespace where it selects nothing',
  },
  'duplicate-policy': {
    severity: 'info',
    title: 'Policies with the same spec in one namespace under different names',
  },
} as const satisfies Record<string, { severity: FindingSeverity; title: string }>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];
