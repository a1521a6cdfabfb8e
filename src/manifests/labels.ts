import { type Document, isMap, isPair, isScalar, isSeq, type Pair, Scalar, type YAMLMap } from 'yaml';
import { type Diagnostic, type DiagnosticReach, REACH_ALL } from '../core/diagnostics.js';
import { compareLocations } from '../core/location.js';
import { isAnalysedKind, isIstioGroup } from './kinds.js';
import { type FilePosition, locationAt } from './locate.js';
import { isClusterScoped } from './namespace.js';
import { isMergeKey } from './yaml-schema.js';

/** Keys whose value is a map of label (or annotation) values, which Kubernetes requires to be strings. */
const LABEL_MAP_KEYS = new Set(['labels', 'annotations', 'matchLabels']);

function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : undefined;
}

/** `selector: {app: web}` (Service, Istio Gateway) is a label map; `selector: {matchLabels: ...}` is not. */
function isPlainSelector(map: YAMLMap): boolean {
  return !map.items.some((p) => {
    const k = isPair(p) ? keyText(p) : undefined;
    return k === 'matchLabels' || k === 'matchExpressions';
  });
}

function isLabelMap(key: string | undefined, value: unknown): value is YAMLMap {
  if (!isMap(value) || key === undefined) return false;
  return LABEL_MAP_KEYS.has(key) || (key === 'selector' && isPlainSelector(value));
}

/**
 * kubectl sends `on`, `yes`, `true`, `1` unquoted as a boolean or a number (YAML 1.1,
 * yaml-schema.ts), and the API server rejects an object whose label value is not a string: the
 * object takes no effect. The value is left as it is, so the decoders of analysed kinds refuse it.
 */
function nonStringError(
  pos: FilePosition,
  what: string,
  key: string,
  scalar: Scalar,
  text: string,
  reach: DiagnosticReach,
): Diagnostic {
  return {
    reach,
    severity: 'error',
    code: 'non-string-label',
    message: `${what} "${key}" has the value ${text}, which kubectl sends as ${typeof scalar.value === 'boolean' ? 'a boolean' : 'a number'} (${JSON.stringify(scalar.value)}); the API server rejects the object (quote it: "${text}")`,
    location: locationAt(pos, scalar.range?.[0] ?? 0),
  };
}

/** Makes empty values of one label map "" (as Kubernetes decodes them) and judges the others. */
function normaliseMap(
  pos: FilePosition,
  mapKey: string,
  map: YAMLMap,
  out: Diagnostic[],
  reach: DiagnosticReach,
): void {
  const what = mapKey === 'annotations' ? 'annotation' : 'label';
  for (const pair of [...map.items]) {
    // `<<: *common` merges labels written elsewhere; the decoders judge the merged values.
    if (isMergeKey(pair.key)) continue;
    const key = keyText(pair) ?? String(isScalar(pair.key) ? pair.key.value : '');
    const value = pair.value;
    if (value === null || (isScalar(value) && value.value === null)) {
      // `key:` with nothing decodes as "" in Kubernetes' JSON decoding; still worth a word.
      if (isScalar(value)) value.value = '';
      else pair.value = new Scalar('');
      out.push({
        severity: 'warning',
        code: 'non-string-label',
        message: `${what} "${key}" has no value; analysed as ""`,
        location: locationAt(pos, (isScalar(value) ? value.range?.[0] : undefined) ?? 0),
      });
    } else if (isScalar(value) && typeof value.value !== 'string') {
      const text = value.source ?? String(value.value);
      out.push(nonStringError(pos, what, key, value, text, reach));
    } else if (!isScalar(value)) {
      out.push({
        severity: 'error',
        code: 'invalid-label',
        message: `${what} "${key}" is a ${isSeq(value) ? 'list' : 'map'}, not a string; Kubernetes rejects the object`,
        location: locationAt(pos, (value as { range?: [number] }).range?.[0] ?? 0),
        dropped: `${what} "${key}"`,
        reach,
      });
      map.items.splice(map.items.indexOf(pair), 1);
    }
  }
}

function pairValue(map: YAMLMap, key: string): unknown {
  return map.items.find((p) => isPair(p) && keyText(p) === key)?.value;
}

function scalarText(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

/** The object maps of a document with their kinds: the document itself, or each item of a `...List`. */
function objectMaps(root: unknown): { object: YAMLMap; kind: string | undefined }[] {
  if (!isMap(root)) return [];
  const kind = scalarText(pairValue(root, 'kind'));
  if (scalarText(pairValue(root, 'apiVersion')) === undefined || kind === undefined) return [];
  const items = pairValue(root, 'items');
  if (kind.endsWith('List') && isSeq(items)) {
    // `PodList` items usually omit their kind; a plain `List` names each.
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    return items.items
      .filter((i): i is YAMLMap => isMap(i))
      .map((object) => ({ object, kind: scalarText(pairValue(object, 'kind')) ?? itemKind }));
  }
  return [{ object: root, kind }];
}

/** Label maps of every map under `start` (pod templates, selectors): only in kinds we analyse. */
function normaliseWithin(start: unknown, pos: FilePosition, out: Diagnostic[], reach: DiagnosticReach): void {
  const stack: unknown[] = [start];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyText(pair);
        if (isLabelMap(key, pair.value)) normaliseMap(pos, key ?? '', pair.value, out, reach);
        else stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
}

/**
 * The pairs a rejected object could touch: its namespace, or every pair for a cluster-scoped kind
 * (a Namespace's labels feed namespaceSelectors everywhere) and Istio kinds (root namespace).
 */
function objectReach(object: YAMLMap, kind: string | undefined): DiagnosticReach {
  const apiVersion = scalarText(pairValue(object, 'apiVersion')) ?? '';
  const metadata = pairValue(object, 'metadata');
  const ns = isMap(metadata) ? scalarText(pairValue(metadata, 'namespace')) : undefined;
  if (kind === undefined || isClusterScoped(kind) || isIstioGroup(apiVersion)) return REACH_ALL;
  return { kind: 'namespaces', namespaces: [ns || 'default'] };
}

/**
 * Makes label/annotation/selector values strings before conversion to JSON, warning for each one
 * that was not, where Kubernetes has labels: every object's `metadata.labels`/`annotations`, and
 * pod templates and selectors of the kinds we analyse (manifests/kinds.ts). Inside other kinds
 * (a CRD schema's `properties: {labels: ...}`, a Flux schema file) nothing is judged: a key named
 * `labels` there is no label map. Walks iteratively: hostile input can nest thousands of levels deep.
 */
export function normaliseLabelMaps(doc: Document, pos: FilePosition): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { object, kind } of objectMaps(doc.contents)) {
    if (kind !== undefined && isAnalysedKind(kind)) {
      normaliseWithin(object, pos, out, objectReach(object, kind));
      continue;
    }
    const metadata = pairValue(object, 'metadata');
    if (!isMap(metadata)) continue;
    for (const key of ['labels', 'annotations']) {
      const map = pairValue(metadata, key);
      if (isMap(map)) normaliseMap(pos, key, map, out, objectReach(object, kind));
    }
  }
  // The walk is depth-first from the end; report in reading order.
  return out.sort((a, b) => (a.location && b.location ? compareLocations(a.location, b.location) : 0));
}
