import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { parseSourceFile } from '../../src/manifests/parse.js';

/**
 * Each row: a YAML value and what kubectl sends for it (`sigs.k8s.io/yaml` YAMLToJSON: go-yaml v2
 * scalars, `goyaml.v2/resolve.go`, then encoding/json), written as JSON.
 */
const parse = (text: string) => parseSourceFile({ path: 'cm.yaml', text }, 'main');
const codes = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.severity}:${d.code}`);

function sent(yamlValue: string): unknown {
  const parsed = parse(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nx: ${yamlValue}\n`);
  expect(codes(parsed.diagnostics)).toEqual([]);
  return parsed.objects[0]?.body.x;
}

describe('scalars resolve as kubectl resolves them (YAML 1.1, go-yaml v2)', () => {
  it.each([
    // integers: Go strconv.ParseInt base 0 after dropping underscores
    ['05432', 2842],
    ['0o17', 15],
    ['0x1F', 31],
    ['-0x10', -16],
    ['0b101', 5],
    ['-0b101', -5],
    ['+12', 12],
    ['1_000', 1000],
    ['0', 0],
    ['00', 0],
    // not octal, but a YAML-style float: 9.0, which JSON writes as 9
    ['09', 9],
    ['1e3', 1000],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['+.5', 0.5],
    ['1_2.5', 12.5],
    // out of float64 range: ParseFloat fails, so it stays a string
    ['1e999', '1e999'],
    // go-yaml v2 has no sexagesimal numbers
    ['1:20', '1:20'],
    ['190:20:30', '190:20:30'],
    // timestamps decoded into interface{} stay the text written
    ['2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
    ['2024-01-02', '2024-01-02'],
    // booleans in their YAML 1.1 case forms
    ['y', true],
    ['Y', true],
    ['yes', true],
    ['Yes', true],
    ['YES', true],
    ['on', true],
    ['On', true],
    ['ON', true],
    ['True', true],
    ['n', false],
    ['N', false],
    ['no', false],
    ['off', false],
    ['OFF', false],
    ['FALSE', false],
    // not in go-yaml's table: strings
    ['oN', 'oN'],
    ['yES', 'yES'],
    ['nULL', 'nULL'],
    // nulls
    ['~', null],
    ['null', null],
    ['Null', null],
    ['NULL', null],
    ['', null],
    // quoting and explicit tags
    ['"05432"', '05432'],
    ["'on'", 'on'],
    ['!!str 0x10', '0x10'],
    ['!!int "0x10"', 16],
    ['!!float 1', 1],
    ['!!timestamp 2001-12-14', '2001-12-14'],
    ['!!binary YXBp', 'api'],
    ['!!binary |\n    YX\n    Bp', 'api'],
    ['!Ref foo', 'foo'],
    ['0x', '0x'],
    ['.', '.'],
    ['1.2.3', '1.2.3'],
  ])('%s is sent as %j', (yamlValue, expected) => {
    expect(sent(yamlValue)).toStrictEqual(expected);
  });

  it.each([
    // encoding/json refuses NaN and ±Inf: kubectl cannot send the object at all
    ['.nan', 'yaml-not-json'],
    ['-.Inf', 'yaml-not-json'],
    ['+.inf', 'yaml-not-json'],
    // base64.StdEncoding: padding required
    ['!!binary YXB', 'yaml-syntax'],
    ['!!int abc', 'yaml-syntax'],
  ])('%s: kubectl refuses the document', (yamlValue, code) => {
    const parsed = parse(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nx: ${yamlValue}\n`);
    expect(parsed.objects).toEqual([]);
    expect(codes(parsed.diagnostics)).toEqual([`error:${code}`]);
    expect(parsed.diagnostics[0]?.location?.line).toBe(4);
  });

  it('converts keys as sigs.k8s.io/yaml does: booleans and numbers become their text', () => {
    const parsed = parse(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nx: {on: a, 0x10: b, 010: c}\n',
    );
    expect(parsed.objects[0]?.body.x).toStrictEqual({ true: 'a', '16': 'b', '8': 'c' });
  });

  it('a null key cannot be sent as JSON', () => {
    const parsed = parse('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nx: {~: a}\n');
    expect(codes(parsed.diagnostics)).toEqual(['error:yaml-not-json']);
  });
});

describe('merge keys as go-yaml v2 merges them', () => {
  const body = (text: string) =>
    parse(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n${text}`).objects[0]?.body;

  it.each([
    ['one map', 'a: &a {x: 1, w: 2}\nb: {<<: *a, w: 3}\n', { x: 1, w: 3 }],
    // a list: earlier maps take precedence
    ['a list of maps', 'a: &a {x: 1}\nc: &c {x: 2, z: 2}\nb: {<<: [*a, *c]}\n', { x: 1, z: 2 }],
    // go-yaml v2 applies entries in order: a merge after an explicit key replaces it
    ['an explicit key before the merge', 'a: &a {x: 1}\nb: {x: 5, <<: *a}\n', { x: 1 }],
    ['an explicit key after the merge', 'a: &a {x: 1}\nb: {<<: *a, x: 5}\n', { x: 5 }],
    ['an inline map', 'b: {<<: {x: 1}, w: 2}\n', { x: 1, w: 2 }],
    ['two merge keys', 'a: &a {x: 1}\nc: &c {w: 2}\nb:\n  <<: *a\n  <<: *c\n', { x: 1, w: 2 }],
    ['a quoted "<<" is a plain key', 'b: {"<<": 1}\n', { '<<': 1 }],
  ])('%s', (_what, text, expected) => {
    expect(body(text)?.b).toStrictEqual(expected);
  });

  it('a merge of a scalar is refused, as kubectl refuses it', () => {
    const parsed = parse('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\na: &a 1\nb: {<<: *a}\n');
    expect(codes(parsed.diagnostics)).toEqual(['error:yaml-not-json']);
    expect(parsed.diagnostics[0]?.location?.line).toBe(5);
  });

  it('an anchor containing itself is refused', () => {
    const parsed = parse('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\na: &a [1, *a]\n');
    expect(codes(parsed.diagnostics)).toEqual(['error:yaml-not-json']);
  });

  it('locates a merged key where it is written (the anchor)', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\na: &a\n  x: 1\n  w: 2\nb:\n  <<: *a\n  w: 3\n';
    const obj = parse(text).objects[0]!;
    expect(obj.locate(['b', 'x']).line).toBe(5);
    expect(obj.locate(['b', 'w']).line).toBe(9);
  });
});
