import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import type { TargetSection } from '../../src/report/types.js';
import { report } from '../action/report-fixture.js';
import { htmlProblems, renderGfm } from '../helpers/gfm.js';

const quiet = report({}).summary;

function target(name: string, opened = 0, incomplete = false): TargetSection {
  return { name, changed: opened > 0, summary: { ...quiet, opened }, incomplete };
}

/** kubeflow's shape: 65 render roots, a few of which a PR touches. */
function many(): TargetSection[] {
  const names = Array.from({ length: 62 }, (_, i) => `apps/component-number-${i}/upstream/overlays/istio`);
  return [
    target('apps/pipeline/upstream', 2),
    ...names.map((n) => target(n)),
    target('common/istio/overlays/insecure', 1),
    target('common/broken', 0, true),
  ];
}

describe('the Targets line', () => {
  it('names every target when there are few, the changed first', () => {
    const r = { ...report({}), targets: [target('clusters/staging'), target('clusters/prod', 1)] };
    expect(renderText(r)).toContain('Targets: clusters/prod opens 1; clusters/staging no change\n');
  });

  it('counts many targets, names the changed and incomplete ones, and folds the rest in Markdown', () => {
    const r = { ...report({}), targets: many() };
    const text = renderText(r);
    const line = text.split('\n').find((l) => l.startsWith('Targets:')) ?? '';
    expect(line).toBe(
      'Targets: 65 targets, 2 changed: apps/pipeline/upstream opens 2' +
        '; common/istio/overlays/insecure opens 1; common/broken no change, incomplete; 62 unchanged',
    );
    expect(line.length).toBeLessThan(200);
    const markdown = renderMarkdown(r);
    expect(markdown).toContain(
      'Targets: 65 targets, 2 changed: `apps/pipeline/upstream` opens 2; `common/istio/overlays/insecure` opens 1; `common/broken` no change, incomplete; 62 unchanged\n\n<details><summary>62 unchanged targets</summary>\n\n`apps/component-number-0/upstream/overlays/istio`, ',
    );
    const details = markdown.slice(markdown.indexOf('<details><summary>62 unchanged'));
    expect(details.slice(0, details.indexOf('</details>')).split('`, `')).toHaveLength(62);
    expect(htmlProblems(renderGfm(markdown))).toEqual([]);
  });
});
