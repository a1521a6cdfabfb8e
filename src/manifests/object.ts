import type { Document, Node } from 'yaml';
import { isRecord } from '../core/decode.js';
import { type Diagnostic, type DiagnosticReach, REACH_ALL } from '../core/diagnostics.js';
import { namespaceNameError } from '../core/k8s-names.js';
import { fileLine, type SourceLocation } from '../core/location.js';
import { isAnalysedKind, isIstioGroup, servedKindError } from './kinds.js';
import { type FilePosition, locator } from './locate.js';
import { effectiveNamespace, isClusterScoped } from './namespace.js';
import { sortedStrings } from './string-map.js';
import type { K8sObject, Labels, ObjectPath, OwnerReference } from './types.js';

/** Labels were made strings in the AST already (labels.ts); anything else here is a structural mistake. */
function stringMap(value: unknown): Labels | undefined {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) return undefined;
  return sortedStrings(value);
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

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** What the API server says of an object's name (apimachinery ValidateObjectMeta), or `undefined`. */
function objectNameError(kind: string, name: string): string | undefined {
  if (kind === 'Namespace') return namespaceNameError(name);
  if (kind === 'Service') {
    return name.length <= 63 && DNS1035_LABEL.test(name)
      ? undefined
      : 'a Service name is a DNS-1035 label: at most 63 lowercase letters, digits and -, starting with a letter';
  }
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name)
    ? undefined
    : 'a name is a DNS subdomain: at most 253 lowercase letters, digits, - and ., starting and ending with a letter or digit';
}

/**
 * The pairs an object the API server rejects could have touched: its namespace, or all for
 * cluster-scoped kinds and Istio kinds (which, in the root namespace, apply mesh-wide).
 */
function rejectedReach(namespace: string | undefined): DiagnosticReach {
  return namespace ? { kind: 'namespaces', namespaces: [namespace] } : REACH_ALL;
}

/**
 * ObjectMeta is typed: `name: 1`, `namespace: n` (YAML 1.1 false), `metadata: []` fail to decode
 * for every kind, and kubectl sends nothing.
 */
function metadataTypeError(body: Record<string, unknown>): { message: string; path: ObjectPath } | undefined {
  const metadata = body.metadata;
  if (metadata !== undefined && metadata !== null && !isRecord(metadata)) {
    return { message: 'metadata is not a map', path: ['metadata'] };
  }
  for (const field of ['name', 'generateName', 'namespace']) {
    const value = isRecord(metadata) ? metadata[field] : undefined;
    if (value !== undefined && value !== null && typeof value !== 'string') {
      return {
        message: `metadata.${field} ${JSON.stringify(value)} is not a string`,
        path: ['metadata', field],
      };
    }
  }
  return undefined;
}

/** Why the API server rejects the object as a whole, before anything of its body is read. */
function rejection(
  kind: string,
  apiVersion: string,
  name: string,
  written: string | undefined,
): { code: string; message: string; path: ObjectPath } | undefined {
  const served = servedKindError(apiVersion, kind);
  if (served) return { code: 'unknown-kind', message: served, path: ['kind'] };
  if (!isAnalysedKind(kind)) return undefined;
  const nameError = name === '' ? undefined : objectNameError(kind, name);
  if (nameError)
    return { code: 'invalid-name', message: `${kind} "${name}": ${nameError}`, path: ['metadata', 'name'] };
  const nsError = written === undefined ? undefined : namespaceNameError(written);
  if (nsError) {
    return {
      code: 'invalid-name',
      message: `${kind} ${name}: namespace "${written}": ${nsError}`,
      path: ['metadata', 'namespace'],
    };
  }
  return undefined;
}

/**
 * Turns one JSON value with `apiVersion`/`kind` into a `K8sObject`, or explains why not. What the
 * API server rejects (a kind its group does not serve, an invalid name or namespace of a kind we
 * analyse) takes no effect: an error, reaching the object's namespace. A name is required only of
 * kinds we analyse (a nameless IstioOperator read as install input, a kind `Cluster` config are
 * fine); `generateName` stands for the name the API server would generate.
 */
