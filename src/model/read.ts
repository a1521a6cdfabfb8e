import { isRecord } from '../core/decode.js';
import { type Diagnostic, type DiagnosticReach, REACH_ALL } from '../core/diagnostics.js';
import { sortedStrings } from '../manifests/string-map.js';
import type { K8sObject, Labels, ObjectPath } from '../manifests/types.js';
import { PROTOCOLS, type Protocol } from './types.js';

/** The value at `path` inside a JSON value, or `undefined` when any step is missing. */
export function valueAt(root: unknown, path: ObjectPath): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof segment === 'number') node = Array.isArray(node) ? node[segment] : undefined;
    else node = isRecord(node) ? node[segment] : undefined;
  }
  return node;
}

/** `Deployment prod/web` (`ClusterRole admin`), the way diagnostics name an object. */
export function objectLabel(obj: K8sObject): string {
  return obj.namespace === '' ? `${obj.kind} ${obj.name}` : `${obj.kind} ${obj.namespace}/${obj.name}`;
}

/** A label-like map as strings, sorted by key (labels were made strings at parse time already). */
export function labelsAt(root: unknown, path: ObjectPath): Labels {
  const value = valueAt(root, path);
  return isRecord(value) ? sortedStrings(value) : {};
}

export function isProtocol(value: unknown): value is Protocol {
  return typeof value === 'string' && (PROTOCOLS as readonly string[]).includes(value);
}

/** Reports a protocol other than TCP, UDP or SCTP (case-sensitive, as the API server checks it). */
export function checkProtocol(
  protocol: unknown,
  path: ObjectPath,
  where: string,
  dropped: string,
  diag: ObjectDiagnostics,
): protocol is Protocol {
  if (isProtocol(protocol)) return true;
  diag.error(
    'invalid-protocol',
    path,
    `protocol ${JSON.stringify(protocol)} of ${where} is not TCP, UDP or SCTP`,
    dropped,
  );
  return false;
}

export function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Collects diagnostics for one object, located at a path inside it. */
export class ObjectDiagnostics {
  private count = 0;

  constructor(
    private readonly obj: K8sObject,
    private readonly out: Diagnostic[],
  ) {}

  /** How many diagnostics this object has reported so far (a reader's result is kept only without any). */
  get reported(): number {
    return this.count;
  }

  /**
   * What an object of the model drops touches the pairs of its namespace (its workloads, the
   * Services in front of them); a cluster-scoped one (a Namespace and its labels) every pair.
   */
  error(code: string, path: ObjectPath, message: string, dropped: string): void {
    const ns = this.obj.namespace;
    const reach: DiagnosticReach = ns === '' ? REACH_ALL : { kind: 'namespaces', namespaces: [ns] };
    this.count++;
    this.out.push({ severity: 'error', code, message, location: this.obj.locate(path), dropped, reach });
  }

  warning(code: string, path: ObjectPath, message: string): void {
    this.count++;
    this.out.push({ severity: 'warning', code, message, location: this.obj.locate(path) });
  }
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sameLabels(a: Labels, b: Labels): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}
