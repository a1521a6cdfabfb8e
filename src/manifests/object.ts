import type { Document, Node } from 'yaml';
import { isRecord } from '../core/decode.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { fileLine } from '../core/location.js';
import { type FilePosition, locator } from './locate.js';
import { effectiveNamespace } from './namespace.js';
import type { K8sObject, Labels, OwnerReference } from './types.js';

/** Labels were made strings in the AST already (labels.ts); anything else here is a structural mistake. */
function stringMap(value: unknown): Labels | undefined {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) return undefined;
  const out: Record<string, string> = {};
  for (const key of Object.keys(value).sort()) out[key] = String(value[key]);
  return out;
}

function ownerReferences(value: unknown): OwnerReference[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((r) => ({
    kind: typeof r.kind === 'string' ? r.kind : '',
    name: typeof r.name === 'string' ? r.name : '',
    ...(r.controller === true ? { controller: true } : {}),
  }));
}

export interface ObjectSource {
  readonly pos: FilePosition;
  readonly doc: Document;
  /** The node of the object itself (a list item node for `List` members). */
  readonly node: Node;
}

/**
 * Turns one JSON value with `apiVersion`/`kind` into a `K8sObject`, or explains why not.
 * Objects without a name cannot be addressed by any policy or report, so they are dropped.
 */
export function toK8sObject(
  body: Record<string, unknown>,
  src: ObjectSource,
  out: Diagnostic[],
): K8sObject | undefined {
  const locate = locator(src.pos, src.doc, src.node);
  const location = locate([]);
  const kind = String(body.kind);
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  const name = metadata.name;
  if (typeof name !== 'string' || name === '') {
    const hint =
      typeof metadata.generateName === 'string' ? ' (generateName is not enough for an analysis)' : '';
    out.push({
      severity: 'error',
      code: 'missing-name',
      message: `${kind} has no metadata.name${hint}`,
      location: locate(['metadata', 'name']),
      dropped: `${kind} at ${fileLine(location)}`,
    });
    return undefined;
  }
  const written =
    typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined;
  const labels = stringMap(metadata.labels);
  const annotations = stringMap(metadata.annotations);
  for (const [field, value] of [
    ['labels', labels],
    ['annotations', annotations],
  ] as const) {
    if (value === undefined) {
      out.push({
        severity: 'error',
        code: 'invalid-metadata',
        message: `metadata.${field} of ${kind} ${name} is not a map`,
        location: locate(['metadata', field]),
        dropped: `${field} of ${kind} ${name}`,
      });
    }
  }
  return {
    apiVersion: String(body.apiVersion),
    kind,
    name,
    namespace: effectiveNamespace(kind, written),
    ...(written !== undefined ? { declaredNamespace: written } : {}),
    labels: labels ?? {},
    annotations: annotations ?? {},
    ownerReferences: ownerReferences(metadata.ownerReferences),
    body,
    location,
    locate,
  };
}
