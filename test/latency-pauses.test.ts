import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pausedSamples, warmPairsArg, type KindLatency } from '../bench/latency.js';
import { ROOT, seedSnapshotFile } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ftz-latency-pauses-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let snapshotFile: string;
beforeAll(async () => {
  snapshotFile = await seedSnapshotFile(dir);
});

describe('which first-seen samples a collection paused', () => {
  it('marks a sample a pause began, ended or ran within, and no sample between pauses', () => {
    // Samples at 0–1, 2–3, 4–5, 6–7, 8–9 ms; pauses inside the second, across the third's end into nothing, and
    // from before the fourth to after it; none touches the first or the last.
    const starts = Float64Array.of(0, 2, 4, 6, 8);
    const ends = Float64Array.of(1, 3, 5, 7, 9);
    expect([...pausedSamples(starts, ends, [2.2, 2.4, 4.9, 5.5, 5.8, 7.2])]).toEqual([0, 1, 1, 1, 0]);
  });

  it('does not depend on the order the pauses are reported in', () => {
    const starts = Float64Array.of(0, 2, 4, 6, 8);
    const ends = Float64Array.of(1, 3, 5, 7, 9);
    expect([...pausedSamples(starts, ends, [8.5, 8.6, 0.1, 0.2])]).toEqual([1, 0, 0, 0, 1]);
  });

  it('a kind timed on the seed snapshot accounts for every first-seen sample: paused by a collection or not', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(ROOT, 'bench/latency.ts'), snapshotFile, '--kind', 'phrase', '--warm-pairs', '40'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const k: KindLatency = JSON.parse(out.trim().split('\n').pop()!);
    expect(k.uncached.n).toBeGreaterThanOrEqual(1000);
    expect(k.uncachedPaused + k.uncachedUnpaused.n).toBe(k.uncached.n);
    // A collection pauses at most the one sample it runs in (samples do not overlap; a pause is shorter than a query
    // pair here), and the sample it runs in may be a repeated query's instead.
    expect(k.uncachedPaused).toBeLessThanOrEqual(k.gc.minor + k.gc.major + k.gc.other);
    // The phrase kind's four queries, ten unmeasured rounds of them: the warm-up asked for, not the default.
    expect(k.warmKindPairs).toBe(40);
  }, 120_000);
});

describe('how warm a kind is before its rounds', () => {
  it('reads --warm-pairs from anywhere in the arguments and leaves the others in order', () => {
    expect(warmPairsArg(['s.snap', '--kind', 'phrase', '--warm-pairs', '3000'])).toEqual({ warmPairs: 3000, rest: ['s.snap', '--kind', 'phrase'] });
    expect(warmPairsArg(['s.snap', '--warm-pairs', '0', 'queries.json'])).toEqual({ warmPairs: 0, rest: ['s.snap', 'queries.json'] });
    expect(warmPairsArg(['s.snap', 'queries.json'])).toEqual({ rest: ['s.snap', 'queries.json'] });
  });

  it('refuses a count that is not a whole number, naming the option', () => {
    expect(() => warmPairsArg(['s.snap', '--warm-pairs', 'many'])).toThrow(/--warm-pairs/);
    expect(() => warmPairsArg(['s.snap', '--warm-pairs'])).toThrow(/--warm-pairs/);
    expect(() => warmPairsArg(['s.snap', '--warm-pairs', '-5'])).toThrow(/--warm-pairs/);
  });
});
