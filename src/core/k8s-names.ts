/**
 * The Kubernetes name rules of `k8s.io/apimachinery/pkg/util/validation` (K-val, K-lbl), once for
 * the policy decoders and the config. Each check returns what is wrong, or `undefined` when the
 * name is valid. The config words its errors for its own readers (src/config/k8s-names.ts) but
 * asks these checks what is wrong, so both accept exactly the same names.
 */

/** A qualified name part or label value: alphanumerics, `-`, `_`, `.`, alphanumeric at both ends. */
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What is wrong with each part of a label key; a valid key has none. */
export interface LabelKeyIssues {
  /** The text before the first `/` is empty or no DNS subdomain. */
  readonly prefix?: string;
  /** More than one `/`. */
  readonly slashes?: string;
  /** The name after the `/` (the whole key without one). */
  readonly name?: string;
}

/** A label key: `[prefix/]name` (IsQualifiedName), each part checked on its own. */
export function labelKeyIssues(key: string): LabelKeyIssues {
  const parts = key.split('/');
  const prefix = parts.length > 1 ? prefixError(key, parts[0]!) : undefined;
  const slashes = parts.length > 2 ? `label key "${key}" may contain at most one "/"` : undefined;
  const name = parts.length > 2 ? undefined : nameError(key, parts[parts.length - 1]!);
  return { ...(prefix ? { prefix } : {}), ...(slashes ? { slashes } : {}), ...(name ? { name } : {}) };
}

function prefixError(key: string, prefix: string): string | undefined {
  if (prefix.length === 0) return `label key "${key}" has an empty prefix`;
  if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) {
    return `label key prefix "${prefix}" must be a lowercase DNS subdomain`;
  }
  return undefined;
}

function nameError(key: string, name: string): string | undefined {
  if (name.length === 0) return `label key "${key}" has an empty name`;
  if (name.length > 63) return `label key "${key}" is longer than 63 characters`;
  if (!NAME_PART.test(name)) {
    return `label key "${key}" must consist of alphanumerics, "-", "_" or ".", and start and end with an alphanumeric`;
  }
  return undefined;
}

/** A label key's first problem, in the order the API server reports them. */
export function labelKeyError(key: string): string | undefined {
  const issues = labelKeyIssues(key);
  return issues.slashes ?? issues.prefix ?? issues.name;
}

/** A label value: empty, or up to 63 alphanumerics, `-`, `_`, `.` starting and ending alphanumeric. */
export function labelValueError(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return `label value "${value}" is longer than 63 characters`;
  if (!NAME_PART.test(value)) {
    return `label value "${value}" must consist of alphanumerics, "-", "_" or ".", and start and end with an alphanumeric`;
  }
  return undefined;
}

/** A namespace name: a DNS-1123 label (IsDNS1123Label). */
export function namespaceNameError(name: string): string | undefined {
  if (name.length > 63) return 'a namespace name has at most 63 characters';
  if (!DNS1123_LABEL.test(name)) {
    return 'a namespace name has lowercase letters, digits and -, and starts and ends with a letter or digit';
  }
  return undefined;
}

/** An IANA_SVC_NAME (IsValidPortName): what a named `port` must be. */
export function portNameError(name: string): string | undefined {
  const problem =
    name.length === 0 || name.length > 15
      ? 'must be 1 to 15 characters'
      : !/^[-a-z0-9]+$/.test(name)
        ? 'must contain only lowercase alphanumerics and "-"'
        : !/[a-z]/.test(name)
          ? 'must contain at least one letter'
          : name.includes('--')
            ? 'must not contain consecutive "-"'
            : name.startsWith('-') || name.endsWith('-')
              ? 'must not start or end with "-"'
              : undefined;
  return problem && `port name "${name}" ${problem}`;
}
