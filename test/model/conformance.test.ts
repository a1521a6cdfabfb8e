import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { parseSourceFile } from '../../src/manifests/parse.js';
import type { K8sObject } from '../../src/manifests/types.js';
import { buildModel } from '../../src/model/build.js';
import { conformanceRoot } from '../helpers/conformance-root.js';

/** The shared conformance data, read in place (never copied into the repo). */
const ROOT = conformanceRoot('netpol-analyzer');

interface ConnlistCase {
  readonly input: string;
  readonly expected: string;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : /\.(ya?ml|json)$/.test(name) ? [path] : [];
    });
}

function loadCase(input: string) {
  const dir = join(ROOT, input);
  const objects: K8sObject[] = [];
  const diagnostics = [];
  for (const path of filesUnder(dir)) {
    const parsed = parseSourceFile(
      { path: path.slice(dir.length + 1), text: readFileSync(path, 'utf8') },
      'conformance',
    );
    objects.push(...parsed.objects);
    diagnostics.push(...parsed.diagnostics);
  }
  const built = buildModel(objects, DEFAULT_CONFIG, 'conformance');
  return { model: built.model, diagnostics: [...diagnostics, ...built.diagnostics] };
}

/** Workload peers named on any line of an expected connlist output (`a => b : conns`). */
function expectedPeers(expectedFile: string): Set<string> {
  const peers = new Set<string>();
  for (const line of readFileSync(join(ROOT, expectedFile), 'utf8').split('\n')) {
    const match = /^(\S+) => (\S+) : /.exec(line);
    if (!match) continue;
    for (const peer of [match[1], match[2]]) if (peer && !peer.endsWith('[External]')) peers.add(peer);
  }
  return peers;
}

const cases: readonly ConnlistCase[] = existsSync(ROOT)
  ? (JSON.parse(readFileSync(join(ROOT, 'cases.json'), 'utf8')) as { connlist: ConnlistCase[] }).connlist
  : [];

/** Inputs netpol-analyzer accepts although Kubernetes would not (a misspelt `containerport`). */
const EXPECTED_ERRORS: Readonly<Record<string, readonly string[]>> = {
  'tests/netpol_named_port_test_2': ['invalid-port'],
  // NetworkPolicy `use_common_labels_same_values`: `_` is no DNS subdomain; the API server rejects it.
  'tests/example_pods_w_same_owner_and_labels_gap_with_good_match_expression': ['invalid-name'],
};

describe.skipIf(cases.length === 0)('netpol-analyzer conformance inputs', () => {
  it.each(cases.map((c) => [c.input, c] as const))(
    '%s: the workloads are the peers of the expected output',
    (_name, c) => {
      const { model, diagnostics } = loadCase(c.input);
      const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
      expect(errors).toEqual(EXPECTED_ERRORS[c.input] ?? []);
      const ids = model.workloads.map((w) => w.id);
      const expected = expectedPeers(c.expected);
      // Required: every peer netpol-analyzer lists is a workload of ours.
      expect([...expected].filter((p) => !ids.includes(p))).toEqual([]);
      // A fully isolated workload could be absent from the expected file; none of these cases has one.
      expect(ids.filter((id) => !expected.has(id))).toEqual([]);
    },
  );

  it.each([
    ['tests/onlineboutique_workloads', 12, 'default/adservice[Deployment]'],
    [
      'tests/multiple_topology_resources_1',
      24,
      'kube-system-dummy-to-ignore/kube-dns-amd64-d66bf76db[ReplicaSet]',
    ],
    [
      'tests/example_pods_w_same_owner_and_labels_gap_with_good_match_expression',
      2,
      'default/internal-security[Pod]',
    ],
    ['tests/netpol_named_port_test_2', 2, 'helloworld/new-pod[Deployment]'],
  ])('%s: %i workloads including %s', (input, count, id) => {
    const { model } = loadCase(input);
    expect(model.workloads).toHaveLength(count);
    expect(model.workloads.map((w) => w.id)).toContain(id);
  });

  it('objects without a namespace make `default` exist implicitly with its name label', () => {
    const { model } = loadCase('tests/netpol-analysis-example-minimal');
    expect(model.namespaces.get('default')).toEqual({
      name: 'default',
      origin: 'implicit',
      labels: { 'kubernetes.io/metadata.name': 'default' },
      annotations: {},
    });
  });
});
