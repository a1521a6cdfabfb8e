import { describe, expect, it } from 'vitest';
import { type Annotation, buildAnnotations, capAnnotations } from '../../src/action/annotations.js';
import { cause, change, finding, loc, report } from './report-fixture.js';

describe('buildAnnotations', () => {
  it('puts an opened path at each head rule that allows it', () => {
    const opened = change({
      causes: [
        cause({ rule: 'NetworkPolicy web/egress egress[0]', location: loc('policies/web/egress.yaml', 8) }),
        cause({
          rule: 'NetworkPolicy shop/allow-web ingress[0]',
          location: loc('policies/shop/allow-web.yaml', 12),
        }),
        cause({ revision: 'base', effect: 'isolates', location: loc('policies/shop/deny.yaml', 1, 'base') }),
      ],
    });
    const annotations = buildAnnotations(report({ changes: [opened] }), ['new-errors']);
    expect(annotations).toEqual([
      {
        level: 'warning',
        title: 'policy-diff: path opened',
        message:
          'web/front[Deployment] → shop/api[Deployment] now allows TCP 8080: allowed by NetworkPolicy web/egress egress[0] (TCP 8080)',
        file: 'policies/web/egress.yaml',
        line: 8,
        column: 1,
      },
      expect.objectContaining({ file: 'policies/shop/allow-web.yaml', line: 12 }),
    ]);
  });

  it('makes an opened path an error when fail-on fails on it', () => {
    const r = report({ changes: [change()] });
    expect(buildAnnotations(r, ['opened'])[0]?.level).toBe('error');
    expect(buildAnnotations(r, ['any-change'])[0]?.level).toBe('error');
  });

  it('annotates a widened path as a notice and ignores closed or narrowed ones', () => {
    const widened = change({ kind: 'changed', before: 'TCP 80', after: 'TCP 80,443', added: 'TCP 443' });
    const narrowed = change({
      kind: 'changed',
      before: 'TCP 80,443',
      after: 'TCP 80',
      added: '',
      removed: 'TCP 443',
    });
    const closed = change({ kind: 'closed', added: '', removed: 'TCP 80' });
    const annotations = buildAnnotations(report({ changes: [widened, narrowed, closed] }), ['new-errors']);
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatchObject({ level: 'notice', title: 'policy-diff: path widened' });
    expect(annotations[0]?.message).toContain('(before: TCP 80)');
  });

  it('opened without a responsible rule: an annotation without a file', () => {
    const opened = change({ causes: [], workloadsDiff: 'workload shop/api[Deployment] added' });
    const [a] = buildAnnotations(report({ changes: [opened] }), []);
    expect(a?.file).toBeUndefined();
    expect(a?.message).toContain('workload shop/api[Deployment] added');
  });

  it('maps new findings by severity at their head location; others are not annotated', () => {
    const findings = [
      finding({ severity: 'error', locations: [loc('a.yaml', 3, 'base'), loc('b.yaml', 7)] }),
      finding({ severity: 'warning', title: 'w' }),
      finding({ severity: 'info', title: 'i' }),
      finding({ status: 'existing', title: 'old' }),
      finding({ status: 'fixed', title: 'fixed' }),
    ];
    const annotations = buildAnnotations(report({ findings }), ['new-errors']);
    expect(annotations.map((a) => a.level)).toEqual(['error', 'warning', 'notice']);
    expect(annotations[0]).toMatchObject({
      file: 'b.yaml',
      line: 7,
      title: 'policy-diff: istio-proxy requests too small',
    });
  });

  it('prefixes files with the head directory when head is one', () => {
    const r = {
      ...report({
        changes: [change({ causes: [cause({ location: loc('ns.yaml', 4, 'fixtures/demo/head') })] })],
      }),
      head: { label: 'fixtures/demo/head' },
    };
    expect(buildAnnotations(r, [], 'fixtures/demo/head')[0]?.file).toBe('fixtures/demo/head/ns.yaml');
  });

  it('removes duplicates', () => {
    const r = report({ changes: [change(), change()] });
    expect(buildAnnotations(r, [])).toHaveLength(1);
  });
});

describe('capAnnotations', () => {
  const many = (level: Annotation['level'], n: number): Annotation[] =>
    Array.from({ length: n }, (_, i) => ({
      level,
      title: 't',
      message: `${level} ${i}`,
      file: 'f.yaml',
      line: i + 1,
    }));

  it('keeps everything under the limits', () => {
    const list = [...many('error', 3), ...many('notice', 10)];
    expect(capAnnotations(list)).toEqual(list);
  });

  it('replaces the overflow of a level by one "N more omitted" annotation', () => {
    const capped = capAnnotations([...many('error', 25), ...many('warning', 8), ...many('notice', 11)]);
    const errors = capped.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(9);
    expect(errors.at(-1)?.message).toMatch(/^17 more error annotations omitted/);
    expect(capped.filter((a) => a.level === 'warning')).toHaveLength(8);
    const notices = capped.filter((a) => a.level === 'notice');
    expect(notices).toHaveLength(10);
    expect(notices.at(-1)?.message).toMatch(/^2 more notice annotations omitted.*job summary/);
  });
});
