import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { parseSourceFile } from '../../src/manifests/parse.js';
import type { K8sObject } from '../../src/manifests/types.js';

/**
 * Parses inline YAML (one or more documents) into objects, for tests. Throws when the text has an
 * error diagnostic, so a typo in a fixture fails loudly instead of silently dropping an object;
 * to test diagnostics themselves call `parseSourceFile` directly.
 */
export function objectsFromYaml(text: string, file = 'test.yaml', revision = 'test'): K8sObject[] {
  const parsed = parseSourceFile({ path: file, text }, revision);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    throw new Error(`fixture ${file} has errors:\n${errors.map(formatDiagnostic).join('\n')}`);
  return parsed.objects;
}
