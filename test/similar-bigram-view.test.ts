import { describe, expect, it } from 'vitest';
import { bigramView } from '../indexer/similar-bigram-view.js';
import { buildSimilar, DEFAULT_SIMILAR_OPTIONS, type PoolEntry } from '../indexer/similar.js';
import type { ReformRecord } from '../indexer/schema.js';
import { seedSnapshot } from './helpers.js';

const countedTexts = new WeakMap<string[], { all: Map<string, number>[]; df: Map<string, number> }>();

/** The reference: the tf-idf cosine of two texts' Han bigrams (log1p count, ln(R / df) over `texts`), written plainly. */
function referenceCosine(texts: string[], a: number, b: number): number {
  const bigrams = (t: string) => {
    const m = new Map<string, number>();
    for (const part of t.split('\u0000')) {
      for (let x = 0; x + 1 < part.length; x++) {
        const g = part.slice(x, x + 2);
        if (/^[\u4e00-\u9fff]{2}$/.test(g)) m.set(g, (m.get(g) ?? 0) + 1);
      }
    }
    return m;
  };
  let counted = countedTexts.get(texts);
  if (!counted) {
    const all = texts.map(bigrams);
    const df = new Map<string, number>();
    for (const m of all) for (const g of m.keys()) df.set(g, (df.get(g) ?? 0) + 1);
    countedTexts.set(texts, (counted = { all, df }));
  }
  const { all, df } = counted;
  const weights = (m: Map<string, number>) => new Map([...m].map(([g, c]) => [g, Math.log1p(c) * Math.log(texts.length / df.get(g)!)]));
  const wa = weights(all[a]);
  const wb = weights(all[b]);
  const norm = (w: Map<string, number>) => Math.sqrt([...w.values()].reduce((s, v) => s + v * v, 0));
  let dot = 0;
  for (const [g, v] of wa) dot += v * (wb.get(g) ?? 0);
  return dot / (norm(wa) * norm(wb));
}

const fieldsText = (r: ReformRecord) => [r.title, r.content, r.applicableTo, r.process, r.outcome].map((t) => t ?? '').join('\u0000');

/** The dot product of two reforms' stored rows (each row's weights already divided by its length: their cosine). */
function storedDot(view: ReturnType<typeof bigramView>, a: number, b: number): number {
  const wa = new Map<number, number>();
  for (let x = view.start[a]; x < view.start[a + 1]; x++) wa.set(view.ids[x], view.w[x]);
  let s = 0;
  for (let x = view.start[b]; x < view.start[b + 1]; x++) s += (wa.get(view.ids[x]) ?? 0) * view.w[x];
  return s;
}

describe('the similar lists\' bigram view', () => {
  it('gives two seed reforms the tf-idf cosine of their whole texts\' Han character bigrams, read from its stored rows', async () => {
    const body = await seedSnapshot();
    const shown = Int32Array.from({ length: 60 }, (_, i) => i * 3);
    const view = bigramView(body.records, shown);
    const texts = [...shown].map((i) => fieldsText(body.records[i]));
    const rowDot = (a: number, b: number) => storedDot(view, a, b);
    let compared = 0;
    for (let a = 0; a < 60; a += 7) {
      for (let b = a + 1; b < 60; b += 5) {
        expect(rowDot(a, b)).toBeCloseTo(referenceCosine(texts, a, b), 5);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
    // Rows are in increasing id order (the list stage reads them against a spread source) and ids stay in range.
    for (let r = 0; r < 60; r++) {
      for (let x = view.start[r] + 1; x < view.start[r + 1]; x++) expect(view.ids[x]).toBeGreaterThan(view.ids[x - 1]);
    }
    expect(Math.max(...view.ids)).toBeLessThan(view.size);
  });

  it('writes the same rows into shared memory when asked, for the list stage\'s ranking worker', async () => {
    const body = await seedSnapshot();
    const shown = Int32Array.from({ length: 100 }, (_, i) => i * 3);
    const plain = bigramView(body.records, shown);
    const shared = bigramView(body.records, shown, { shared: true });
    for (const a of [shared.start, shared.ids, shared.w]) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(plain.start.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(shared.size).toBe(plain.size);
    expect(shared.ids.constructor).toBe(plain.ids.constructor);
    expect([...shared.start]).toEqual([...plain.start]);
    expect([...shared.ids]).toEqual([...plain.ids]);
    expect([...shared.w]).toEqual([...plain.w]);
    expect(plain.w.length).toBeGreaterThan(1000);
  });

  it('keeps four-byte ids when more than 65,536 bigrams are kept, its rows still sorted, in range and the full cosine', () => {
    // 2,000 synthetic reforms of 210 characters drawn from 600 Han characters: about 115,000 bigrams printed twice.
    let seed = 1;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8;
    const records = Array.from({ length: 2000 }, () => {
      let t = '';
      for (let x = 0; x < 210; x++) t += String.fromCharCode(0x4e00 + (next() % 600));
      return { title: t.slice(0, 10), content: t.slice(10), applicableTo: '', process: '', outcome: '' } as unknown as ReformRecord;
    });
    const shown = Int32Array.from({ length: records.length }, (_, i) => i);
    const view = bigramView(records, shown);
    expect(view.size).toBeGreaterThan(0x10000);
    expect(view.ids).toBeInstanceOf(Int32Array);
    let max = 0;
    let unsorted = 0;
    for (let r = 0; r < shown.length; r++) {
      for (let x = view.start[r]; x < view.start[r + 1]; x++) {
        if (x > view.start[r] && view.ids[x] <= view.ids[x - 1]) unsorted++;
        max = Math.max(max, view.ids[x]);
      }
    }
    expect(unsorted).toBe(0);
    expect(max).toBe(view.size - 1);
    const texts = records.map(fieldsText);
    const rowDot = (a: number, b: number) => storedDot(view, a, b);
    for (const [a, b] of [[0, 1], [5, 1999], [700, 701], [1234, 42]]) expect(rowDot(a, b)).toBeCloseTo(referenceCosine(texts, a, b), 5);
  });

  it('is what reorders the seeds\' lists when it weighs; with weight 0 every pool entry has no bigram score and its fused score is the two word views\' alone', async () => {
    const body = await seedSnapshot();
    const pools = new Map<number, PoolEntry[]>();
    const off = buildSimilar(body, { bigramViewWeight: 0 }, { pools: (i, pool) => pools.set(i, pool) });
    const on = buildSimilar(body, {});
    const offAgain = buildSimilar(body, { bigramViewWeight: 0 });
    expect([...offAgain.all.ids]).toEqual([...off.all.ids]);
    let differ = 0;
    for (let i = 0; i < on.all.ids.length; i++) if (on.all.ids[i] !== off.all.ids[i]) differ++;
    expect(differ).toBeGreaterThan(0);
    // The fusion of the idea and plain views at plainWeight, as before the bigram view (indexer/similar.ts).
    const w = DEFAULT_SIMILAR_OPTIONS.plainWeight;
    let entries = 0;
    for (const pool of pools.values()) {
      if (!pool.length) continue;
      const top = Math.max(...pool.map((e) => e.idea));
      const topPlain = Math.max(...pool.map((e) => e.plain));
      for (const e of pool) {
        expect(e.bigram).toBe(0);
        expect(e.fused).toBeCloseTo((1 - w) * e.idea + (topPlain > 0 ? (w * top * e.plain) / topPlain : 0), 5);
        entries++;
      }
    }
    expect(entries).toBeGreaterThan(1000);
  });
});
