import type { ObjectPath } from '../manifests/types.js';

/** One thing the API server would reject, at a path inside the object. */
export interface Issue {
  readonly path: ObjectPath;
  readonly message: string;
}

/** Collects validation issues while a policy compiles; compiling never throws on user input. */
export class Issues {
  readonly items: Issue[] = [];

  add(path: ObjectPath, message: string): void {
    this.items.push({ path, message });
  }

  get count(): number {
    return this.items.length;
  }
}

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `spec.ingress[0].from[1]`, the form `kubectl` prints in validation errors. */
export function formatPath(path: ObjectPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A short rendering of a user value for messages. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * A list field: JSON `null` and a missing field both decode to a nil slice in Go, so both are
 * `undefined` here; anything that is not a list is an issue (and also `undefined`).
 */
export function readList(value: unknown, path: ObjectPath, issues: Issues): readonly unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  issues.add(path, `must be a list, got ${show(value)}`);
  return undefined;
}

/**
 * A struct field: `null` and missing are `undefined`; a non-object is an issue. Unknown fields are
 * issues too: with strict field validation (kubectl's default since 1.27) the API server rejects
 * them, and a typo such as `podselector` would otherwise silently widen a rule.
 */
export function readStruct(
  value: unknown,
  path: ObjectPath,
  issues: Issues,
  known: readonly string[],
): Readonly<Record<string, unknown>> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    issues.add(path, `must be an object, got ${show(value)}`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) issues.add([...path, key], `unknown field "${key}"`);
  }
  return value;
}

/** A list element of struct type: Go decodes `null` in a list of structs as the zero value `{}`. */
export function readElement(
  value: unknown,
  path: ObjectPath,
  issues: Issues,
  known: readonly string[],
): Readonly<Record<string, unknown>> | undefined {
  return value === null ? {} : readStruct(value, path, issues, known);
}

export function readString(value: unknown, path: ObjectPath, issues: Issues): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  issues.add(path, `must be a string, got ${show(value)}`);
  return undefined;
}
