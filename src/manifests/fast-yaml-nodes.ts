import { Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

/**
 * `yaml` nodes for the fast reader, built without their constructors. Every node's constructor
 * marks its kind with Object.defineProperty (yaml's NodeBase), a slow path in V8 that cost the
 * fast reader a sixth of its time; these constructors inherit the mark from a prototype made once
 * per kind instead. `isScalar`, `isMap`, `isSeq`, `isPair`, `instanceof` and every method see the
 * same nodes (the mark is read, never written).
 */

const NODE_TYPE = Symbol.for('yaml.node.type');

function marked<T extends object>(base: T, sample: object): T {
  const type = (sample as Record<symbol, unknown>)[NODE_TYPE];
  return Object.create(base, { [NODE_TYPE]: { value: type } }) as T;
}

const SCALAR = marked(Scalar.prototype, new Scalar(null));
const MAP = marked(YAMLMap.prototype, new YAMLMap());
const SEQ = marked(YAMLSeq.prototype, new YAMLSeq());
const PAIR = marked(Pair.prototype, new Pair(null));

type Range = [number, number, number];

interface ScalarFields {
  value: unknown;
  source: string;
  type: Scalar.Type;
  range: Range;
}

function FastScalar(this: ScalarFields, value: unknown, source: string, type: Scalar.Type, range: Range) {
  this.value = value;
  this.source = source;
  this.type = type;
  this.range = range;
}
FastScalar.prototype = SCALAR;

interface CollectionFields {
  items: unknown[];
  range: Range;
  flow?: boolean;
}

function FastMap(this: CollectionFields, range: Range) {
  this.items = [];
  this.range = range;
}
FastMap.prototype = MAP;

function FastSeq(this: CollectionFields, range: Range) {
  this.items = [];
  this.range = range;
}
FastSeq.prototype = SEQ;

function FastPair(this: { key: unknown; value: unknown }, key: unknown, value: unknown) {
  this.key = key;
  this.value = value;
}
FastPair.prototype = PAIR;

type Ctor<A extends unknown[], T> = new (...args: A) => T;

export const scalarNode = FastScalar as unknown as Ctor<[unknown, string, Scalar.Type, Range], Scalar>;
export const mapNode = FastMap as unknown as Ctor<[Range], YAMLMap>;
export const seqNode = FastSeq as unknown as Ctor<[Range], YAMLSeq>;
export const pairNode = FastPair as unknown as Ctor<[Scalar, unknown], Pair>;
