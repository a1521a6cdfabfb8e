import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { buildLayerMatrices } from '../../src/analysis/layers.js';
import { renderConnlist, renderConnlistDiff } from '../../src/render/connlist.js';
import { runAnalysis, runDiff } from '../../src/run.js';
import { PROJECT_ROOT, sharedPath } from '../helpers/shared.js';
import { expectSameText } from '../helpers/unified-diff.js';

/**
 * np-guard/netpol-analyzer's own cases, read in place from ../shared/conformance (read-only).
 * Our `connlist` and `connlist-diff` formats must equal their expected files line for line.
 */
const root = sharedPath('conformance', 'netpol-analyzer');
const cases = JSON.parse(readFileSync(join(root, 'cases.json'), 'utf8')) as {
  connlist: { input: string; expected: string }[];
  diff: { base: string; head: string; expected: string }[];
};

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

describe('netpol-analyzer connlist', () => {
  for (const c of cases.connlist) {
    const run = KNOWN_DIFFERENCES[c.input] ? it.skip : it;
    run(c.input, async () => {
      const { revision } = await runAnalysis(join(root, c.input), options);
      const [matrix] = buildLayerMatrices(revision, revision, 'l4');
      expectSameText(renderConnlist(matrix), readFileSync(join(root, c.expected), 'utf8'), c.expected);
    });
  }
});

describe('netpol-analyzer diff', () => {
  for (const c of cases.diff) {
    const name = `${c.base} -> ${c.head}`;
    const run = KNOWN_DIFFERENCES[name] ? it.skip : it;
    run(name, async () => {
      const { report } = await runDiff({
        ...options,
        base: join(root, c.base),
        head: join(root, c.head),
        layer: 'l4',
      });
      expectSameText(renderConnlistDiff(report), readFileSync(join(root, c.expected), 'utf8'), c.expected);
    });
  }
});
