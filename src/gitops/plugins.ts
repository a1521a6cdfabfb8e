import { isRecord } from '../core/decode.js';
import type { AliasBudget } from '../manifests/alias-budget.js';
import { kubeDocumentJson, kubeYamlDocuments } from '../manifests/yaml-read.js';
import type { Closure, Problem } from './graph.js';
import type { ParsedKustomization } from './kustomization.js';

/** Annotations that turn a configuration into a KRM function (an exec binary or a container). */
const FUNCTION_ANNOTATIONS = ['config.kubernetes.io/function', 'config.k8s.io/function'];

/**
 * Why a generators/transformers/validators configuration would run code, or undefined when it
 * names a kustomize builtin (`apiVersion: builtin`), which runs nothing but kustomize itself.
 */
export function pluginReason(text: string, budget?: AliasBudget): string | undefined {
  let docs: unknown[];
  try {
    // Read as kustomize reads it (yaml-read.ts); a document it cannot read refuses the plugin.
    docs = kubeYamlDocuments(text).map((d) => kubeDocumentJson(d, budget));
  } catch {
    return 'unreadable plugin configuration';
  }
  for (const doc of docs) {
    if (doc === null) continue;
    if (!isRecord(doc)) return 'unreadable plugin configuration';
    const metadata = isRecord(doc.metadata) ? doc.metadata : {};
    const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
    const fn = FUNCTION_ANNOTATIONS.find((a) => a in annotations);
    if (fn) return `KRM function (${fn}) in ${String(doc.kind)}`;
    if (doc.apiVersion !== 'builtin') return `plugin ${String(doc.apiVersion)} ${String(doc.kind)}`;
  }
  return undefined;
}

/** Plugins anywhere in the closure: each is a problem, so the root is not rendered. */
export function pluginProblems(
  closure: Closure,
  contents: ReadonlyMap<string, Buffer>,
  parsed: ReadonlyMap<string, ParsedKustomization>,
  budget?: AliasBudget,
): Problem[] {
  const problems: Problem[] = [];
  const refuse = (reason: string, file: string, line: number): void => {
    problems.push({
      code: 'plugin-refused',
      message: `plugin not run: ${reason}`,
      file,
      line,
    });
  };
  for (const plugin of closure.pluginFiles) {
    const text = contents.get(plugin.path)?.toString('utf8');
    const reason = text === undefined ? 'unreadable plugin configuration' : pluginReason(text, budget);
    if (reason) refuse(`${reason} (${plugin.path})`, plugin.from, plugin.line);
  }
  for (const dir of closure.dirs) {
    const k = parsed.get(dir);
    for (const inline of k?.inlinePlugins ?? []) {
      const reason = pluginReason(inline.text, budget);
      if (reason && k) refuse(`${reason} (inline in ${inline.field})`, k.file, inline.line);
    }
  }
  return problems;
}
