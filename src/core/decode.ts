import { suggestKey } from './suggest.js';

/** A path inside an object, e.g. `['spec', 'ingress', 0, 'from', 1]`. */
export type ObjectPath = readonly (string | number)[];

/** One thing the API server would reject, at a path inside the object. */
export interface Issue {
  readonly path: ObjectPath;
  readonly message: string;
}

export interface IssuesOptions {
  /**
   * Name the known field closest to an unknown one (`did you mean "principals"?`). Off for
   * NetworkPolicy, whose messages are kept as they were printed before this decoder was shared.
   */
  readonly suggest?: boolean;
}

/** Collects validation issues while a policy compiles; compiling never throws on user input. */
export class Issues {
  readonly items: Issue[] = [];

  constructor(private readonly options: IssuesOptions = {}) {}

  add(path: ObjectPath, message: string): void {
    this.items.push({ path, message });
  }

  /** An unknown field at `path` (whose last element is the key), with a likely typo named. */
  unknownField(path: ObjectPath, key: string, known: readonly string[]): void {
    const meant = this.options.suggest ? suggestKey(key, known) : undefined;
    this.add(path, `unknown field "${key}"${meant ? ` (did you mean "${meant}"?)` : ''}`);
  }

  get count(): number {
    return this.items.length;
  }
}

/** The record guard of the whole code base: a JSON object (a YAML map), not null, not a list. */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is a record, else `undefined`: for optional chains into raw YAML (`asRecord(spec)?.selector`). */
export function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return isRecord(value) ? value : undefined;
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
    if (!known.includes(key)) issues.unknownField([...path, key], key, known);
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

/** A list of structs, each element read with `known`; `undefined` elements are dropped. */
export function readStructList(
  value: unknown,
  path: ObjectPath,
  issues: Issues,
  known: readonly string[],
): readonly Readonly<Record<string, unknown>>[] | undefined {
  const list = readList(value, path, issues);
  if (list === undefined) return undefined;
  const out: Readonly<Record<string, unknown>>[] = [];
  list.forEach((item, i) => {
    const element = readElement(item, [...path, i], issues, known);
    if (element) out.push(element);
  });
  return out;
}

export function readString(value: unknown, path: ObjectPath, issues: Issues): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  issues.add(path, `must be a string, got ${show(value)}`);
  return undefined;
}

/** A `[]string` field; a non-string element is an issue at its index and is left out. */
export function readStringList(
  value: unknown,
  path: ObjectPath,
  issues: Issues,
): readonly string[] | undefined {
  const list = readList(value, path, issues);
  if (list === undefined) return undefined;
  const out: string[] = [];
  list.forEach((item, i) => {
    if (typeof item === 'string') out.push(item);
    else issues.add([...path, i], `must be a string, got ${show(item)}`);
  });
  return out;
}

export function readBoolean(value: unknown, path: ObjectPath, issues: Issues): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  issues.add(path, `must be a boolean, got ${show(value)}`);
  return undefined;
}

/** What an integer field holds: Kubernetes and Istio fields are int32 unless their type says otherwise. */
export interface IntegerRange {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

export const INT32: IntegerRange = { name: 'int32', min: -(2 ** 31), max: 2 ** 31 - 1 };
export const UINT32: IntegerRange = { name: 'uint32', min: 0, max: 2 ** 32 - 1 };

/**
 * An integer field (YAML `8080`, not `"8080"` nor `80.5`) within its type's range; the API server
 * rejects the others. A YAML integer of 2^53 or more has no exact JavaScript number (the parse
 * rounds it): refused rather than read as a neighbouring value.
 */
export function readInteger(
  value: unknown,
  path: ObjectPath,
  issues: Issues,
  range: IntegerRange = INT32,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    issues.add(path, `must be an integer, got ${show(value)}`);
    return undefined;
  }
  if (!Number.isSafeInteger(value)) {
    issues.add(path, `must be an ${range.name}: an integer of 2^53 or more cannot be read exactly`);
    return undefined;
  }
  if (value < range.min || value > range.max) {
    issues.add(path, `must be an ${range.name} (${range.min} to ${range.max}), got ${value}`);
    return undefined;
  }
  return value;
}

/** A `map[string]string` field such as `matchLabels`: every value must be a string. */
export function readStringMap(
  value: unknown,
  path: ObjectPath,
  issues: Issues,
): Readonly<Record<string, string>> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    issues.add(path, `must be a map of strings, got ${show(value)}`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') out[key] = item;
    else issues.add([...path, key], `must be a string, got ${show(item)}`);
  }
  return out;
}

/** One of a closed set of strings, e.g. `action: ALLOW | DENY | AUDIT | CUSTOM`. */
export function readEnum<T extends string>(
  value: unknown,
  path: ObjectPath,
  issues: Issues,
  allowed: readonly T[],
): T | undefined {
  const text = readString(value, path, issues);
  if (text === undefined) return undefined;
  if ((allowed as readonly string[]).includes(text)) return text as T;
  const meant = suggestKey(text, allowed);
  const hint = meant
    ? `did you mean "${meant}"?`
    : `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}`;
  issues.add(path, `unsupported value ${show(text)} (${hint})`);
  return undefined;
}
