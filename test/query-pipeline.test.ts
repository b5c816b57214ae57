import { beforeAll, describe, expect, it } from 'vitest';
import { type SearchService } from '../search/service.js';
import { addScores, bm25, scoreAt, union, WordScores, type DocScores, type FieldStats } from '../search/score.js';
import { facetValues, type Filters } from '../search/facets.js';
import type { Matcher } from '../search/match.js';
import { facetFilterChoices, ownTextSays, passesFilters, seedService } from './helpers.js';

let service: SearchService;
let matcher: Matcher;
let stats: FieldStats;
beforeAll(async () => {
  service = await seedService();
  const engine = service.engine as unknown as { matcher: Matcher; stats: FieldStats };
  matcher = engine.matcher;
  stats = engine.stats;
});

/** BM25 of one record written out field by field from the formula, as the reference. */
function bm25ByHand(docSlots: { slot: number; tf: number }[], weight: number, df: number): number {
  const { k1, b } = service.engine.options.bm25;
  const idf = Math.log(1 + (stats.records - df + 0.5) / (df + 0.5));
  let s = 0;
  for (const { slot, tf } of docSlots) {
    const f = slot % stats.fieldCount;
    const norm = k1 * (1 - b + (b * stats.fieldLengths[slot]) / stats.avgLengths[f]);
    s += stats.weights[f] * weight * idf * ((tf * (k1 + 1)) / (tf + norm));
  }
  return s;
}

describe("a word's records are listed at once and scored only when asked", () => {
  it('scores each seed record of 海关, 退税, 知识产权, 跨境电商 and 登记 the same alone as all at once, and as BM25 written out', () => {
    for (const word of ['海关', '退税', '知识产权', '跨境电商', '登记']) {
      const occ = matcher.needle(word);
      const alone = bm25(occ, stats, service.engine.options.bm25, 0.8) as WordScores;
      const all = bm25(occ, stats, service.engine.options.bm25, 0.8);
      const F = stats.fieldCount;
      // The records are every record the occurrences name, each once, increasing.
      const records = [...new Set(Array.from(occ.slots, (s) => Math.floor(s / F)))];
      expect(Array.from(alone.docs)).toEqual(records);
      expect(records.length).toBeGreaterThan(3);
      for (let i = 0; i < records.length; i++) {
        const slots: { slot: number; tf: number }[] = [];
        occ.slots.forEach((s, x) => Math.floor(s / F) === records[i] && slots.push({ slot: s, tf: occ.starts[x + 1] - occ.starts[x] }));
        // Alone (before any full scoring) and all at once: the same number to the last bit.
        expect(alone.scoreAt(i)).toBe(all.scores[i]);
        expect(alone.scoreAt(i)).toBeCloseTo(bm25ByHand(slots, 0.8, records.length), 10);
      }
    }
  });

  it('scores records of 海关 holding it in several fields besides the title as BM25 written out, each field with its own length norm', () => {
    const opts = service.engine.options.bm25;
    const F = stats.fieldCount;
    const occ = matcher.needle('海关');
    const scores = bm25(occ, stats, opts, 1) as WordScores;
    const slotsOf = new Map<number, { slot: number; tf: number }[]>();
    occ.slots.forEach((s, x) => {
      const d = Math.floor(s / F);
      if (!slotsOf.has(d)) slotsOf.set(d, []);
      slotsOf.get(d)!.push({ slot: s, tf: occ.starts[x + 1] - occ.starts[x] });
    });
    // Records whose slots of the word lie in two or more fields, one of them not field 0: the norms are read field by
    // field (field f of record d), so a norm taken from the wrong field or record would change these scores.
    const chosen = [...slotsOf].filter(([, slots]) => new Set(slots.map((x) => x.slot % F)).size >= 2 && slots.some((x) => x.slot % F !== 0));
    expect(chosen.length).toBeGreaterThanOrEqual(5);
    const fields = new Set(chosen.flatMap(([, slots]) => slots.map((x) => x.slot % F)).filter((f) => f !== 0));
    expect(fields.size).toBeGreaterThanOrEqual(2);
    for (const [d, slots] of chosen) {
      const i = Array.from(scores.docs).indexOf(d);
      expect(i, `record ${d}`).toBeGreaterThanOrEqual(0);
      const want = bm25ByHand(slots, 1, slotsOf.size);
      expect(want, `record ${d}`).toBeGreaterThan(0);
      expect(scores.scoreAt(i), `record ${d}`).toBeCloseTo(want, 10);
    }
  });

  it('merges 知识产权 with its split form 知识…产权, and 海关 with 监管, to the same records and scores whether scored on demand or at once', () => {
    const opts = service.engine.options.bm25;
    const eager = (d: DocScores): DocScores => ({ docs: d.docs.slice(), scores: d.scores.slice() });
    for (const [a, b] of [[matcher.needle('知识产权'), matcher.near('知识', '产权')], [matcher.needle('海关'), matcher.needle('监管')]]) {
      for (const combine of [Math.max, (x: number, y: number) => x + y]) {
        const lazy = union(bm25(a, stats, opts, 1), bm25(b, stats, opts, 0.5), combine);
        const ref = union(eager(bm25(a, stats, opts, 1)), eager(bm25(b, stats, opts, 0.5)), combine);
        expect(Array.from(lazy.docs)).toEqual(Array.from(ref.docs));
        expect(ref.docs.length).toBeGreaterThan(0);
        for (let i = 0; i < ref.docs.length; i++) expect(scoreAt(lazy, i)).toBe(ref.scores[i]);
        expect(Array.from(lazy.scores)).toEqual(Array.from(ref.scores));
      }
    }
  });

  it('adds a listed entry\'s score in one loop (addScores) to the last bit of scoring it alone, for a word, a union and a computed list', () => {
    const opts = service.engine.options.bm25;
    const word = bm25(matcher.needle('海关'), stats, opts, 0.8);
    const lists: [string, DocScores][] = [
      ['海关', word],
      ['海关 or 监管', union(bm25(matcher.needle('海关'), stats, opts, 1), bm25(matcher.needle('监管'), stats, opts, 0.5), Math.max)],
      ['海关 computed', { docs: word.docs.slice(), scores: bm25(matcher.needle('海关'), stats, opts, 0.8).scores.slice() }],
    ];
    for (const [name, list] of lists) {
      const n = list.docs.length;
      expect(n, name).toBeGreaterThan(10);
      // Entries out of order and some twice, added onto values already there (a second word's sum).
      const at = Int32Array.from({ length: n + 5 }, (_, j) => (j * 7) % n);
      const base = Float64Array.from(at, (_, j) => j / 3);
      const out = base.slice();
      addScores(list, at, out);
      for (let j = 0; j < at.length; j++) expect(out[j], `${name} entry ${at[j]}`).toBe(base[j] + scoreAt(list, at[j]));
    }
  });

  it('ranks a two-word query (海关 监管) by the sum of both words over exactly the records holding both', () => {
    const both = service.engine.search('海关 监管');
    const a = new Set(service.engine.search('海关').docs);
    const b = new Set(service.engine.search('监管').docs);
    const want = [...a].filter((d) => b.has(d)).sort((x, y) => x - y);
    expect(want.length).toBeGreaterThanOrEqual(10);
    expect(Array.from(both.docs)).toEqual(want);
    expect(both.partial).toBe(false);
    // Ranked best first, and the first hit holds both words.
    const top = both.order(5);
    for (let i = 1; i < top.length; i++) expect(top[i - 1].score).toBeGreaterThanOrEqual(top[i].score);
    expect(top[0].missing).toEqual([]);
  });
});

