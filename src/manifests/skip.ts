import { type Document, isMap, isPair, isScalar, isSeq } from 'yaml';

const KUSTOMIZATION_FILES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

export function isKustomizationFile(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return KUSTOMIZATION_FILES.has(base);
}

/** Kustomize's own kinds describe how to build manifests, they are not cluster objects. */
export function isKustomizeKind(apiVersion: unknown, kind: unknown): boolean {
  return (
    (kind === 'Kustomization' || kind === 'Component') &&
    typeof apiVersion === 'string' &&
    apiVersion.startsWith('kustomize.config.k8s.io/')
  );
}

/** Byte ranges of every string scalar, walked iteratively so deep input cannot overflow the stack. */
function stringScalarRanges(docs: readonly Document[]): [number, number][] {
  const ranges: [number, number][] = [];
  const stack: unknown[] = docs.map((d) => d.contents);
  while (stack.length > 0) {
    const node = stack.pop();
    if (isScalar(node)) {
      if (typeof node.value === 'string' && node.range) ranges.push([node.range[0], node.range[1]]);
    } else if (isMap(node) || isSeq(node)) {
      for (const item of node.items) stack.push(item);
    } else if (isPair(node)) {
      stack.push(node.key, node.value);
    }
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}

function isInComment(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return text.slice(lineStart, offset).trimStart().startsWith('#');
}

/**
 * A Helm template has `{{` where YAML expects structure (`name: {{ .Values.x }}`, `{{- if }}` lines).
 * A plain manifest may legitimately carry `{{` inside strings (Prometheus annotations, Argo
 * parameters), so it only counts as a template when some `{{` is outside every string scalar.
 */
export function isHelmTemplate(text: string, docs: readonly Document[]): boolean {
  if (!text.includes('{{')) return false;
  if (docs.some((d) => d.errors.length > 0)) return true;
  const ranges = stringScalarRanges(docs);
  let r = 0;
  for (let at = text.indexOf('{{'); at >= 0; at = text.indexOf('{{', at + 2)) {
    while (r < ranges.length && (ranges[r]?.[1] ?? 0) <= at) r++;
    const range = ranges[r];
    const inString = range !== undefined && range[0] <= at && at < range[1];
    if (!inString && !isInComment(text, at)) return true;
  }
  return false;
}
