import type { RevisionContext } from './context.js';
import { workloadResource } from './context.js';
import { knownInjected } from './known-sidecar.js';
import { compareQuantities, parseQuantity, type Quantity } from './quantity.js';
import {
  type EffectiveRequest,
  invalidQuantityDiagnostic,
  proxyRequests,
  type ResourceName,
  readMeshProxyDefaults,
} from './sidecar-resources.js';
import type { RawFinding } from './types.js';

const RULE_OF = { cpu: 'sidecar-cpu-request-low', memory: 'sidecar-memory-request-low' } as const;
const THRESHOLD_KEY = { cpu: 'minCpuRequest', memory: 'minMemoryRequest' } as const;

/** sidecar-cpu-request-low, sidecar-memory-request-low, sidecar-request-missing (SEMANTICS H, I). */
export function resourceFindings(ctx: RevisionContext): RawFinding[] {
  const { config, rev } = ctx;
  const thresholds: Partial<Record<ResourceName, Quantity>> = {};
  for (const key of ['cpu', 'memory'] as const) {
    const text = config.sidecar[THRESHOLD_KEY[key]];
    const parsed = parseQuantity(text);
    if (parsed.ok) thresholds[key] = parsed.value;
    else
      ctx.diagnostics.push({
        severity: 'error',
        code: 'invalid-quantity',
        message: `config sidecar.${THRESHOLD_KEY[key]}: ${parsed.error}`,
        ...(config.location ? { location: config.location } : {}),
        dropped: `the ${key} threshold of the sidecar resource check`,
      });
  }
  const mesh = readMeshProxyDefaults(rev.policies.mesh);
  const reported = new Set<string>();
  const out: RawFinding[] = [];
  for (const w of rev.model.workloads) {
    // No proxy request to judge on a guessed sidecar (namespace not in the input, rule C2).
    if (!knownInjected(ctx, w)) continue;
    const requests = proxyRequests(w, mesh, config);
    const resources = [workloadResource(w)];
    for (const key of ['cpu', 'memory'] as const) {
      const r: EffectiveRequest | undefined = requests[key];
      if (!r) {
        out.push({
          rule: 'sidecar-request-missing',
          subject: `${w.id} ${key}`,
          about: `${w.id} (${key})`,
          message:
            `istio-proxy of ${w.id} gets no ${key} request: ${requests.missingBecause ?? 'nothing sets one'}. ` +
            `The scheduler does not reserve ${key} for the proxy, so a busy node starves it. ` +
            `Fix: also set sidecar.istio.io/${key === 'cpu' ? 'proxyCPU' : 'proxyMemory'}, or remove the resource annotations to keep the mesh default.`,
          locations: [w.location],
          destination: w.id,
          resources,
        });
        continue;
      }
      if (!r.value) {
        // One diagnostic per bad value (a mesh default is shared by every workload).
        const key2 = `${r.from}|${r.text}|${r.location?.file}:${r.location?.line}`;
        if (!reported.has(key2)) {
          reported.add(key2);
          ctx.diagnostics.push(invalidQuantityDiagnostic(r, w.id, w.location));
        }
        continue;
      }
      const min = thresholds[key];
      if (!min || compareQuantities(r.value, min) >= 0) continue;
      const threshold = config.sidecar[THRESHOLD_KEY[key]];
      out.push({
        rule: RULE_OF[key],
        subject: `${w.id} ${key}`,
        about: w.id,
        message:
          `istio-proxy of ${w.id} requests ${key} ${r.text} (from ${r.from}), below ${threshold}` +
          `${key === 'memory' && /[0-9]M$/.test(r.text) ? ` (${r.text} is decimal megabytes: 128M = 128,000,000 bytes < 128Mi = 134,217,728)` : ''}. ` +
          `Each pod reserves ${key === 'cpu' ? 'CPU' : 'memory'} for its sidecar; too little and the proxy is throttled${key === 'memory' ? ' or OOM-killed' : ''} under load. ` +
          `Fix: raise it to at least ${threshold}, or accept it for small workloads.`,
        locations: r.location ? [r.location, w.location] : [w.location],
        destination: w.id,
        resources,
      });
    }
  }
  return out;
}
