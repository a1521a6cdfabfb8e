import type { Labels } from '../manifests/types.js';
import type { Workload } from '../model/types.js';

/**
 * Groups workloads that every compiled selector and port rule treats alike:
 * - the namespace (policies select within it; namespaceSelectors see its labels, fixed per name);
 * - the pod labels projected onto the keys some selector mentions (other labels change nothing),
 *   each value kept only when some selector names it (every requirement answers alike for all
 *   the values it does not name), and likewise every other label variant of its pods;
 * - the container ports whose name some rule refers to, with protocol and number (A14);
 * - hostNetwork pods share one signature: no selector ever sees them and named ports never match
 *   them (A17), so neither their namespace nor their labels nor their ports matter.
 */
export class SignatureScheme {
  private readonly cache = new WeakMap<Workload, string>();

  constructor(
    private readonly labelKeys: readonly string[],
    private readonly labelValues: ReadonlyMap<string, ReadonlySet<string>>,
    private readonly namedPorts: ReadonlySet<string>,
    private readonly nodeTraffic: (w: Workload) => boolean,
  ) {}

  of(workload: Workload): string {
    let signature = this.cache.get(workload);
    if (signature === undefined) {
      signature = this.compute(workload);
      this.cache.set(workload, signature);
    }
    return signature;
  }

  private compute(w: Workload): string {
    if (this.nodeTraffic(w)) return 'hostNetwork';
    const labels = this.project(w.podLabels);
    // Bare pods grouped into one workload may disagree on labels: the other projections decide
    // which selectors are ambiguous for it. Only distinct projections count.
    const first = JSON.stringify(labels);
    const variants = [...new Set((w.podLabelVariants ?? []).map((v) => JSON.stringify(this.project(v))))]
      .filter((v) => v !== first)
      .sort();
    const ports = [
      ...new Set(
        w.ports
          .filter((p) => p.name !== undefined && this.namedPorts.has(p.name))
          .map((p) => `${p.name}/${p.protocol}/${p.containerPort}`),
      ),
    ].sort();
    return JSON.stringify(
      variants.length > 0 ? [w.namespace, labels, ports, variants] : [w.namespace, labels, ports],
    );
  }

  private project(labels: Labels): [string, string][] {
    return this.labelKeys
      .filter((k) => Object.hasOwn(labels, k))
      .map((k) => [k, this.labelValues.get(k)?.has(labels[k]!) ? labels[k]! : '\u0000other']);
  }
}
