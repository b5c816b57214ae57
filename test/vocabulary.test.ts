import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../indexer/build.js';
import { cut, loadJieba } from '../indexer/jieba.js';
import { countVocabulary, defaultWorkers, PARALLEL_MIN_CHARS, splitByChars } from '../indexer/vocabulary.js';
import { TEXT_FIELDS } from '../indexer/schema.js';
import { builtSeedBody, DICT, SEEDS } from './helpers.js';

describe('jieba vocabulary counting', () => {
  it('gives the same vocabulary on the seeds counted in this thread or in a worker thread', async () => {
    // The run's shared seed build counted in its own thread, so it is the one-thread build, without a build of its own
    // here: it took the default, and the seeds' text (measured as the build measures it) is under PARALLEL_MIN_CHARS,
    // below which the default is no worker (the last test below). Were the seeds to grow past it, this would compare
    // two worker counts: it fails instead.
    const alone = await builtSeedBody();
    let chars = 0;
    for (const r of alone.records) for (const f of TEXT_FIELDS) chars += r[f]?.length ?? 0;
    expect(chars).toBeGreaterThan(50_000);
    expect(chars).toBeLessThan(PARALLEL_MIN_CHARS);
    expect(defaultWorkers(chars)).toBe(0);
    const split = await buildSnapshot({ seedsDir: SEEDS, dictDir: DICT, vocabularyWorkers: 1 });
    expect(split.body.analysis.vocabulary).toEqual(alone.analysis.vocabulary);
    const counts = new Map(alone.analysis.vocabulary);
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

  it('counts each distinct piece between jieba separators once, with the same counts as cutting every text whole', async () => {
    const alone = await builtSeedBody();
    const texts = alone.records.flatMap((r) => [r.title, r.content ?? '', r.process ?? '', r.outcome ?? '']);
    // Repeated sentences and every separator kind, so pieces repeat within and across texts.
    texts.push(texts.slice(0, 20).join('。'), `${texts[0]} ${texts[1]}\n${texts[2]}\t${texts[3]}，${texts[0]}`);
    loadJieba(alone.dictionary.userWords.map((w) => [w, undefined]));
    const whole = new Map<string, number>();
    for (const t of texts) for (const w of cut(t)) if (/[\p{L}\p{N}]/u.test(w)) whole.set(w, (whole.get(w) ?? 0) + 1);
    const counted = await countVocabulary(texts, { userWords: [], workers: 0 });
    expect(new Map([...counted].sort())).toEqual(new Map([...whole].sort()));
  });

  it('counts in this thread below PARALLEL_MIN_CHARS (the seeds) and in one worker from there', () => {
    expect(PARALLEL_MIN_CHARS).toBe(2_000_000);
    expect(defaultWorkers(500_000)).toBe(0);
    expect(defaultWorkers(50_000_000)).toBe(1);
    expect(defaultWorkers(3_000_000, 1_000_000)).toBe(1);
  });
});
