import { type Document, LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import type { AliasBudget } from './alias-budget.js';
import { toKubeJson } from './yaml-json.js';
import { KUBE_YAML } from './yaml-schema.js';

/**
 * YAML that is not itself a manifest but decides what the cluster gets (a kustomization, a plugin
 * configuration, a patch, a render tool's output) is read as the tools that consume it read it:
 * kustomize, kubectl, Helm and Flux all decode with `sigs.k8s.io/yaml` (go-yaml v2 scalars, `<<`
 * merge keys, go-yaml's alias budget: yaml-schema.ts, yaml-json.ts). The `yaml` package's own
 * schema would read `namespace: yes` as a string, `010` as ten and `<<` as a plain key.
 */

/** Every document of `text`, parsed with the go-yaml v2 rules; syntax errors stay on each document. */
export function kubeYamlDocuments(text: string, lines?: LineCounter): Document[] {
  return [...parseAllDocuments(text, lines ? { ...KUBE_YAML, lineCounter: lines } : KUBE_YAML)] as Document[];
}

/** One document (a kustomization file is one), parsed with the go-yaml v2 rules. */
export function kubeYamlDocument(text: string, lines = new LineCounter()): Document {
  return parseDocument(text, { ...KUBE_YAML, lineCounter: lines });
}

/**
 * The JSON value `sigs.k8s.io/yaml` makes of a parsed document. Throws what it refuses (a syntax
 * error, `KubeJsonError`) and, when `budget` is given, when the run's alias budget is spent
 * (alias-budget.ts), so an alias bomb costs no more here than in a manifest.
 */
export function kubeDocumentJson(doc: Document, budget?: AliasBudget): unknown {
  const error = doc.errors[0];
  if (error) throw error;
  const { value, aliased } = toKubeJson(doc);
  if (budget && !budget.spend(aliased)) {
    throw new Error(
      `aliases and merge keys expand to ${aliased} values, beyond what is left of the run's budget`,
    );
  }
  return value;
}

/** One YAML text's single value, `undefined` when it is not one readable document. */
export function kubeYamlValueOrUndefined(text: string, budget?: AliasBudget): unknown {
  try {
    const docs = kubeYamlDocuments(text);
    return docs.length === 1 ? kubeDocumentJson(docs[0]!, budget) : undefined;
  } catch {
    return undefined;
  }
}
