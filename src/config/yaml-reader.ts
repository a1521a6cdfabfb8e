import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Scalar,
} from 'yaml';
import { ConfigurationError } from '../core/errors.js';
import { suggestKey } from '../core/suggest.js';

/** A YAML node with the dotted path users see in messages (`mesh.injection`, `findings.accept[0]`). */
export interface Field {
  readonly node: Node;
  readonly path: string;
}

/** An entry of a mapping; `value` is undefined for `key:` with nothing (or `null`) after it. */
export interface Entry {
  readonly key: string;
  readonly keyNode: Node;
  readonly value: Field | undefined;
}

/**
 * Walks the YAML AST (not plain JS data) so every error can name the line of the offending node.
 * All failures throw ConfigurationError as `file:line: message`.
 */
export class YamlReader {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  fail(node: Node | undefined, message: string): never {
    const offset = node?.range?.[0];
    const line = offset === undefined ? 1 : this.lines.linePos(offset).line;
    throw new ConfigurationError(`${this.file}:${line}: ${message}`);
  }

  /** Follows `*alias` to its anchor so aliases validate like the node they stand for. */
  resolve(node: Node): Node {
    if (!isAlias(node)) return node;
    const target = node.resolve(this.doc);
    return target ?? this.fail(node, `unknown alias '*${node.source}'`);
  }

  /** The entries of a mapping; keys outside `allowed` (when given) are errors with a suggestion. */
  entries(field: Field, allowed?: readonly string[], hint?: string): Entry[] {
    const node = this.resolve(field.node);
    if (!isMap(node))
      this.fail(node, `${field.path || 'the config'}: expected a mapping, got ${describe(node)}`);
    return node.items.map((pair) => {
      const keyNode = pair.key as Node;
      const key = this.keyText(keyNode, field.path);
      if (allowed && !allowed.includes(key)) {
        this.fail(keyNode, unknownKeyMessage(key, field.path, allowed, hint));
      }
      const path = field.path === '' ? key : `${field.path}.${key}`;
      const value = isNull(pair.value as Node | null) ? undefined : { node: pair.value as Node, path };
      return { key, keyNode, value };
    });
  }

  /** Entries as a record for sections with fixed keys: `section.get('mesh')`. */
  section(field: Field | undefined, allowed: readonly string[], hint?: string): Map<string, Field> {
    const result = new Map<string, Field>();
    if (!field) return result;
    for (const entry of this.entries(field, allowed, hint)) {
      if (entry.value) result.set(entry.key, entry.value);
    }
    return result;
  }

  items(field: Field): Field[] {
    const node = this.resolve(field.node);
    if (!isSeq(node)) this.fail(node, `${field.path}: expected a list, got ${describe(node)}`);
    return node.items.map((item, index) => ({ node: item as Node, path: `${field.path}[${index}]` }));
  }

  /** A non-empty string; numbers and booleans are refused with a hint to quote them. */
  string(field: Field, what = 'a non-empty string', options: { allowEmpty?: boolean } = {}): string {
    const node = this.resolve(field.node);
    if (!isScalar(node)) return this.fail(node, `${field.path}: expected ${what}, got ${describe(node)}`);
    const value = node.value;
    if (typeof value === 'number' || typeof value === 'boolean') {
      const quoted = `"${sourceOf(node)}"`;
      this.fail(
        node,
        `${field.path}: expected ${what}, got the ${typeof value} ${String(value)}; quote it: ${quoted}`,
      );
    }
    if (typeof value !== 'string') this.fail(node, `${field.path}: expected ${what}, got ${describe(node)}`);
    if (!options.allowEmpty && value.trim() === '') this.fail(node, `${field.path}: must not be empty`);
    return value;
  }

  boolean(field: Field): boolean {
    const node = this.resolve(field.node);
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'boolean')
      this.fail(node, `${field.path}: expected true or false, got ${describe(node)}`);
    return value;
  }

  oneOf<T extends string>(field: Field, values: readonly T[]): T {
    const value = this.string(field, `one of ${quoteList(values)}`);
    if (!(values as readonly string[]).includes(value)) {
      this.fail(field.node, `${field.path}: expected one of ${quoteList(values)}, got '${value}'`);
    }
    return value as T;
  }

  stringList(field: Field): string[] {
    return this.items(field).map((item) => this.string(item));
  }

  private keyText(keyNode: Node, path: string): string {
    const key = isScalar(keyNode) ? keyNode.value : undefined;
    if (typeof key === 'string' && key !== '') return key;
    const where = path === '' ? 'at the top level' : `in ${path}`;
    return this.fail(keyNode, `keys ${where} must be non-empty strings, got ${describe(keyNode)}`);
  }
}

function isNull(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

function sourceOf(node: Scalar): string {
  return typeof node.source === 'string' ? node.source : String(node.value);
}

function describe(node: Node | null | undefined): string {
  if (!node) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) return 'null';
    if (typeof value === 'string') return `the string '${value}'`;
    return `the ${typeof value} ${String(value)}`;
  }
  return 'an unsupported node';
}

export function quoteList(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function unknownKeyMessage(key: string, path: string, allowed: readonly string[], hint?: string): string {
  const where = path === '' ? 'at the top level' : `in ${path}`;
  const suggestion = suggestKey(key, allowed);
  const help = suggestion ? `did you mean '${suggestion}'?` : `expected ${quoteList(allowed)}`;
  return `unknown key '${key}' ${where}; ${help}${hint ? ` (${hint})` : ''}`;
}
