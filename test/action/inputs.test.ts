import { describe, expect, it } from 'vitest';
import { parseInputs, splitGlobs } from '../../src/action/inputs.js';
import { ConfigurationError } from '../../src/core/errors.js';

/** Like core.getInput: '' for anything unset. */
const getter =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? '';

describe('parseInputs', () => {
  it('applies the defaults when only the token is set', () => {
    expect(parseInputs(getter({ 'github-token': 'tkn' }))).toEqual({
      token: 'tkn',
      failOn: ['new-errors'],
      comment: 'on-change',
    });
  });

  it('reads every input', () => {
    const inputs = parseInputs(
      getter({
        'github-token': ' tkn ',
        base: 'origin/main',
        head: 'HEAD',
        paths: 'clusters/**/*.yaml\napps/**/*.{yaml,yml}, policies/**',
        targets: 'clusters/prod,\n clusters/staging\n',
        config: 'ci/.policy-diff.yaml',
        'fail-on': 'opened,new-errors',
        comment: 'always',
        injection: 'all',
        'min-cpu-request': '50m',
        'min-memory-request': '64Mi',
      }),
    );
    expect(inputs).toEqual({
      token: 'tkn',
      base: 'origin/main',
      head: 'HEAD',
      paths: ['clusters/**/*.yaml', 'apps/**/*.{yaml,yml}', 'policies/**'],
      targets: ['clusters/prod', 'clusters/staging'],
      configPath: 'ci/.policy-diff.yaml',
      failOn: ['opened', 'new-errors'],
      comment: 'always',
      injection: 'all',
      minCpuRequest: '50m',
      minMemoryRequest: '64Mi',
    });
  });

  it('treats blank inputs as unset', () => {
    const inputs = parseInputs(getter({ base: '  ', paths: '\n,\n', comment: '', injection: '' }));
    expect(inputs).toEqual({ token: '', failOn: ['new-errors'], comment: 'on-change' });
  });

  it.each(['always', 'on-change', 'never', 'NEVER'])('accepts comment: %s', (comment) => {
    expect(parseInputs(getter({ comment })).comment).toBe(comment.toLowerCase());
  });

  it.each(['0.5', '1', '250m', '1e3'])('accepts min-cpu-request %s', (cpu) => {
    expect(parseInputs(getter({ 'min-cpu-request': cpu })).minCpuRequest).toBe(cpu);
  });

  it.each(['128Mi', '1G', '134217728', '1.5Gi'])('accepts min-memory-request %s', (mem) => {
    expect(parseInputs(getter({ 'min-memory-request': mem })).minMemoryRequest).toBe(mem);
  });

  it.each([
    [{ comment: 'sometimes' }, /comment: 'sometimes' is not one of always, on-change, never/],
    [{ injection: 'auto' }, /injection: 'auto' is not one of labelled, all, none/],
    [{ 'fail-on': 'opened,everything' }, /fail-on: unknown condition 'everything'/],
    [{ 'fail-on': 'none,opened' }, /fail-on: 'none' cannot be combined/],
    [{ 'min-cpu-request': '100 m' }, /min-cpu-request: '100 m' is not a Kubernetes quantity \(e\.g\. 100m\)/],
    [{ 'min-cpu-request': '-1' }, /min-cpu-request/],
    [
      { 'min-memory-request': '128MB' },
      /min-memory-request: '128MB' is not a Kubernetes quantity \(e\.g\. 128Mi\)/,
    ],
    [{ paths: 'ok/**,/etc/**' }, /paths: '\/etc\/\*\*' is absolute/],
  ])('rejects %j with a clear ConfigurationError', (values, message) => {
    const parse = () => parseInputs(getter(values));
    expect(parse).toThrow(ConfigurationError);
    expect(parse).toThrow(message);
  });
});

describe('splitGlobs', () => {
  it('splits on newlines and top-level commas only', () => {
    expect(splitGlobs('a/**/*.{yaml,yml},b/*.json\n\n  c/** \n# a comment\n')).toEqual([
      'a/**/*.{yaml,yml}',
      'b/*.json',
      'c/**',
    ]);
  });
});
