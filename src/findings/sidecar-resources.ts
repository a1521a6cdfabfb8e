import type { MeshInstall } from '../compile/mesh-install.js';
import type { Config } from '../config/types.js';
import { asRecord } from '../core/decode.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceLocation } from '../core/location.js';
import type { ObjectPath } from '../manifests/types.js';
import { TEMPLATE_PATHS } from '../model/pod-template.js';
import type { Workload } from '../model/types.js';
import { parseQuantity, type Quantity } from './quantity.js';

export type ResourceName = 'cpu' | 'memory';

/** Where an effective istio-proxy request comes from (SEMANTICS H). */
export type RequestOrigin = 'container' | 'annotation' | 'mesh' | 'config' | 'istio-default';

export interface EffectiveRequest {
  readonly text: string;
  /** Undefined when the text is not a valid quantity (a diagnostic says so). */
  readonly value: Quantity | undefined;
  readonly origin: RequestOrigin;
  /** `annotation sidecar.istio.io/proxyCPU`, `IstioOperator istio-system/main values.global.proxy.resources`. */
  readonly from: string;
  readonly location?: SourceLocation;
}

/** The istio-proxy requests of one injected workload; absent fields are missing requests. */
export interface ProxyRequests {
  readonly cpu?: EffectiveRequest;
  readonly memory?: EffectiveRequest;
  /** Why a request is missing, when one is (the all-or-nothing annotation rule, H3). */
  readonly missingBecause?: string;
}

const ANNOTATIONS = {
  cpu: 'sidecar.istio.io/proxyCPU',
  memory: 'sidecar.istio.io/proxyMemory',
} as const;
const ALL_ANNOTATIONS = [
  ANNOTATIONS.cpu,
  ANNOTATIONS.memory,
  'sidecar.istio.io/proxyCPULimit',
  'sidecar.istio.io/proxyMemoryLimit',
];
const STATUS = 'sidecar.istio.io/status';
const BUILT_IN = { cpu: '100m', memory: '128Mi' } as const;

/** The mesh-wide proxy requests a revision's Istio install sets (H2), per resource. */
export interface MeshProxyDefaults {
  readonly cpu?: EffectiveRequest;
  readonly memory?: EffectiveRequest;
}

/** The mesh-wide proxy requests of the revision's Istio install (H2), as effective requests. */
export function readMeshProxyDefaults(mesh: MeshInstall): MeshProxyDefaults {
  const read = (key: ResourceName): EffectiveRequest | undefined => {
    const found = mesh.proxyRequests[key];
    if (!found) return undefined;
    const parsed = parseQuantity(found.text);
    return {
      text: found.text,
      value: parsed.ok ? parsed.value : undefined,
      origin: 'mesh',
      from: found.from,
      location: found.location,
    };
  };
  const cpu = read('cpu');
  const memory = read('memory');
  return { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) };
}

function templatePath(w: Workload): ObjectPath {
  return w.podObjects ? [] : (TEMPLATE_PATHS[w.kind] ?? []);
}

/** The default for one resource when neither the pod nor its container says (H1, H2). */
function meshDefault(key: ResourceName, mesh: MeshProxyDefaults, config: Config): EffectiveRequest {
  const fromMesh = mesh[key];
  if (fromMesh) return fromMesh;
  const configured = key === 'cpu' ? config.sidecar.defaultCpuRequest : config.sidecar.defaultMemoryRequest;
  if (configured !== undefined) {
    const parsed = parseQuantity(configured);
    return {
      text: configured,
      value: parsed.ok ? parsed.value : undefined,
      origin: 'config',
      from: `config sidecar.${key === 'cpu' ? 'defaultCpuRequest' : 'defaultMemoryRequest'}`,
      ...(config.location ? { location: config.location } : {}),
    };
  }
  const text = BUILT_IN[key];
  const parsed = parseQuantity(text);
  return {
    text,
    value: parsed.ok ? parsed.value : undefined,
    origin: 'istio-default',
    from: "Istio's built-in default",
  };
}

