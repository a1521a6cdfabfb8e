import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { runDiff } from '../../src/run.js';
import { expectGolden } from '../helpers/golden.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

/**
 * An incomplete run: head opens client -> api in namespaces orders and billing, and holds input
 * that is not understood. The headline says so first and names it; every change it could
 * explain is marked uncertain in every format, the provably unrelated one stays certain.
 */
describe.each([
  // An invalid NetworkPolicy in orders: only pairs with an end in orders can be wrong.
  ['invalid-policy', ['orders']],
  // A YAML syntax error: nothing proves which namespace the file is about, so every change.
  ['yaml-error', ['orders', 'billing']],
])('incomplete report (%s)', async (name, uncertainNamespaces) => {
  const { report } = await runDiff({
    repo: PROJECT_ROOT,
    base: 'fixtures/incomplete/base',
    head: `fixtures/incomplete/head-${name}`,
  });

  it('is incomplete and marks exactly the changes the problem could explain', () => {
    expect(report.incomplete).toBe(true);
    expect(report.changes.map((c) => [c.destination.namespace, c.kind, c.uncertain])).toEqual(
      ['billing', 'orders'].map((ns) => [ns, 'opened', uncertainNamespaces.includes(ns)]),
    );
    for (const c of report.changes.filter((c) => c.uncertain))
      expect(c.uncertainBecause).toEqual([
        expect.stringMatching(/^fixtures\/incomplete\/head-[a-z-]+:policies\/orders-metrics\.yaml:\d+ /),
      ]);
  });
  it('text', () => expectGolden(renderText(report), `incomplete/${name}.txt`));
  it('markdown', () => expectGolden(renderMarkdown(report), `incomplete/${name}.md`));
  it('json', () => expectGolden(`${JSON.stringify(report, null, 2)}\n`, `incomplete/${name}.json`));
});
