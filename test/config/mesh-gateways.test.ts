import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigurationError } from '../../src/core/errors.js';

// mesh.gateways (issue 17): gateway pods installed outside the repository.

const FILE = 'repo/.policy-diff.yaml';

function parseError(text: string): string {
  try {
    parseConfig(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('mesh.gateways', () => {
  it('reads each entry; serviceAccount defaults to the name', () => {
    const config = parseConfig(
      `mesh:
  gateways:
    - {name: istio-ingressgateway, namespace: istio-ingress, labels: {istio: ingressgateway}}
    - name: edge
      namespace: edge
      labels: {app: edge, istio: edge}
      serviceAccount: edge-sa
`,
      FILE,
    );
    expect(config.mesh.gateways).toEqual([
      {
        name: 'istio-ingressgateway',
        namespace: 'istio-ingress',
        labels: { istio: 'ingressgateway' },
        serviceAccount: 'istio-ingressgateway',
      },
      { name: 'edge', namespace: 'edge', labels: { app: 'edge', istio: 'edge' }, serviceAccount: 'edge-sa' },
    ]);
  });

  it('is absent by default', () => {
    expect(parseConfig('mesh:\n  injection: all\n', FILE).mesh.gateways).toBeUndefined();
  });

  it.each([
    ['no namespace', '- {name: gw, labels: {a: b}}', /mesh\.gateways\[0\]\.namespace: missing/],
    ['no name', '- {namespace: gw, labels: {a: b}}', /mesh\.gateways\[0\]\.name: missing/],
    ['no labels', '- {name: gw, namespace: gw}', /labels: missing/],
    ['empty labels', '- {name: gw, namespace: gw, labels: {}}', /list at least one label/],
    [
      'an invalid label value',
      '- {name: gw, namespace: gw, labels: {a: "b c"}}',
      /invalid label value 'b c'/,
    ],
    ['an invalid namespace', '- {name: gw, namespace: Edge, labels: {a: b}}', /invalid namespace 'Edge'/],
    ['an invalid name', '- {name: Gw_1, namespace: gw, labels: {a: b}}', /'Gw_1' is not a Deployment name/],
    [
      'an unknown key',
      '- {name: gw, namespace: gw, labels: {a: b}, serviceaccount: x}',
      /did you mean 'serviceAccount'/,
    ],
    [
      'a duplicate',
      '- {name: gw, namespace: gw, labels: {a: b}}\n    - {name: gw, namespace: gw, labels: {c: d}}',
      /gateway gw\/gw is listed twice/,
    ],
    ['not a list', '{name: gw}', /expected a list/],
  ])('rejects %s', (_, entries, message) => {
    expect(parseError(`mesh:\n  gateways:\n    ${entries}\n`)).toMatch(message);
  });
});
