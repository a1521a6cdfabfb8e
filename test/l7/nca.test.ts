import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../../src/compile/compile-policies.js';
import { compileIstio } from '../../src/l7/engine.js';
import { ConnSet } from '../../src/values/conn-set.js';
import { conformanceRoot } from '../helpers/conformance-root.js';
import { config, deploy, modelFromYaml, namespace, peer, workload } from './fixtures.js';
import { at } from './helpers.js';

/**
 * NCA's bookinfo cases (/work/shared/conformance/nca), where every pod has a sidecar: our HTTP
 * outcome per port, printed as cubes, must equal NCA's cubes for that port (NCA lists them in its own
 * order, so compare sorted).
 */
const NCA = conformanceRoot('nca', 'tests', 'fw_rules_tests', 'policies');
const BOOKINFO =
  namespace('default', { 'istio-injection': 'enabled' }) +
  deploy('details', 'default', { sa: 'bookinfo-details' }) +
  deploy('productpage', 'default', { sa: 'bookinfo-productpage' }) +
  deploy('reviews', 'default', { sa: 'bookinfo-reviews' });

function ncaCubes(line: string, port: string): string[] {
  const conn = line.slice(line.indexOf('conn: ') + 'conn: '.length);
  const cubes = conn.slice(1, -1).split('},{');
  return cubes
    .filter((c) => c.startsWith(`dst_ports:${port},`) || (port === '*' && !c.startsWith('dst_ports:')))
    .map((c) => c.replace(/^dst_ports:[^,a-z]*,?/, ''))
    .sort();
}

function ours(policy: string, src: string, dst: string, port: number): string[] {
  const model = modelFromYaml(
    BOOKINFO + readFileSync(`${NCA}/${policy}`, 'utf8').replace(/^(apiVersion)/m, '---\n$1'),
  );
  // No Service in these pod lists; NCA assumes mTLS (E11 would make them plaintext passthrough).
  const cfg = config({ undeclaredPorts: 'service' });
  const cell = compileIstio(model, cfg, compilePolicies(model, cfg).istio).evaluate(
    peer(model, src),
    workload(model, dst),
    ConnSet.all,
  );
  return at(cell, port, 'http').requests.cubeStrings().sort();
}

const expected = (file: string) => readFileSync(`${NCA}/expected_output/${file}`, 'utf8').split('\n');

describe('NCA conformance of the cube notation', () => {
  it.each([80, 90, 100])('methods/paths/hosts, productpage -> details port %i', (port) => {
    const line = expected('istio-bookinfo-connectivity_test_methods_paths_1_query_output.txt').find((l) =>
      l.includes('dst_pods: [app=details]'),
    )!;
    const want = ncaCubes(line, String(port));
    expect(want.length).toBeGreaterThan(0);
    expect(ours('istio-bookinfo-policy-test-methods-paths.yaml', 'productpage', 'details', port)).toEqual(
      want,
    );
  });

  it('methods/paths/hosts, productpage -> details on any other port', () => {
    const line = expected('istio-bookinfo-connectivity_test_methods_paths_1_query_output.txt').find((l) =>
      l.includes('dst_pods: [app=details]'),
    )!;
    const other = line.slice(line.lastIndexOf('{dst_ports:1-79'));
    expect(ours('istio-bookinfo-policy-test-methods-paths.yaml', 'productpage', 'details', 8080)).toEqual([
      other.slice(1, -1).replace(/^dst_ports:[^a-z]*/, ''),
    ]);
  });

  it('DENY methods GET gives methods:all but GET', () => {
    const line = expected('istio-bookinfo-connectivity_test_operation_deny_1_query_output.txt').find((l) =>
      l.startsWith('src_ns: [default] src_pods: [*] dst_ns: [default] dst_pods: [*]'),
    )!;
    expect(ncaCubes(line, '*')).toEqual(['methods:all but GET']);
    expect(ours('istio-bookinfo-policy-test-operation-deny-example.yaml', 'reviews', 'details', 80)).toEqual(
      ncaCubes(line, '*'),
    );
  });
});
