import type { Workload } from '../model/types.js';

/**
 * Whether a workload is an Istio gateway (a standalone Envoy, not a sidecar): injected with the
 * `gateway` template (the gateway Helm chart, Gateway API deployments), a Gateway API deployment's
 * label, the install's conventional `istio: ingressgateway|egressgateway` label, or a pod that
 * declares the `istio-proxy` container itself (the IstioOperator / legacy chart gateways). Sidecar
 * resources do not apply to these pods (F8), and they capture no outbound traffic.
 */
export function isGatewayProxy(w: Workload): boolean {
  const templates = w.podAnnotations['inject.istio.io/templates'] ?? '';
  if (templates.split(',').some((t) => t.trim() === 'gateway')) return true;
  if ('gateway.networking.k8s.io/gateway-name' in w.podLabels) return true;
  const istio = w.podLabels.istio;
  if (istio === 'ingressgateway' || istio === 'egressgateway') return true;
  // istioctl kube-inject output declares istio-proxy too, as a sidecar: it leaves its status annotation.
  if ('sidecar.istio.io/status' in w.podAnnotations) return false;
  return w.containers.some((c) => c.name === 'istio-proxy' && /proxyv2/.test(c.image ?? ''));
}
