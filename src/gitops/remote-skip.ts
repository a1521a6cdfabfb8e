import { posix } from 'node:path';
import { isScalar, type Node } from 'yaml';
import { type Diagnostic, REACH_ALL } from '../core/diagnostics.js';
import { kubeYamlDocument } from '../manifests/yaml-read.js';
import { dirOf, type Problem, type RemoteEntry } from './graph.js';

/**
 * `render.remote: skip`: a kustomization's remote resources/bases/components entry is left out of
 * the render. kustomize has no option for that, so in the render's copy of the repository the entry
 * is replaced, in place (the file keeps every other byte and line), by a local directory holding
 * an empty kustomization. An entry that cannot be replaced that way (written through an alias)
 * keeps its root from rendering: kustomize must never be handed a remote address.
 */

/** kustomize refuses a kustomization with no field as empty; `resources: []` adds nothing. */
const EMPTY_KUSTOMIZATION =
  'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n';
/** A `components` entry must be a Component. */
const EMPTY_COMPONENT = 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: []\n';

function standIn(entry: RemoteEntry): string {
  return `.policy-diff-skipped-${entry.field}-${entry.index}`;
}

/** The kustomization text with the entries replaced, or undefined when one cannot be. */
function replaced(text: string, entries: readonly RemoteEntry[]): string | undefined {
  const doc = kubeYamlDocument(text);
  const spans: [number, number, string][] = [];
  for (const entry of entries) {
    const node = doc.getIn([entry.field, entry.index], true) as Node | undefined;
    if (!isScalar(node) || node.value !== entry.value || !node.range) return undefined;
    spans.push([node.range[0], node.range[1], JSON.stringify(standIn(entry))]);
  }
  let out = text;
  for (const [start, end, value] of spans.sort((a, b) => b[0] - a[0])) {
    out = `${out.slice(0, start)}${value}${out.slice(end)}`;
  }
  return out;
}

/**
 * Rewrites `contents` (the files to materialise) so every skipped entry is left out; returns the
 * kustomization files it could not rewrite.
 */
export function leaveOutRemote(contents: Map<string, Buffer>, skipped: readonly Problem[]): Set<string> {
  const byFile = new Map<string, Map<string, RemoteEntry>>();
  for (const p of skipped) {
    if (!p.remote) continue;
    const entries = byFile.get(p.remote.file) ?? new Map<string, RemoteEntry>();
    entries.set(`${p.remote.field}[${p.remote.index}]`, p.remote);
    byFile.set(p.remote.file, entries);
  }
  const failed = new Set<string>();
  for (const [file, entries] of byFile) {
    const text = contents.get(file)?.toString('utf8');
    const edited = text === undefined ? undefined : replaced(text, [...entries.values()]);
    if (edited === undefined) {
      failed.add(file);
      continue;
    }
    contents.set(file, Buffer.from(edited, 'utf8'));
    for (const entry of entries.values()) {
      const dir = dirOf(file);
      const path = posix.join(dir === '.' ? '' : dir, standIn(entry), 'kustomization.yaml');
      const empty = entry.field === 'components' ? EMPTY_COMPONENT : EMPTY_KUSTOMIZATION;
      contents.set(path, Buffer.from(empty, 'utf8'));
    }
  }
  return failed;
}

/**
 * What a skipped entry leaves unknown: anything it would have added, namespaced or cluster-wide
 * (kustomize's `namespace:` leaves cluster-scoped kinds alone), so every change is uncertain. A
 * warning: the run is not failed, the user asked for the skip, and the report lists it.
 */
export function skippedDiagnostic(revision: string, p: Problem): Diagnostic {
  const entry = p.remote!;
  return {
    severity: 'warning',
    code: 'remote-resource-skipped',
    message: `remote ${entry.field} entry '${entry.value}' left out (render.remote: skip); what it would add is unknown, so every change is uncertain`,
    location: { revision, file: p.file, line: p.line, column: 1 },
    dropped: `what '${entry.value}' would add`,
    reach: REACH_ALL,
  };
}