export function toK8sObject(
  body: Record<string, unknown>,
  src: ObjectSource,
  out: Diagnostic[],
): K8sObject | undefined {
  const locate = locator(src.pos, src.doc, src.node);
  const location = locate([]);
  const kind = String(body.kind);
  const apiVersion = String(body.apiVersion);
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  const written =
    typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined;
  const generated = typeof metadata.generateName === 'string' ? metadata.generateName : '';
  const writtenName = typeof metadata.name === 'string' ? metadata.name : '';
  // The API server appends random characters to generateName: the prefix is how reports name it.
  const name = writtenName !== '' ? writtenName : generated;
  // Only where it matters: a ConfigMap the cluster refuses changes no reachability.
  const judged = isAnalysedKind(kind) || isIstioGroup(apiVersion);
  const typeError = judged ? metadataTypeError(body) : undefined;
  const rejected = typeError
    ? { code: 'invalid-metadata', message: `${kind}: ${typeError.message}`, path: typeError.path }
    : rejection(kind, apiVersion, writtenName, written);
  // An invalid namespace exists nowhere: which one was meant is unknown.
  const wide =
    isClusterScoped(kind) || isIstioGroup(apiVersion) || rejected?.path[1] === 'namespace' || typeError;
  const reach = rejectedReach(wide ? undefined : (written ?? 'default'));
  if (rejected) {
    out.push({
      severity: 'error',
      code: rejected.code,
      message: `${rejected.message}; the API server rejects the object, so it takes no effect`,
      location: locate(rejected.path),
      dropped: `${kind} ${name || '(unnamed)'} at ${fileLine(location)}`,
      reach,
    });
    return undefined;
  }
  if (name === '' && isAnalysedKind(kind)) {
    out.push({
      severity: 'error',
      code: 'missing-name',
      message: `${kind} has no metadata.name (nor generateName); the API server rejects it`,
      location: locate(['metadata', 'name']),
      dropped: `${kind} at ${fileLine(location)}`,
      reach,
    });
    return undefined;
  }
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
    apiVersion,
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

/** The policy kind a body without `apiVersion`/`kind` is shaped like, from its `spec`. */
function policyShape(spec: unknown): string | undefined {
  if (!isRecord(spec)) return undefined;
  if ('podSelector' in spec || 'policyTypes' in spec) return 'NetworkPolicy';
  if ('mtls' in spec || 'portLevelMtls' in spec) return 'PeerAuthentication';
  if ('action' in spec || 'rules' in spec || 'provider' in spec) return 'AuthorizationPolicy';
  return undefined;
}

/**
 * A document kubectl refuses for want of `apiVersion` or `kind` ("apiVersion not set", "kind not
 * set"), when it is plainly meant as an object we analyse: metadata and a kind we analyse, or
 * metadata and a policy-shaped body. Anything else without them (a values file, a JSON
 * schema, a CI config) is no Kubernetes object and stays a note.
 */
export function missingTypeError(value: unknown, location: SourceLocation): Diagnostic | undefined {
  if (!isRecord(value)) return undefined;
  const kind = typeof value.kind === 'string' && value.kind !== '' ? value.kind : undefined;
  const apiVersion =
    typeof value.apiVersion === 'string' && value.apiVersion !== '' ? value.apiVersion : undefined;
  const shape = policyShape(value.spec);
  // A Helm values file may well say `kind: Deployment`; an object has metadata.
  if (!isRecord(value.metadata)) return undefined;
  const meant = kind !== undefined ? isAnalysedKind(kind) && kind : shape;
  if (!meant) return undefined;
  const metadata = value.metadata;
  const name = typeof metadata.name === 'string' ? metadata.name : '(unnamed)';
  const ns =
    typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
  const missing = [apiVersion ? undefined : 'apiVersion', kind ? undefined : 'kind'].filter(Boolean);
  const istio = meant === 'AuthorizationPolicy' || meant === 'PeerAuthentication';
  return {
    severity: 'error',
    code: 'missing-type',
    message: `a ${meant} (${name}) has no ${missing.join(' and ')}; kubectl refuses it, so it takes no effect`,
    location,
    dropped: `${meant} ${name}`,
    reach: istio || isClusterScoped(meant) ? REACH_ALL : { kind: 'namespaces', namespaces: [ns] },
  };
}
