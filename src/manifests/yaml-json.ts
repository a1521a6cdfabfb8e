import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parseDocument,
  type Scalar,
} from 'yaml';
import { flatCopy } from '../core/flat-text.js';
import { isMergeKey, KUBE_YAML } from './yaml-schema.js';

/**
 * A parsed document as the JSON kubectl sends: go-yaml v2 decoding into interface{}
 * (`goyaml.v2/decode.go`) then `sigs.k8s.io/yaml`'s conversion to JSON. What that refuses is a
 * `KubeJsonError`: excessive aliasing (go-yaml's own budget, so a "billion laughs" file costs
 * what kubectl lets it cost, and no more), a merge of a non-map, an anchor containing itself, a
 * non-scalar or null key, `.inf`/`.nan` (encoding/json has no such number).
 */
export class KubeJsonError extends Error {
  constructor(
    message: string,
    /** Where in the file: the node that could not be converted. */
    readonly offset: number,
    readonly code: 'yaml-alias-limit' | 'yaml-not-json',
  ) {
    super(message);
  }
}

// go-yaml v2's alias budget (decode.go allowedAliasRatio): a share of all decode operations that
// may come from alias expansion, 99% for small documents scaling down to 10% for big ones.
const RATIO_LOW = 400_000;
const RATIO_HIGH = 4_000_000;

function allowedAliasRatio(decodes: number): number {
  if (decodes <= RATIO_LOW) return 0.99;
  if (decodes >= RATIO_HIGH) return 0.1;
  return 0.99 - (0.89 * (decodes - RATIO_LOW)) / (RATIO_HIGH - RATIO_LOW);
}

/** Expansions are counted as numbers, never built: a bomb's count overflows nothing. */
const COUNT_CAP = 1e15;

function offsetOfNode(node: unknown): number {
  return (node as Node | null)?.range?.[0] ?? 0;
}

class Conversion {
  private decodes = 0;
  private aliased = 0;
  /** Decode operations of each node fully expanded, as go-yaml would walk it. */
  private readonly cost = new Map<Node, number>();
  private readonly expanding = new Set<Node>();
  /** Converted value of each node an alias points at: shared, as values are read-only. */
  private readonly values = new Map<Node, unknown>();

  constructor(private readonly doc: Document) {}

  run(): KubeJson {
    this.count(this.doc.contents);
    return { value: this.value(this.doc.contents), aliased: this.aliased };
  }

  private target(alias: Node): Node {
    const found = isAlias(alias) ? (alias.resolve(this.doc) as Node | undefined) : undefined;
    if (!found) throw new KubeJsonError('alias to an unknown anchor', offsetOfNode(alias), 'yaml-not-json');
    return found;
  }

  /** go-yaml's check, after `decodes` more operations of which `aliased` came from an alias. */
  private step(node: unknown, decodes: number, aliased: number): void {
    this.decodes = Math.min(COUNT_CAP, this.decodes + decodes);
    this.aliased = Math.min(COUNT_CAP, this.aliased + aliased);
    if (
      this.aliased > 100 &&
      this.decodes > 1000 &&
      this.aliased / this.decodes > allowedAliasRatio(this.decodes)
    ) {
      throw new KubeJsonError(
        `document contains excessive aliasing (${this.aliased} of ${this.decodes} values would come from aliases; kubectl refuses it)`,
        offsetOfNode(node),
        'yaml-alias-limit',
      );
    }
  }

  /**
   * Walks the document in go-yaml's order, counting. Inside an alias every operation is aliased, so
   * the ratio only grows while it is expanded: checking after the whole expansion is as exact as
   * checking at each step, and costs one addition.
   */
  private count(node: unknown): void {
    this.step(node, 1, 0);
    if (isAlias(node)) {
      const expanded = this.costOf(this.target(node));
      this.step(node, expanded, expanded);
    } else if (isSeq(node)) {
      for (const item of node.items) this.count(item);
    } else if (isMap(node)) {
      for (const pair of node.items as Pair[]) {
        if (isMergeKey(pair.key)) {
          this.countMerge(pair.value);
        } else {
          this.count(pair.key);
          this.count(pair.value);
        }
      }
    }
  }

  /** A merge decodes its source (each one of a list, last first) without counting the `<<` key. */
  private countMerge(value: unknown): void {
    if (isSeq(value)) for (const item of [...value.items].reverse()) this.count(item);
    else this.count(value);
  }

