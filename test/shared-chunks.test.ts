import { describe, expect, it } from 'vitest';
import { chunkRange, finishChunks, runChunks, sharedChunks } from '../indexer/shared-chunks.js';

describe('work in chunks claimed through shared memory', () => {
  it('covers the range with non-empty chunks, in order, whatever the total and the count asked for', () => {
    for (const [total, count] of [[1, 64], [63, 64], [64, 64], [65, 64], [28602, 64], [10, 3]]) {
      const chunks = sharedChunks(total, count);
      let next = 0;
      for (let c = 0; c < chunks.count; c++) {
        const [from, to] = chunkRange(chunks, c);
        expect(from).toBe(next);
        expect(to).toBeGreaterThan(from);
        next = to;
      }
      expect(next).toBe(total);
      expect(chunks.count).toBeLessThanOrEqual(count);
    }
  });

  it('runs every chunk exactly once between two claimants, and runs here the chunks another claimant took and never finished', () => {
    const chunks = sharedChunks(1000, 16);
    const runs = new Int32Array(1000);
    const run = (from: number, to: number) => {
      for (let x = from; x < to; x++) runs[x]++;
    };
    // Another thread claims the first chunk, then the fifth while this one runs the fourth, and fails before finishing
    // either.
    const lost = [Atomics.add(chunks.state, 0, 1)];
    expect(runChunks(chunks, (from, to) => {
      if (lost.length === 1 && Atomics.load(chunks.state, 0) === 4) lost.push(Atomics.add(chunks.state, 0, 1));
      run(from, to);
    })).toBe(14);
    expect(lost).toEqual([0, 4]);
    expect(Array.from(runs).filter((n) => n === 1)).toHaveLength(1000 - 2 * chunks.size);
    // It said it failed: its chunks are run here, the answer is whole, and nothing ran twice.
    expect(finishChunks(chunks, run, () => true)).toBe(false);
    expect(Array.from(runs).every((n) => n === 1)).toBe(true);
  });

  it('waits for nothing once every chunk is done, even when the other claimant never took one', () => {
    const chunks = sharedChunks(300, 8);
    let ran = 0;
    expect(runChunks(chunks, () => ran++)).toBe(8);
    expect(finishChunks(chunks, () => { throw new Error('nothing is left to run'); }, () => false, 0)).toBe(true);
    expect(ran).toBe(8);
  });
});
