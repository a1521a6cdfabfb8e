import { describe, expect, it } from 'vitest';
import { StageTimer } from '../../bench/stage-timer.js';
import { STAGES, type StageFacts, type StageName } from '../../src/core/stages.js';
import { runDiff } from '../../src/run.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

const options = { repo: PROJECT_ROOT, base: 'fixtures/demo/base', head: 'fixtures/demo/head' };

describe('the pipeline (runDiff) with a stage observer', async () => {
  const events: { name: StageName; phase: 'start' | 'end'; facts?: StageFacts }[] = [];
  const observed = await runDiff(options, {
    onStage: (name, phase, facts) => events.push({ name, phase, ...(facts ? { facts } : {}) }),
  });

  it('runs every stage in order, the per-revision ones once per revision', () => {
    const ends = events.filter((e) => e.phase === 'end').map((e) => e.name);
    expect(ends).toEqual([
      'read',
      'parse', // both revisions' files, parsed once (shared cache)
      ...['parse', 'model', 'compile'], // base
      ...['parse', 'model', 'compile'], // head
      'matrix',
      'diff',
      'findings',
      'report',
    ]);
    expect(new Set(ends)).toEqual(new Set(STAGES));
    // Stages do not overlap: each start is followed by its own end.
    for (let i = 0; i < events.length; i += 2) {
      expect([events[i]?.phase, events[i + 1]?.phase, events[i + 1]?.name]).toEqual([
        'start',
        'end',
        events[i]?.name,
      ]);
    }
  });

  it('tells the matrix classes and the cells computed', () => {
    const end = (name: StageName) => events.find((e) => e.name === name && e.phase === 'end')?.facts;
    expect(end('matrix')?.classes).toHaveLength(2);
    expect(end('diff')?.cells).toBeGreaterThan(0);
    expect(end('findings')?.cells).toBeGreaterThanOrEqual(end('diff')?.cells ?? 0);
  });

  it('produces the report it produces unobserved', async () => {
    const plain = await runDiff(options);
    expect(observed.report).toEqual(plain.report);
  });
});

describe('StageTimer (the benchmark observer)', () => {
  it('adds up repeated stages in first-seen order and keeps the last facts', () => {
    let clock = 0;
    const timer = new StageTimer(
      () => 42,
      () => clock,
    );
    const run = (name: StageName, ms: number, facts?: StageFacts) => {
      timer.onStage(name, 'start');
      clock += ms;
      timer.onStage(name, 'end', facts);
    };
    run('read', 5);
    run('parse', 3);
    run('model', 2);
    run('parse', 4);
    run('matrix', 1, { classes: [3, 4] });
    run('diff', 6, { cells: 10 });
    clock += 1; // between stages: in the total, in no stage
    timer.measure('render', () => {
      clock += 2;
    });
    expect(timer.stages).toEqual([
      { name: 'read', ms: 5, maxRssMiB: 42 },
      { name: 'parse', ms: 7, maxRssMiB: 42 },
      { name: 'model', ms: 2, maxRssMiB: 42 },
      { name: 'matrix', ms: 1, maxRssMiB: 42 },
      { name: 'diff', ms: 6, maxRssMiB: 42, cells: 10 },
      { name: 'render', ms: 2, maxRssMiB: 42 },
    ]);
    expect(timer.classes).toEqual([3, 4]);
    expect(timer.totalMs).toBe(24);
  });
});