  private costOf(node: unknown): number {
    const known = this.cost.get(node as Node);
    if (known !== undefined) return known;
    if (this.expanding.has(node as Node)) {
      const anchor = (node as Node).anchor ?? '';
      throw new KubeJsonError(
        `anchor '${anchor}' value contains itself`,
        offsetOfNode(node),
        'yaml-not-json',
      );
    }
    this.expanding.add(node as Node);
    let total = 1;
    if (isAlias(node)) total += this.costOf(this.target(node));
    else if (isSeq(node)) for (const item of node.items) total += this.costOf(item);
    else if (isMap(node)) {
      for (const pair of node.items as Pair[]) {
        if (!isMergeKey(pair.key)) total += this.costOf(pair.key) + this.costOf(pair.value);
        else if (isSeq(pair.value)) for (const item of pair.value.items) total += this.costOf(item);
        else total += this.costOf(pair.value);
      }
    }
    this.expanding.delete(node as Node);
    const capped = Math.min(COUNT_CAP, total);
    this.cost.set(node as Node, capped);
    return capped;
  }

  private value(node: unknown): unknown {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = this.target(node);
      if (!this.values.has(target)) this.values.set(target, this.value(target));
      return this.values.get(target);
    }
    if (isScalar(node)) return this.scalar(node.value, node);
    if (isSeq(node)) return node.items.map((item) => this.value(item));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items as Pair[]) {
        if (isMergeKey(pair.key)) this.merge(pair.value, out);
        else set(out, this.key(pair.key), this.value(pair.value));
      }
      return out;
    }
    return null;
  }

  private scalar(value: unknown, node: Node): unknown {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      // `.inf`/`.nan`: encoding/json refuses them. A huge integer kubectl would send as a
      // big.Int has no JavaScript number: refused too, which fails closed.
      const special = /^[-+]?\.(inf|nan)$/i.test((node as Scalar).source ?? '');
      throw new KubeJsonError(
        special
          ? `${String(value)} cannot be sent as JSON (kubectl refuses the document)`
          : 'an integer too large to analyse',
        offsetOfNode(node),
        'yaml-not-json',
      );
    }
    return typeof value === 'string' && value.length >= SLICED_MIN ? flatCopy(value) : value;
  }

  /** go-yaml v2 merges in order: a later entry, merged or written, replaces an earlier one. */
  private merge(source: unknown, out: Record<string, unknown>): void {
    const sources = isSeq(source) ? [...source.items].reverse() : [source];
    for (const item of sources) {
      const map = isAlias(item) ? this.target(item) : item;
      if (!isMap(map)) {
        throw new KubeJsonError(
          'map merge requires map or sequence of maps as the value',
          offsetOfNode(item),
          'yaml-not-json',
        );
      }
      const merged = this.value(item) as Record<string, unknown>;
      for (const key of Object.keys(merged)) set(out, key, merged[key]);
    }
  }

  /** `sigs.k8s.io/yaml`'s key conversion: strings, ints, floats and booleans become text. */
  private key(node: unknown): string {
    const value = this.value(node);
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new KubeJsonError(
      `a map key that is ${value === null ? 'null' : 'a list or a map'} cannot be sent as JSON (kubectl refuses the document)`,
      offsetOfNode(node),
      'yaml-not-json',
    );
  }
}

/** Assignment that also takes `__proto__` as a plain key, as JSON does. */
/**
 * V8 makes a substring this long or longer a view on its parent (a sliced string), shorter ones
 * are copies. The readers take scalars as substrings of the file (fast-yaml-values.ts, the yaml
 * package), so such a string kept in a body keeps its whole file text alive: an `image:` or a
 * `name:` held 1,800 of L's file texts for the whole run after the files themselves were dropped
 * (files parsed on a worker thread come back copied anyway). Copied flat (core/flat-text.ts).
 */
const SLICED_MIN = 13;

function set(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

export interface KubeJson {
  readonly value: unknown;
  /** Values that come from expanding aliases and merges (what go-yaml counts against its budget). */
  readonly aliased: number;
}

/** The JSON value kubectl would send for `doc`; throws `KubeJsonError` where kubectl refuses it. */
export function toKubeJson(doc: Document): KubeJson {
  return new Conversion(doc).run();
}

/**
 * One YAML document read as kubectl (and istiod, Helm, Flux: all use `sigs.k8s.io/yaml`) reads it.
 * Throws on a syntax error or what kubectl refuses.
 */
export function kubeYamlValue(text: string): unknown {
  const doc = parseDocument(text, KUBE_YAML);
  if (doc.errors.length > 0) throw doc.errors[0];
  return toKubeJson(doc).value;
}
