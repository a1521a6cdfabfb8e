import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { incompleteHeadline, MAX_HEADLINE_PROBLEMS } from '../../src/render/uncertainty.js';
import type { PathChange } from '../../src/report/types.js';
import { change, report } from '../action/report-fixture.js';

const error = (i: number): Diagnostic => ({
  severity: 'error',
  code: 'yaml-syntax',
  message: `bad ${i}`,
  location: { revision: 'head', file: `f${i}.yaml`, line: i, column: 1 },
});
const incomplete = (errors: number, changes: PathChange[]) => ({
  ...report({ changes, incomplete: true, summary: { errors } }),
  diagnostics: Array.from({ length: errors }, (_, i) => error(i + 1)),
});

describe('the headline of an incomplete report', () => {
  it('is absent when the report is complete', () => {
    expect(incompleteHeadline(report({ changes: [change()] }))).toBeUndefined();
  });

  it('names the first errors and counts the rest, in text and Markdown, before any change', () => {
    const r = incomplete(7, [
      change({ uncertain: true, uncertainBecause: ['head:f1.yaml:1 yaml-syntax'] }),
      change(),
    ]);
    const h = incompleteHeadline(r)!;
    expect(h.lead).toBe(
      '7 input problems could not be read or understood: 1 of 2 listed changes could be explained by it and is marked uncertain, so the check fails closed.',
    );
    expect(h.problems.map((d) => d.message)).toEqual(['bad 1', 'bad 2', 'bad 3', 'bad 4', 'bad 5']);
    expect(h.more).toBe(7 - MAX_HEADLINE_PROBLEMS);
    const text = renderText(r);
    expect(text.indexOf('ANALYSIS INCOMPLETE')).toBeLessThan(text.indexOf('Opened'));
    expect(text).toContain(
      '  head:f5.yaml:5:1: error: bad 5 [yaml-syntax]\n  and 2 more (all in the input problems below)\n',
    );
    expect(text).not.toContain('head:f6.yaml:6:1: error: bad 6 [yaml-syntax]\n  and');
    expect(text).toContain(
      '[UNCERTAIN]\n      could be explained by input not understood: head:f1.yaml:1 yaml-syntax\n',
    );
    const md = renderMarkdown(r);
    expect(md).toContain(
      '> - `head:f5.yaml:5:1`: bad 5 `yaml-syntax`\n> - and 2 more \\(all in the input problems below\\)',
    );
    expect(md.indexOf('Analysis incomplete')).toBeLessThan(md.indexOf('Opened'));
  });

  it('says so when no change is listed, and when none could be explained', () => {
    expect(incompleteHeadline(incomplete(1, []))?.lead).toBe(
      '1 input problem could not be read or understood: no change is listed, but what that input says is missing, so the check fails closed.',
    );
    expect(incompleteHeadline(incomplete(2, [change()]))?.lead).toBe(
      '2 input problems could not be read or understood: no listed change could be explained by it, so the check fails closed.',
    );
  });
});
