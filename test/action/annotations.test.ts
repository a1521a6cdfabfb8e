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
          'NetworkPolicy web/egress egress[0] opens 1 path: web/front[Deployment] → shop/api[Deployment] (TCP 8080)',
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
    expect(annotations[0]?.message).toContain('(+TCP 443, before: TCP 80)');
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

  it('one annotation per file:line, counting and naming the paths it opens, riskiest place first', () => {
    const allowAll = cause({
      rule: 'NetworkPolicy shop/allow-all ingress[0]',
      location: loc('netpol.yaml', 7),
    });
    const other = cause({ rule: 'NetworkPolicy shop/allow-web ingress[0]', location: loc('web.yaml', 3) });
    const internet = { id: '0.0.0.0-255.255.255.255[External]', kind: 'external' as const };
    const r = report({
      changes: [
        change({ causes: [other] }),
        change({ causes: [allowAll] }),
        change({ source: internet, causes: [allowAll] }),
        change({
          source: { id: 'web/b[Deployment]', kind: 'workload', namespace: 'web' },
          causes: [allowAll],
        }),
      ],
    });
    const annotations = buildAnnotations(r, ['new-errors']);
    expect(annotations.map((a) => [a.file, a.line, a.title])).toEqual([
      ['netpol.yaml', 7, 'policy-diff: paths opened'],
      ['web.yaml', 3, 'policy-diff: path opened'],
    ]);
    expect(annotations[0]?.message).toBe(
      'NetworkPolicy shop/allow-all ingress[0] opens 3 paths: web/front[Deployment] → shop/api[Deployment] (TCP 8080); 0.0.0.0-255.255.255.255[External] → shop/api[Deployment] (TCP 8080); web/b[Deployment] → shop/api[Deployment] (TCP 8080)',
    );
  });

  it('puts paths before findings, so repeated finding warnings never crowd out an opening', () => {
    const findings = Array.from({ length: 12 }, (_, i) =>
      finding({ severity: 'warning', title: `w${i}`, locations: [loc(`f${i}.yaml`, 1)] }),
    );
    const r = report({ changes: [change()], findings });
    const kept = capAnnotations(buildAnnotations(r, ['new-errors']));
    expect(kept[0]).toMatchObject({
      title: 'policy-diff: path opened',
      file: 'policies/shop/allow-web.yaml',
    });
    expect(kept.filter((a) => a.level === 'warning')).toHaveLength(8);
  });

  it('folds new findings of one rule at one place into one annotation', () => {
    const at = [loc('mtls.yaml', 9)];
    const findings = ['a', 'b', 'c'].map((s) =>
      finding({
        severity: 'warning',
        source: `ns/${s}`,
        destination: 'ns/d',
        message: `${s} cannot`,
        locations: at,
      }),
    );
    const annotations = buildAnnotations(report({ findings }), ['new-errors']);
    expect(annotations).toHaveLength(1);
    expect(annotations[0]?.message).toBe(
      'a cannot [sidecar-resources] The same for 2 more subjects: ns/b → ns/d; ns/c → ns/d',
    );
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
