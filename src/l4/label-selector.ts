import {
  type Issues,
  isRecord,
  readElement,
  readList,
  readString,
  readStruct,
  show,
} from '../core/decode.js';
import { labelKeyError, labelValueError } from '../core/k8s-names.js';
import type { Labels, ObjectPath } from '../manifests/types.js';

export const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
export type SelectorOperator = (typeof SELECTOR_OPERATORS)[number];

interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: ReadonlySet<string>;
}

/** A compiled `LabelSelector`: the requirements are ANDed (A15); no requirement matches everything. */
export class LabelSelectorMatcher {
  /** Label keys the selector looks at: only these can change its answer. */
  readonly keys: readonly string[];

  constructor(
    /** Canonical form: two selectors with equal canonical forms select the same label sets. */
    readonly canonical: string,
    private readonly requirements: readonly Requirement[],
  ) {
    this.keys = [...new Set(requirements.map((r) => r.key))];
  }

  /** Per key, the values an In/NotIn requirement names: any other value is answered alike. */
  get values(): readonly (readonly [string, ReadonlySet<string>])[] {
    return this.requirements.map((r) => [r.key, r.values] as const);
  }

  get matchesAll(): boolean {
    return this.requirements.length === 0;
  }

  matches(labels: Labels): boolean {
    return this.requirements.every((r) => matchesRequirement(r, labels));
  }
}

function matchesRequirement(r: Requirement, labels: Labels): boolean {
  const present = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case 'In':
      return present && r.values.has(labels[r.key]!);
    case 'NotIn':
      return !present || !r.values.has(labels[r.key]!);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
}

/**
 * Compiles selectors once per revision and shares identical ones (by canonical form), so a
 * thousand policies with `app: web` hold one matcher (STYLE: compiled matcher model).
 */
export class SelectorCompiler {
  private readonly byCanonical = new Map<string, LabelSelectorMatcher>();

  /** Every distinct selector compiled so far. */
  get matchers(): IterableIterator<LabelSelectorMatcher> {
    return this.byCanonical.values();
  }

  /**
   * `raw` is a present selector (the caller decides what absent or `null` means, A1/A15).
   * Returns `undefined` and records issues when the API server would reject the selector.
   */
  compile(raw: unknown, path: ObjectPath, issues: Issues): LabelSelectorMatcher | undefined {
    const before = issues.count;
    const selector = readStruct(raw, path, issues, ['matchLabels', 'matchExpressions']) ?? {};
    const requirements = [
      ...readMatchLabels(selector.matchLabels, [...path, 'matchLabels'], issues),
      ...readExpressions(selector.matchExpressions, [...path, 'matchExpressions'], issues),
    ];
    if (issues.count > before) return undefined;
    return this.intern(requirements);
  }

  private intern(requirements: Requirement[]): LabelSelectorMatcher {
    const parts = requirements
      .map((r) => JSON.stringify([r.key, r.operator, [...r.values].sort()]))
      .sort()
      .filter((p, i, all) => i === 0 || all[i - 1] !== p);
    const canonical = `[${parts.join(',')}]`;
    let matcher = this.byCanonical.get(canonical);
    if (!matcher) {
      matcher = new LabelSelectorMatcher(canonical, requirements);
      this.byCanonical.set(canonical, matcher);
    }
    return matcher;
  }
}

/** `matchLabels: {k: v}` is `k In (v)` [K-lbl]. */
function readMatchLabels(raw: unknown, path: ObjectPath, issues: Issues): Requirement[] {
  if (raw === undefined || raw === null) return [];
  if (!isRecord(raw)) {
    issues.add(path, `must be a map of label keys to values, got ${show(raw)}`);
    return [];
  }
  const out: Requirement[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const keyError = labelKeyError(key);
    if (keyError) issues.add([...path, key], keyError);
    if (typeof value !== 'string') {
      issues.add([...path, key], `label value must be a string, got ${show(value)}`);
      continue;
    }
    const valueError = labelValueError(value);
    if (valueError) issues.add([...path, key], valueError);
    out.push({ key, operator: 'In', values: new Set([value]) });
  }
  return out;
}

function readExpressions(raw: unknown, path: ObjectPath, issues: Issues): Requirement[] {
  const list = readList(raw, path, issues) ?? [];
  const out: Requirement[] = [];
  list.forEach((item, i) => {
    const requirement = readExpression(item, [...path, i], issues);
    if (requirement) out.push(requirement);
  });
  return out;
}

/** ValidateLabelSelectorRequirement [K-val]: operator, values per operator, key, each value. */
function readExpression(raw: unknown, path: ObjectPath, issues: Issues): Requirement | undefined {
  const expr = readElement(raw, path, issues, ['key', 'operator', 'values']);
  if (!expr) return undefined;
  const key = readString(expr.key, [...path, 'key'], issues) ?? '';
  const keyError = labelKeyError(key);
  if (keyError) issues.add([...path, 'key'], keyError);
  const operator = readString(expr.operator, [...path, 'operator'], issues);
  const values = (readList(expr.values, [...path, 'values'], issues) ?? []).flatMap((v, i) => {
    const value = readString(v, [...path, 'values', i], issues);
    const valueError = value === undefined ? undefined : labelValueError(value);
    if (valueError) issues.add([...path, 'values', i], valueError);
    return value === undefined ? [] : [value];
  });
  if (!SELECTOR_OPERATORS.includes(operator as SelectorOperator)) {
    issues.add(
      [...path, 'operator'],
      `unsupported operator ${show(operator)}: must be one of ${SELECTOR_OPERATORS.join(', ')}`,
    );
    return undefined;
  }
  const op = operator as SelectorOperator;
  const needsValues = op === 'In' || op === 'NotIn';
  if (needsValues && values.length === 0) {
    issues.add([...path, 'values'], `values must be non-empty when operator is ${op}`);
  }
  if (!needsValues && values.length > 0) {
    issues.add([...path, 'values'], `values must be empty when operator is ${op}`);
  }
  return { key, operator: op, values: new Set(values) };
}
