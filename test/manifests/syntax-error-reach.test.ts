import { describe, expect, it } from 'vitest';
import { REACH_ALL, reachOf } from '../../src/core/diagnostics.js';
import { parseSourceFile } from '../../src/manifests/parse.js';

const inProd = (name: string): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: prod}
spec: {podSelector: {}}
`;

/**
 * A syntax error makes every pair uncertain even where the namespaces around it are known: the
 * broken document could be an AdminNetworkPolicy, a Namespace or an object of another namespace
 * (parse.ts, syntaxErrors, says why no narrower reach is provable).
 */
describe('a YAML syntax error keeps reach all', () => {
  it.each([
    ['every other document of the file is in prod', `${inProd('a')}---\nkind: [\n---\n${inProd('b')}`],
    [
      'the broken document says prod before the error',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: c, namespace: prod}\nspec: {podSelector: [}\n',
    ],
    ['the file sits in a namespace-named folder', 'metadata: {namespace: prod\n'],
  ])('%s', (_name, text) => {
    const parsed = parseSourceFile({ path: 'namespaces/prod/np.yaml', text }, 'head');
    const errors = parsed.diagnostics.filter((d) => d.code === 'yaml-syntax');
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(reachOf(error)).toEqual(REACH_ALL);
  });
});
