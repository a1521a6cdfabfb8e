import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Issues } from '../../src/core/decode.js';
import { SelectorCompiler } from '../../src/l4/label-selector.js';

function compile(yaml: string, compiler = new SelectorCompiler()) {
  const issues = new Issues();
  const matcher = compiler.compile(parse(yaml), ['sel'], issues);
  return { matcher, issues: issues.items.map((i) => i.message) };
}

describe('A15 label selectors', () => {
  const labels = { app: 'web', tier: 'front', empty: '' };
  it.each([
    ['{}', true],
    ['{matchLabels: {app: web}}', true],
    ['{matchLabels: {app: db}}', false],
    ['{matchLabels: {app: web, tier: back}}', false],
    ['{matchLabels: {empty: ""}}', true],
    ['{matchExpressions: [{key: app, operator: In, values: [db, web]}]}', true],
    ['{matchExpressions: [{key: missing, operator: In, values: [x]}]}', false],
    ['{matchExpressions: [{key: app, operator: NotIn, values: [web]}]}', false],
    ['{matchExpressions: [{key: missing, operator: NotIn, values: [x]}]}', true],
    ['{matchExpressions: [{key: tier, operator: Exists}]}', true],
    ['{matchExpressions: [{key: missing, operator: Exists}]}', false],
    ['{matchExpressions: [{key: missing, operator: DoesNotExist}]}', true],
    ['{matchExpressions: [{key: app, operator: DoesNotExist}]}', false],
    ['{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [back]}]}', false],
    ['{matchLabels: null, matchExpressions: null}', true],
  ])('%s matches {app: web, tier: front}: %s', (yaml, expected) => {
    const { matcher, issues } = compile(yaml);
    expect(issues).toEqual([]);
    expect(matcher!.matches(labels)).toBe(expected);
  });

  it('does not match inherited object properties as labels', () => {
    expect(compile('{matchExpressions: [{key: constructor, operator: Exists}]}').matcher!.matches({})).toBe(
      false,
    );
  });

  it('shares one matcher per canonical form and reports the keys it reads', () => {
    const compiler = new SelectorCompiler();
    const a = compile('{matchLabels: {app: web, tier: front}}', compiler).matcher!;
    const b = compile(
      '{matchExpressions: [{key: tier, operator: In, values: [front]}, {key: app, operator: In, values: [web]}]}',
      compiler,
    ).matcher!;
    expect(a).toBe(b);
    expect([...a.keys].sort()).toEqual(['app', 'tier']);
    const c = compile('{matchExpressions: [{key: app, operator: In, values: [web, db]}]}', compiler).matcher!;
    const d = compile('{matchExpressions: [{key: app, operator: In, values: [db, web, db]}]}', compiler)
      .matcher!;
    expect(c).toBe(d);
    expect(c).not.toBe(a);
    expect([...compiler.matchers]).toHaveLength(2);
  });

  it.each([
    ['{matchExpressions: [{key: a, operator: in, values: [x]}]}', /unsupported operator "in"/],
    [
      '{matchExpressions: [{key: a, operator: NotIn, values: []}]}',
      /values must be non-empty when operator is NotIn/,
    ],
    ['{matchExpressions: [{key: a, operator: DoesNotExist, values: [x]}]}', /values must be empty/],
    ['{matchExpressions: [{operator: Exists}]}', /label key "" has an empty name/],
    ['{matchLabels: {"Example.com/a": x}}', /must be a lowercase DNS subdomain/],
    ['{matchLabels: {a: [x]}}', /label value must be a string/],
    ['{matchLabels: [a]}', /must be a map/],
    ['{matchLabels: {a: x}, extra: 1}', /unknown field "extra"/],
    ['{matchExpressions: {key: a}}', /must be a list/],
    [`{matchLabels: {a: ${'x'.repeat(64)}}}`, /longer than 63/],
  ])('rejects %s', (yaml, message) => {
    const { matcher, issues } = compile(yaml);
    expect(matcher).toBeUndefined();
    expect(issues.join('\n')).toMatch(message);
  });

  it('accepts prefixed keys and dotted values', () => {
    const { matcher, issues } = compile('{matchLabels: {app.kubernetes.io/name: my.app_1}}');
    expect(issues).toEqual([]);
    expect(matcher!.matches({ 'app.kubernetes.io/name': 'my.app_1' })).toBe(true);
  });
});
