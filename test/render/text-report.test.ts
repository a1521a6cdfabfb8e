import { describe, expect, it } from 'vitest';
import { useColour } from '../../src/cli/colour.js';
import { renderText } from '../../src/render/text.js';
import { cause, change, finding, loc, report } from '../action/report-fixture.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the SGR codes the text report adds
const SGR = /\u001b\[(?:1|22|31|32|33|39)m/g;

function sample() {
  const allowAll = cause({
    rule: 'NetworkPolicy shop/allow-all ingress[0]',
    location: loc('netpol.yaml', 7),
  });
  return report({
    changes: [
      change({
        kind: 'closed',
        before: 'TCP 80',
        after: 'No Connections',
        added: '',
        removed: 'TCP 80',
        causes: [cause({ revision: 'base', location: loc('old.yaml', 3, 'base') })],
      }),
      change({ causes: [allowAll] }),
      change({
        source: { id: 'web/other[Deployment]', kind: 'workload', namespace: 'web' },
        causes: [allowAll],
      }),
      change({ kind: 'changed', before: 'TCP 80', after: 'TCP 80,TCP 443', added: 'TCP 443', removed: '' }),
    ],
    findings: [
      finding({ status: 'existing', title: 'old problem' }),
      finding({ status: 'fixed', title: 'fixed problem' }),
      finding({ title: 'new problem' }),
    ],
  });
}

describe('text report', () => {
  it("follows the comment's order: opened, widened, new findings, closed, then fixed and existing", () => {
    const text = renderText(sample());
    const at = (s: string) => {
      const i = text.indexOf(s);
      expect(i, s).toBeGreaterThanOrEqual(0);
      return i;
    };
    const order = [
      'Opened (2)',
      'Widened (1)',
      'New findings (1)',
      'Closed (1)',
      'Fixed findings (1)',
      'Existing findings (1)',
    ];
    const positions = order.map(at);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // One summary line, not two.
    expect(text.match(/findings: 1 new, 1 fixed, 1 existing/g)).toHaveLength(1);
    expect(text).not.toMatch(/^Findings:/m);
  });

  it('reads the changes one rule explains as one item, the rule named once', () => {
    const text = renderText(sample());
    expect(text).toContain(
      [
        'Opened (2)',
        '  allowed by NetworkPolicy shop/allow-all ingress[0] (netpol.yaml:7): 2 paths',
        '    web/front[Deployment] -> shop/api[Deployment] : TCP 8080',
        '    web/other[Deployment] -> shop/api[Deployment] : TCP 8080',
        '',
      ].join('\n'),
    );
    expect(text.match(/shop\/allow-all/g)).toHaveLength(1);
  });

  it('colours opened green, closed red, widened green, headers bold; the same text without the codes', () => {
    const plain = renderText(sample());
    const coloured = renderText(sample(), { colour: true });
    expect(plain).not.toContain('\u001b');
    expect(coloured).toContain('\u001b[32m\u001b[1mOpened (2)\u001b[22m\u001b[39m');
    expect(coloured).toContain('\u001b[31m\u001b[1mClosed (1)\u001b[22m\u001b[39m');
    expect(coloured).toContain('\u001b[32m\u001b[1mWidened (1)');
    expect(coloured.replace(SGR, '')).toBe(plain);
  });

  it('never lets a colour code come from input', () => {
    const hostile = report({
      changes: [change({ source: { id: 'x\u001b[31mred\u001b[0m', kind: 'workload', namespace: 'x' } })],
    });
    const coloured = renderText(hostile, { colour: true });
    expect(coloured).toContain('x\\u001B[31mred\\u001B[0m');
    // Every ESC left is one of ours.
    expect(coloured.replace(SGR, '')).not.toContain('\u001b');
  });
});

describe('colour decision', () => {
  const tty = { noColorFlag: false, toFile: false, stdoutIsTTY: true, env: {} };
  it('is on on a terminal, off through a pipe or into a file', () => {
    expect(useColour(tty)).toBe(true);
    expect(useColour({ ...tty, stdoutIsTTY: false })).toBe(false);
    expect(useColour({ ...tty, toFile: true })).toBe(false);
    expect(useColour({ ...tty, env: { TERM: 'dumb' } })).toBe(false);
  });
  it('honours --no-color, NO_COLOR (non-empty) and FORCE_COLOR', () => {
    expect(useColour({ ...tty, noColorFlag: true })).toBe(false);
    expect(useColour({ ...tty, env: { NO_COLOR: '1' } })).toBe(false);
    expect(useColour({ ...tty, env: { NO_COLOR: '' } })).toBe(true);
    expect(useColour({ ...tty, stdoutIsTTY: false, env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(useColour({ ...tty, env: { FORCE_COLOR: '0' } })).toBe(false);
    expect(useColour({ ...tty, noColorFlag: true, env: { FORCE_COLOR: '1' } })).toBe(false);
  });
});
