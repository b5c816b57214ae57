import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../indexer/build.js';
import { defaultWorkers, PARALLEL_MIN_CHARS, splitByChars } from '../indexer/vocabulary.js';
import { DICT, SEEDS } from './helpers.js';

describe('jieba vocabulary counting', () => {
  it('gives the same vocabulary on the seeds counted in one thread or split with a worker thread', async () => {
    const alone = await buildSnapshot({ seedsDir: SEEDS, dictDir: DICT, vocabularyWorkers: 0 });
    const split = await buildSnapshot({ seedsDir: SEEDS, dictDir: DICT, vocabularyWorkers: 1 });
    expect(split.body.analysis.vocabulary).toEqual(alone.body.analysis.vocabulary);
    const counts = new Map(alone.body.analysis.vocabulary);
    expect(counts.get('留抵退税')).toBeGreaterThan(0);
  });

  it('splits texts into runs of about equal size, in order, losing none', () => {
    const texts = Array.from({ length: 101 }, (_, i) => '字'.repeat(1 + (i % 7) * 10));
    const parts = splitByChars(texts, 3);
    expect(parts).toHaveLength(3);
    expect(parts.flat()).toEqual(texts);
    const sizes = parts.map((p) => p.reduce((s, t) => s + t.length, 0));
    const total = sizes.reduce((a, b) => a + b, 0);
    for (const s of sizes) expect(Math.abs(s - total / 3)).toBeLessThan(total / 10);
  });

  it('counts in one thread by default (workers did not pay when measured), and with workers past a given size', () => {
    expect(defaultWorkers(50_000_000)).toBe(0);
    expect(PARALLEL_MIN_CHARS).toBe(Number.POSITIVE_INFINITY);
    expect(defaultWorkers(3_000_000, 1_000_000)).toBe(Math.min(os.availableParallelism(), 8) - 1);
  });
});
