import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isMap, isScalar, parseAllDocuments, visit } from 'yaml';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import { renderConnlist, renderConnlistDiff } from '../../src/render/connlist.js';
import { runAnalysis, runDiff } from '../../src/run.js';
import { conformanceRoot } from '../helpers/conformance-root.js';
import { PROJECT_ROOT } from '../helpers/shared.js';
import { expectSameText } from '../helpers/unified-diff.js';

/**
 * np-guard/netpol-analyzer's own cases, read in place from ../shared/conformance (read-only).
 * Our `connlist` and `connlist-diff` formats must equal their expected files line for line.
 */
const root = conformanceRoot('netpol-analyzer');
interface Cases {
  connlist: { input: string; expected: string }[];
  diff: { base: string; head: string; expected: string }[];
}
const read = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8')) as Cases;
// NetworkPolicy cases, then the AdminNetworkPolicy / BaselineAdminNetworkPolicy ones (SEMANTICS B).
const cases: Cases = (() => {
  const np = read('cases.json');
  const anp = read('cases-anp.json');
  return { connlist: [...np.connlist, ...anp.connlist], diff: [...np.diff, ...anp.diff] };
})();

/** Cases where we are sure the expected file is wrong, with the reason. */
const KNOWN_DIFFERENCES: Record<string, string> = {
  // The NetworkPolicy is named `use_common_labels_same_values`: `_` is no DNS subdomain, so the API
  // server rejects it and it takes no effect (issue 13); netpol-analyzer does not check names and
  // applies it. test/model/conformance.test.ts asserts the invalid-name error for this input.
  'tests/example_pods_w_same_owner_and_labels_gap_with_good_match_expression':
    'the policy has an invalid name the API server rejects',
};

/**
 * netpol-analyzer treats hostNetwork pods like any pod; Kubernetes leaves it undefined (SEMANTICS
 * A17) and our default is the Calico/Cilium behaviour, so these cases run with its profile.
 */
const options = {
  repo: root,
  configPath: join(PROJECT_ROOT, 'test', 'conformance', 'netpol-analyzer-profile.yaml'),
};

/**
 * The AdminNetworkPolicy CRD requires both selectors of a `pods` peer or subject (NamespacedPod:
 * `required: [namespaceSelector, podSelector]` in network-policy-api's CRD up to v0.1.7), so the
 * API server rejects these cases' policies, and we report them invalid and not enforced.
 * netpol-analyzer reads a missing podSelector as `{}`. To still check the tiers line for line,
 * these cases run on a temporary copy with `podSelector: {}` written in (what netpol-analyzer
 * reads); test/l4/anp-decode.test.ts asserts the rejection itself.
 */
const MISSING_POD_SELECTOR = new Set([
  'tests/anp_demo',
  'tests/anp_test_12',
  'tests/anp_test_12_swapping_rules',
  'tests/anp_test_3_pass_traffic',
  'tests/anp_test_8',
  'tests/anp_test_8_swapping_rules',
  'tests/anp_test_9',
  'tests/anp_test_9_swapping_rules',
  'tests/anp_test_combining_test_6_and_test_10',
]);

let scratch: string | undefined;
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** The case folder to analyse: in place, or a patched copy for MISSING_POD_SELECTOR cases. */
function inputOf(folder: string): string {
  const patched = withPodSelectors(join(root, folder));
  expect(patched !== undefined, `${folder}: missing podSelector`).toBe(MISSING_POD_SELECTOR.has(folder));
  if (patched === undefined) return join(root, folder);
  scratch ??= mkdtempSync(join(tmpdir(), 'npa-anp-'));
  const out = join(scratch, folder);
  mkdirSync(out, { recursive: true });
  for (const [name, text] of patched) writeFileSync(join(out, name), text);
  return out;
}

/** Every file of the folder, with `podSelector: {}` added where a `pods` map lacks it; undefined if none does. */
function withPodSelectors(dir: string): Map<string, string> | undefined {
  const files = new Map<string, string>();
  let changed = false;
  for (const name of readdirSync(dir)) {
    const text = readFileSync(join(dir, name), 'utf8');
    if (!/\.ya?ml$/.test(name) || !text.includes('AdminNetworkPolicy')) {
      files.set(name, text);
      continue;
    }
    const docs = parseAllDocuments(text);
    let fileChanged = false;
    for (const doc of docs) {
      visit(doc, {
        Pair(_, pair) {
          if (
            isScalar(pair.key) &&
            pair.key.value === 'pods' &&
            isMap(pair.value) &&
            !pair.value.has('podSelector')
          ) {
            pair.value.set('podSelector', {});
            fileChanged = true;
          }
        },
      });
    }
    changed ||= fileChanged;
    files.set(name, fileChanged ? docs.map((d) => d.toString()).join('---\n') : text);
  }
  return changed ? files : undefined;
}

describe('netpol-analyzer connlist', () => {
  for (const c of cases.connlist) {
    const run = KNOWN_DIFFERENCES[c.input] ? it.skip : it;
    run(c.input, async () => {
      const input = inputOf(c.input);
      const { revision } = await runAnalysis(input, { ...options, repo: dirname(input) });
      const [matrix] = buildLayerMatrices(revision, revision, 'l4');
      expectSameText(
        renderConnlist(matrix, revision.l4.ipPieces),
        readFileSync(join(root, c.expected), 'utf8'),
        c.expected,
      );
    });
  }
});

describe('netpol-analyzer diff', () => {
  for (const c of cases.diff) {
    const name = `${c.base} -> ${c.head}`;
    const run = KNOWN_DIFFERENCES[name] ? it.skip : it;
    run(name, async () => {
      const base = inputOf(c.base);
      const head = inputOf(c.head);
      const { report } = await runDiff({ ...options, base, head, layer: 'l4' });
      expectSameText(renderConnlistDiff(report), readFileSync(join(root, c.expected), 'utf8'), c.expected);
    });
  }
});