/**
 * SEMANTICS H for one injected workload:
 * 1. an `istio-proxy` container in `containers` or `initContainers` (native sidecar): kube-inject output
 *    (the `sidecar.istio.io/status` annotation) is taken literally (H6); otherwise it is an overlay on
 *    the injected container, and the fields it sets win (H5);
 * 2. else (or for the fields it leaves out) the proxyCPU/proxyMemory annotations, all-or-nothing (H3);
 * 3. else the mesh default from the repository, the config, or Istio's 100m/128Mi.
 */
export function proxyRequests(w: Workload, mesh: MeshProxyDefaults, config: Config): ProxyRequests {
  const base = templatePath(w);
  const annotated = ALL_ANNOTATIONS.filter((a) => a in w.podAnnotations);
  const template: Partial<Record<ResourceName, EffectiveRequest>> = {};
  let missingBecause: string | undefined;
  if (annotated.length > 0) {
    for (const key of ['cpu', 'memory'] as const) {
      const name = ANNOTATIONS[key];
      const text = w.podAnnotations[name];
      if (text === undefined) continue;
      const parsed = parseQuantity(text);
      template[key] = {
        text,
        value: parsed.ok ? parsed.value : undefined,
        origin: 'annotation',
        from: `annotation ${name}`,
        location: w.object.locate([...base, 'metadata', 'annotations', name]),
      };
    }
    missingBecause = `the annotation ${annotated[0]} replaces the whole default resources block (all-or-nothing, rule H3)`;
  } else {
    const mesh1 = { cpu: meshDefault('cpu', mesh, config), memory: meshDefault('memory', mesh, config) };
    template.cpu = mesh1.cpu;
    template.memory = mesh1.memory;
  }
  const found = findProxyContainer(w);
  if (!found) return withMissing(template, missingBecause);
  const requests = asRecord(asRecord(found.container.resources)?.requests) ?? {};
  const literal = STATUS in w.podAnnotations;
  const out: Partial<Record<ResourceName, EffectiveRequest>> = literal ? {} : { ...template };
  for (const key of ['cpu', 'memory'] as const) {
    const raw = requests[key];
    if (raw === undefined || raw === null) continue;
    const text = String(raw);
    const parsed = parseQuantity(text);
    out[key] = {
      text,
      value: parsed.ok ? parsed.value : undefined,
      origin: 'container',
      from: `container istio-proxy (${found.list})`,
      location: w.object.locate([...base, 'spec', found.list, found.index, 'resources', 'requests', key]),
    };
  }
  return withMissing(
    out,
    literal
      ? 'the injected istio-proxy container is taken as written (kube-inject output, H6)'
      : missingBecause,
  );
}

function withMissing(
  r: Partial<Record<ResourceName, EffectiveRequest>>,
  because: string | undefined,
): ProxyRequests {
  const complete = r.cpu !== undefined && r.memory !== undefined;
  return { ...r, ...(!complete && because ? { missingBecause: because } : {}) };
}

function findProxyContainer(
  w: Workload,
):
  | { container: Workload['containers'][number]; list: 'containers' | 'initContainers'; index: number }
  | undefined {
  const i = w.containers.findIndex((c) => c.name === 'istio-proxy');
  if (i >= 0) return { container: w.containers[i]!, list: 'containers', index: i };
  const j = w.initContainers.findIndex((c) => c.name === 'istio-proxy');
  if (j >= 0) return { container: w.initContainers[j]!, list: 'initContainers', index: j };
  return undefined;
}

/** An invalid quantity: pod admission would fail (H4), so it is an error with its location. */
export function invalidQuantityDiagnostic(
  r: EffectiveRequest,
  subject: string,
  fallback: SourceLocation | undefined,
): Diagnostic {
  const parsed = parseQuantity(r.text);
  const why = parsed.ok ? '' : `: ${parsed.error}`;
  const location = r.location ?? fallback;
  return {
    severity: 'error',
    code: 'invalid-quantity',
    message: `${subject}: istio-proxy request from ${r.from} is not a valid quantity${why}`,
    ...(location ? { location } : {}),
    dropped: `sidecar resource check of ${subject}`,
  };
}
