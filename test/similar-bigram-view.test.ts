import { describe, expect, it } from 'vitest';
import { bigramView } from '../indexer/similar-bigram-view.js';
import { buildSimilar } from '../indexer/similar.js';
import type { ReformRecord } from '../indexer/schema.js';
import { seedSnapshot } from './helpers.js';

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
  const all = texts.map(bigrams);
  const df = new Map<string, number>();
  for (const m of all) for (const g of m.keys()) df.set(g, (df.get(g) ?? 0) + 1);
  const weights = (m: Map<string, number>) => new Map([...m].map(([g, c]) => [g, Math.log1p(c) * Math.log(texts.length / df.get(g)!)]));
  const wa = weights(all[a]);
  const wb = weights(all[b]);
  const norm = (w: Map<string, number>) => Math.sqrt([...w.values()].reduce((s, v) => s + v * v, 0));
  let dot = 0;
  for (const [g, v] of wa) dot += v * (wb.get(g) ?? 0);
  return dot / (norm(wa) * norm(wb));
}

const fieldsText = (r: ReformRecord) => [r.title, r.content, r.applicableTo, r.process, r.outcome].map((t) => t ?? '').join('\u0000');

describe('the similar lists\' bigram view', () => {
  it('gives two seed reforms the tf-idf cosine of their whole texts\' Han character bigrams, read from its stored rows', async () => {
    const body = await seedSnapshot();
    const shown = Int32Array.from({ length: 60 }, (_, i) => i * 3);
    const view = bigramView(body.records, shown);
    const texts = [...shown].map((i) => fieldsText(body.records[i]));
    const rowDot = (a: number, b: number) => {
      const wa = new Map<number, number>();
      for (let x = view.start[a]; x < view.start[a + 1]; x++) wa.set(view.ids[x], view.w[x]);
      let s = 0;
      for (let x = view.start[b]; x < view.start[b + 1]; x++) s += (wa.get(view.ids[x]) ?? 0) * view.w[x];
      return s;
    };
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

  it('is what reorders the seeds\' lists when it weighs, and the lists are the two word views\' alone when it does not', async () => {
    const body = await seedSnapshot();
    const off = buildSimilar(body, { bigramViewWeight: 0 });
    const on = buildSimilar(body, {});
    const offAgain = buildSimilar(body, { bigramViewWeight: 0 });
    expect([...offAgain.all.ids]).toEqual([...off.all.ids]);
    let differ = 0;
    for (let i = 0; i < on.all.ids.length; i++) if (on.all.ids[i] !== off.all.ids[i]) differ++;
    expect(differ).toBeGreaterThan(0);
  });
});
