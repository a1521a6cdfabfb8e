import { labelKeyIssues, labelValueError } from '../core/k8s-names.js';

/**
 * Kubernetes name rules, so a typo in the config fails here rather than silently matching nothing.
 * The rules are core/k8s-names.ts's (namespace names are checked there directly); this file only
 * says label rules the way the config's errors read (`invalid key 'X': <problem>`), naming the
 * rule instead of repeating the key.
 */

/** Label and annotation keys: `[prefix/]name` with a DNS-subdomain prefix. */
export function labelKeyProblem(key: string): string | undefined {
  const issues = labelKeyIssues(key);
  if (issues.prefix) return 'the prefix before / must be a lowercase DNS subdomain';
  if (issues.slashes || issues.name) {
    return 'the name must have at most 63 characters: letters, digits, -, _ and ., starting and ending with a letter or digit';
  }
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (!labelValueError(value)) return undefined;
  return 'a label value has at most 63 characters: letters, digits, -, _ and ., starting and ending with a letter or digit';
}
