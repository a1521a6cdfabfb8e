import { describe, expect, it } from 'vitest';
import { inParallel, RENDER_CONCURRENCY } from '../../src/gitops/in-parallel.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('inParallel (roots rendered two at a time)', () => {
  it('runs at most the limit at once, and uses it', async () => {
    let running = 0;
    let most = 0;
    await inParallel([30, 5, 20, 5, 10, 1], RENDER_CONCURRENCY, async (ms) => {
      most = Math.max(most, ++running);
      await sleep(ms);
      running--;
    });
    expect(RENDER_CONCURRENCY).toBe(2);
    expect(most).toBe(2);
  });

  it('gives the results in the items order, whichever finishes first', async () => {
    const finished: number[] = [];
    const out = await inParallel([30, 1, 15, 1], 2, async (ms, i) => {
      await sleep(ms);
      finished.push(i);
      return `root ${i}`;
    });
    expect(finished).not.toEqual([0, 1, 2, 3]);
    expect(out).toEqual(['root 0', 'root 1', 'root 2', 'root 3']);
  });

  it('no items: no work', async () => {
    expect(await inParallel([], 2, async () => 1)).toEqual([]);
  });
});
