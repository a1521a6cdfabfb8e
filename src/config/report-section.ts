import { readNamespaceName } from './sections.js';
import type { Config } from './types.js';
import { DEFAULT_CONFIG } from './types.js';
import type { Field, YamlReader } from './yaml-reader.js';

const REPORT_KEYS = ['sensitiveNamespaces', 'sensitiveWorkloads'] as const;

/** `namespace/name`, either part may use `*` (within the part): `payments/*`, `*\/postgres`. */
const WORKLOAD_PATTERN = /^[a-z0-9*]([-a-z0-9.*]*[a-z0-9*])?\/[a-z0-9*]([-a-z0-9.*]*[a-z0-9*])?$/;

/** `report:` — what ranks higher in the report (render only; no effect on the analysis). */
export function readReport(r: YamlReader, field: Field | undefined): Config['report'] {
  const s = r.section(field, REPORT_KEYS);
  const namespaces = s.get('sensitiveNamespaces');
  const workloads = s.get('sensitiveWorkloads');
  return {
    sensitiveNamespaces: namespaces
      ? r.items(namespaces).map((item) => readNamespaceName(r, item))
      : DEFAULT_CONFIG.report.sensitiveNamespaces,
    sensitiveWorkloads: workloads
      ? r.items(workloads).map((item) => readWorkloadPattern(r, item))
      : DEFAULT_CONFIG.report.sensitiveWorkloads,
  };
}

function readWorkloadPattern(r: YamlReader, field: Field): string {
  const pattern = r.string(field, "a workload as 'namespace/name' ('*' matches within a part)");
  if (!WORKLOAD_PATTERN.test(pattern)) {
    r.fail(
      field.node,
      `${field.path}: '${pattern}' is not a workload pattern 'namespace/name' (lowercase; '*' matches within a part, e.g. 'payments/*')`,
    );
  }
  return pattern;
}
