import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildAnnotations, capAnnotations, emitAnnotations } from '../../src/action/annotations.js';
import { buildCommentBody } from '../../src/action/comment-body.js';
import { renderReport } from '../../src/action/render.js';
import { safeLog } from '../../src/action/safe-log.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { neutralise, safeLine } from '../../src/core/safe-text.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { evaluateFailOn } from '../../src/report/fail-on.js';
import type { Report } from '../../src/report/types.js';
import { cause, change, finding, loc, report } from '../action/report-fixture.js';
import { htmlProblems, renderGfm } from '../helpers/gfm.js';

/** Hostile text a pull request can put in names, labels, paths and values. */
const HOSTILE = [
  '::set-output name=result::pass',
  '</details><script>alert(1)</script>',
  'a\u001b[31mred\u001b[0m\u0007b',
  'admin\u202E\u2066txt.exe\u2069',
  'x\n::error::injected\r\n::add-mask::y',
  '**bold** [l](javascript:alert(1)) @octocat `tick',
];

// What may never reach a human-readable output: C0/C1 controls (but the line breaks the format
// itself writes), DEL, bidi embeddings, overrides and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function hostileReport(): Report {
  const r = report({
    changes: HOSTILE.map((h, i) =>
      change({
        source: { id: `${h}/src-${i}`, kind: 'workload', namespace: h },
        destination: { id: `${h}/dst-${i}`, kind: 'workload', namespace: h },
        workloadsDiff: `workload ${h} added`,
        causes: [cause({ rule: `NetworkPolicy ${h}`, location: loc(`${h}.yaml`, 3) })],
      }),
    ),
    findings: HOSTILE.map((h) =>
      finding({ title: h, message: `message ${h}`, locations: [loc(`${h}.yaml`, 1)] }),
    ),
  });
  const diagnostics: Diagnostic[] = HOSTILE.map((h) => ({
    severity: 'warning',
    code: 'yaml-syntax',
    message: h,
    location: { revision: 'head', file: `${h}.yaml`, line: 1, column: 1 },
  }));
  return { ...r, diagnostics, workloads: { added: HOSTILE, removed: [] } };
}

function expectSafeLines(text: string): void {
  expect(text).not.toMatch(UNSAFE);
  for (const line of text.split(/\r?\n/)) expect(line).not.toMatch(/^\s*::/);
}

describe('hostile input text in every output', () => {
  afterEach(() => vi.restoreAllMocks());

  it('neutralise shows control characters, ANSI escapes and bidi overrides as \\uXXXX', () => {
    expect(neutralise('a\u001b[31mb\u202Ec')).toBe('a\\u001B[31mb\\u202Ec');
    expect(neutralise('line\nbreak\ttab')).toBe('line break tab');
    expect(safeLine('  ::set-output name=x::y')).toBe('  \\u003A:set-output name=x::y');
    expect(safeLine('a ::b')).toBe('a ::b');
  });

  it('text', () => {
    const text = renderText(hostileReport());
    expectSafeLines(text);
    expect(text).toContain('admin\\u202E\\u2066txt.exe\\u2069');
  });

  it('Markdown (the comment, the summary, the CLI): no structure injected, no unsafe characters', () => {
    const r = hostileReport();
    const outputs = [
      renderMarkdown(r),
      renderMarkdown(r, { maxChars: 3000 }),
      buildCommentBody('<!-- m -->', renderReport(r, evaluateFailOn(r, ['opened']), { maxChars: 60_000 })),
    ];
    for (const md of outputs) {
      expectSafeLines(md);
      const html = renderGfm(md);
      expect(htmlProblems(html)).toEqual([]);
      expect(html).not.toMatch(/<script|href="javascript/i);
    }
  });

  it('JSON keeps the values (escaped as JSON)', () => {
    const json = JSON.stringify(hostileReport());
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(json).not.toMatch(/[\u0000-\u001f]/);
    expect(JSON.parse(json).workloads.added).toEqual(HOSTILE);
  });

  it('annotations and log lines: neutralised, and no line a workflow command', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const r = hostileReport();
    emitAnnotations(capAnnotations(buildAnnotations(r, ['opened'])));
    for (const h of HOSTILE) safeLog.info(`diagnostic: ${h}\n${h}`);
    safeLog.warning(HOSTILE.join('\n'));
    const log = written.join('');
    expect(log).not.toMatch(UNSAFE);
    // Only our own commands: ::error / ::warning / ::notice with the message escaped by @actions/core.
    const commands = log.split(/\r?\n/).filter((l) => /^\s*::/.test(l));
    for (const c of commands) expect(c).toMatch(/^::(error|warning|notice)( [^:]*)?::/);
    expect(commands.length).toBeGreaterThan(0);
    expect(log).not.toMatch(/^\s*::(set-output|add-mask)/m);
  });
});