describe('an exclusion drops exactly the records whose own fields hold the word, without scoring it', () => {
  it('keeps 退税 -出口, 海关 -跨境, 融资 -银行 and 企业 -登记 to the records of the first word not saying the second', () => {
    for (const [word, not] of [['退税', '出口'], ['海关', '跨境'], ['融资', '银行'], ['企业', '登记']]) {
      const analysis = service.engine.analyse(`${word} -${not}`);
      // The premise: the excluded word stands for itself only (no synonym to add to the reference).
      expect(analysis.exclude[0].constraints[0].alternatives.map((a) => a.text)).toEqual([not]);
      const says = (d: number) => ownTextSays(service, d, not);
      const want = Array.from(service.engine.search(word).docs).filter((d) => !says(d));
      const got = Array.from(service.engine.search(`${word} -${not}`).docs);
      expect(got).toEqual(want);
      expect(got.length).toBeLessThan(service.engine.search(word).docs.length);
    }
  });
});

describe('filters, facet counts and reform totals over a common word come from one pass and count the same', () => {
  /** Whether a record passes every facet's filter except `except`'s. */
  const passes = (d: number, filters: Filters, except?: string) => passesFilters(service.records, d, filters, except);

  it('answers 海关, 企业 and 审批 with one or two facets chosen: total reforms, copies and counts as counting each reform once', () => {
    const reformOf = (service as unknown as { reformOf: Int32Array }).reformOf;
    const facets = service.search({ q: '', size: 1, facetSize: 0 }).facets;
    const choices = facetFilterChoices(facets);
    for (const q of ['海关', '企业', '审批']) {
      const docs = Array.from(service.engine.search(q).docs);
      for (const filters of choices) {
        const res = service.search({ q, size: 10, filters, facetSize: 0 });
        const kept = docs.filter((d) => passes(d, filters));
        expect(res.total).toBe(new Set(kept.map((d) => reformOf[d])).size);
        // Each hit's copy count is the other records of its reform among those passing.
        for (const h of res.hits) {
          const d = service.records.findIndex((r) => r.id === h.id);
          expect(kept).toContain(d);
          expect(h.copyCount ?? 0).toBe(kept.filter((x) => reformOf[x] === reformOf[d]).length - 1);
        }
        // A facet's count: the reforms with a record holding the value, among records passing the other facets' filters.
        for (const [f, values] of Object.entries(res.facets)) {
          for (const { value, count } of values) {
            const holders = docs.filter((d) => passes(d, filters, f) && facetValues(service.records[d], f as never).includes(value));
            expect(count).toBe(new Set(holders.map((d) => reformOf[d])).size);
          }
        }
        const mask = service.engine.facets.passing(Int32Array.from(docs), filters)!;
        expect(docs.filter((_, i) => mask[i] === 1)).toEqual(kept);
      }
    }
  });
});
