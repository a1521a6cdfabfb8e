/** Kubernetes name rules, so a typo in the config fails here rather than silently matching nothing. */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A reason the namespace name is invalid, or undefined when it is valid. */
export function namespaceNameProblem(name: string): string | undefined {
  if (name.length > 63) return 'a namespace name has at most 63 characters';
  if (!DNS_LABEL.test(name)) {
    return 'a namespace name has lowercase letters, digits and -, and starts and ends with a letter or digit';
  }
  return undefined;
}

/** Label and annotation keys: `[prefix/]name` with a DNS-subdomain prefix. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return 'the prefix before / must be a lowercase DNS subdomain';
  }
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return 'the name must have at most 63 characters: letters, digits, -, _ and ., starting and ending with a letter or digit';
  }
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !QUALIFIED_NAME.test(value)) {
    return 'a label value has at most 63 characters: letters, digits, -, _ and ., starting and ending with a letter or digit';
  }
  return undefined;
}
