import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { ConfigurationError } from '../../src/core/errors.js';

const FILE = '.policy-diff.yaml';

function parseError(text: string): string {
  try {
    parseConfig(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseConfig: render', () => {
  it('defaults to discovering kustomizations, 30 s and 64 MiB per render', () => {
    expect(parseConfig('include: ["**/*.yaml"]\n', FILE).render).toEqual({
      roots: [],
      discover: true,
      timeoutSeconds: 30,
      maxOutputBytes: 64 * 1024 * 1024,
      remote: 'fail',
      repoURLs: [],
    });
  });

  it('reads the short form: a list of roots, paths normalised, release name from the chart directory', () => {
    const text = `render:
  - kustomize: ./overlays/prod/
  - helm: charts/api
    values: [values-prod.yaml, ../../envs/prod.yaml]
    namespace: prod
  - { kustomize: ., enableHelm: true }
`;
    expect(parseConfig(text, FILE).render).toEqual({
      ...DEFAULT_CONFIG.render,
      roots: [
        { tool: 'kustomize', path: 'overlays/prod', enableHelm: false },
        {
          tool: 'helm',
          path: 'charts/api',
          values: ['values-prod.yaml', '../../envs/prod.yaml'],
          namespace: 'prod',
          releaseName: 'api',
        },
        { tool: 'kustomize', path: '.', enableHelm: true },
      ],
    });
  });

  it('reads the long form with options', () => {
    const text = `render:
  discover: false
  timeoutSeconds: 5
  maxOutputBytes: 1000
  remote: skip
  repoURLs: [https://github.com/example/fleet, 'git@github.com:example/fleet.git']
  roots:
    - helm: charts/web
      releaseName: web-prod
`;
    expect(parseConfig(text, FILE).render).toEqual({
      roots: [{ tool: 'helm', path: 'charts/web', values: [], releaseName: 'web-prod' }],
      discover: false,
      timeoutSeconds: 5,
      maxOutputBytes: 1000,
      remote: 'skip',
      repoURLs: ['https://github.com/example/fleet', 'git@github.com:example/fleet.git'],
    });
  });

  it.each([
    [
      'a path outside the repository',
      'render: [{kustomize: ../other}]',
      'must be a relative path inside the repository',
    ],
    ['an absolute path', 'render: [{kustomize: /etc}]', 'must be a relative path inside the repository'],
    [
      'a values file outside the repository',
      'render: [{helm: charts/api, values: [../../../x.yaml]}]',
      'must be a path relative to the chart, inside the repository',
    ],
    ['neither tool', 'render: [{chart: x}]', "expected 'kustomize: <dir>' or 'helm: <chart dir>'"],
    ['both tools', 'render: [{kustomize: a, helm: b}]', "unknown key 'kustomize' in render[0]"],
    ['a helm key on a kustomize root', 'render: [{kustomize: a, values: [x]}]', "unknown key 'values'"],
    ['an invalid release name', 'render: [{helm: charts/My_Chart}]', "invalid Helm release name 'My_Chart'"],
    ['an invalid namespace', 'render: [{helm: c, namespace: Prod}]', "invalid namespace 'Prod'"],
    [
      'a zero timeout',
      'render: {timeoutSeconds: 0}',
      'render.timeoutSeconds: expected a whole number from 1 to 600',
    ],
    ['a misspelt option', 'render: {discovr: false}', "did you mean 'discover'?"],
  ])('refuses %s', (_, text, message) => {
    expect(parseError(`${text}\n`)).toContain(message);
  });
});
