/**
 * Name checks of `k8s.io/apimachinery/pkg/util/validation` (K-val, K-lbl). Each returns what is
 * wrong, or `undefined` when the name is valid.
 */

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A label key: `[prefix/]name` (IsQualifiedName). */
export function labelKeyError(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `label key "${key}" may contain at most one "/"`;
  const name = parts[parts.length - 1]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) return `label key "${key}" has an empty prefix`;
    if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) {
      return `label key prefix "${prefix}" must be a lowercase DNS subdomain`;
    }
  }
  if (name.length === 0) return `label key "${key}" has an empty name`;
  if (name.length > 63) return `label key "${key}" is longer than 63 characters`;
  if (!NAME_PART.test(name)) {
    return `label key "${key}" must consist of alphanumerics, "-", "_" or ".", and start and end with an alphanumeric`;
  }
  return undefined;
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
