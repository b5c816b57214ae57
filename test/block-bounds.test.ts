import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BOUND_BLOCK, BOUND_SCORING, INDEX_FORMAT, INDEX_FORMAT_SPLIT, float32Above, type IndexData } from '../indexer/postings.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { DEFAULT_ENGINE_OPTIONS } from '../search/options.js';
import { searchTexts, type SearchField } from '../indexer/fields.js';
import { Matcher } from '../search/match.js';
import { Postings, TermOccurrences } from '../search/postings.js';
import { BlockTop, KeptScores, WordScores, bm25 } from '../search/score.js';
import { SearchService } from '../search/service.js';
import { fieldStatsOf, ROOT, seedSnapshot } from './helpers.js';

let body: SnapshotBody;
let index: IndexData;
beforeAll(async () => {
  body = await seedSnapshot();
  index = (body.index as { postings: IndexData }).postings;
});


/** The seed terms in more than one block of records: the ones with stored bounds. */
function boundedTerms(d: IndexData): string[] {
  const postings = new Postings(d, 0);
  const out: string[] = [];
  for (let k = 0; k < postings.termCount; k++) if (d.boundStart![k + 1] > d.boundStart![k]) out.push(postings.termAt(k));
  return out;
}

/** The same snapshot as format 3 wrote it: the same postings, no bounds (every match is scored). */
function withoutBounds(b: SnapshotBody): SnapshotBody {
  const d = (b.index as { postings: IndexData }).postings;
  const postings: IndexData = { ...d, format: INDEX_FORMAT_SPLIT, blockBounds: undefined, boundStart: undefined, boundScoring: undefined };
  return { ...b, index: { ...(b.index as object), postings } } as SnapshotBody;
}

describe('block score bounds (postings format 4)', () => {
  it('the bounds stored at build are computed with the scoring the engine uses by default', () => {
    expect(index.format).toBe(INDEX_FORMAT);
    expect(index.boundScoring).toEqual(BOUND_SCORING);
    // If the defaults move, the bounds go unused (answers stay right, a common word is scored whole): move both.
    expect(BOUND_SCORING.k1).toBe(DEFAULT_ENGINE_OPTIONS.bm25.k1);
    expect(BOUND_SCORING.b).toBe(DEFAULT_ENGINE_OPTIONS.bm25.b);
    expect(BOUND_SCORING.fieldWeights).toEqual(DEFAULT_ENGINE_OPTIONS.fieldWeights);
  });

  it('every seed record scores at most its block bound for each common seed term, and each block holds a record within float32 rounding of it', () => {
    const terms = boundedTerms(index);
    expect(terms.length).toBeGreaterThan(10);
    expect(terms).toContain('企业');
    const stats = fieldStatsOf(index, true);
    const postings = new Postings(index, 1 << 20);
    for (const t of terms) {
      const ds = bm25(postings.term(t), stats, DEFAULT_ENGINE_OPTIONS.bm25, 1) as WordScores;
      expect(ds.blockCount, t).toBe(Math.ceil(ds.docs.length / BOUND_BLOCK));
      const all = ds.scores;
      for (let j = 0; j < ds.blockCount; j++) {
        let max = 0;
        for (let i = j * BOUND_BLOCK; i < Math.min(all.length, (j + 1) * BOUND_BLOCK); i++) max = Math.max(max, all[i]);
        expect(ds.blockBound(j), `${t} block ${j}`).toBeGreaterThanOrEqual(max);
        expect(ds.blockBound(j), `${t} block ${j}`).toBeLessThanOrEqual(max * (1 + 1e-6));
      }
    }
  });

  it('the best ten records of a common seed word from its bounds are the best ten by every score, ties by record order, with fewer records scored', () => {
    const stats = fieldStatsOf(index, true);
    const postings = new Postings(index, 1 << 20);
    let fewer = 0;
    for (const t of boundedTerms(index)) {
      const ds = bm25(postings.term(t), stats, DEFAULT_ENGINE_OPTIONS.bm25, 1) as WordScores;
      // A window of ten is bounded for words in at least 80 records (an eighth); below that every match is scored.
      if (ds.docs.length < 80) continue;
      const top = new BlockTop(ds, (i) => ds.scoreAt(i), []).top(10)!;
      expect(top, t).toBeDefined();
      const all = ds.scores;
      const want = [...all.keys()].sort((a, b) => all[b] - all[a] || a - b).slice(0, 10);
      expect([...top.idx].sort((a, b) => all[b] - all[a] || a - b), t).toEqual(want);
      if (top.scored < all.length) fewer++;
    }
    expect(fewer).toBeGreaterThan(0);
  });

  it('a record forced in (its title is the query) and a filter that admits only some records still give the best of those admitted', () => {
    const stats = fieldStatsOf(index, true);
    const ds = bm25(new Postings(index, 1 << 20).term('企业'), stats, DEFAULT_ENGINE_OPTIONS.bm25, 1) as WordScores;
    const all = ds.scores;
    // The lowest-scoring odd record, its title the query: its bonus is not in any bound, yet it must come first.
    const odd = (i: number) => i % 2 === 1;
    const titled = [...all.keys()].filter(odd).sort((a, b) => all[a] - all[b])[0];
    const bonus = (i: number) => ds.scoreAt(i) + (i === titled ? 1000 : 0);
    const top = new BlockTop(ds, bonus, [titled], odd).top(5)!;
    const want = [...all.keys()].filter(odd).sort((a, b) => bonus(b) - bonus(a) || a - b).slice(0, 5);
    expect([...top.idx].sort((a, b) => bonus(b) - bonus(a) || a - b)).toEqual(want);
    expect(want[0]).toBe(titled);
    expect(top.idx.every(odd)).toBe(true);
  });

  it('a word with no bounds (a phrase made of several terms, or an engine scoring with other weights), or a ranking of most of its records, is ranked by scoring every match', () => {
    const postings = new Postings(index, 1 << 20);
    const occ = postings.term('企业');
    expect(occ).toBeInstanceOf(TermOccurrences);
    expect(new BlockTop(bm25(occ, fieldStatsOf(index, false), DEFAULT_ENGINE_OPTIONS.bm25, 1), () => 0, []).top(10)).toBeUndefined();
    const copy = { slots: occ.slots, starts: occ.starts, pos: occ.pos };
    expect(new BlockTop(bm25(copy, fieldStatsOf(index, true), DEFAULT_ENGINE_OPTIONS.bm25, 1), () => 0, []).top(10)).toBeUndefined();
    const bounded = bm25(occ, fieldStatsOf(index, true), DEFAULT_ENGINE_OPTIONS.bm25, 1);
    expect(new BlockTop(bounded, () => 0, []).top(10)).toBeDefined();
    expect(new BlockTop(bounded, () => 0, []).top(bounded.docs.length)).toBeUndefined();
  });

  it('answers every judged query, common seed words and their pages, with and without a region filter, exactly as the same snapshot without bounds (format 3), and the bounds are what ranked most common words', () => {
    const judged = (file: string) => (JSON.parse(readFileSync(join(ROOT, 'bench', file), 'utf8')) as { query: string }[]).map((q) => q.query);
    const queries = [...judged('queries.dev.json'), ...judged('queries.test.json'), ...boundedTerms(index).slice(0, 40), '企业 -登记'];
    const region = body.records[0].regions[0];
    // A ranking is taken from the bounds only when its window (max(k, rerankWindow)) is at most an eighth of the word's
    // records (score.ts BlockTop): with the default window of 30 that is words in 240 or more of the 300 seed
    // records; a window of 5 and pages of three reach words in 40 or more (企业, 创新, 监管, 服务 …).
    for (const options of [{}, { rerankWindow: 5 }]) {
      const bounded = new SearchService(body, options);
      const whole = new SearchService(withoutBounds(body), options);
      let viaBounds = 0;
      for (const q of queries) {
        for (const request of [{ q, size: 10 }, { q, size: 10, page: 3 }, { q, size: 10, filters: { region: [region] } }, { q, size: 3 }, { q, size: 3, page: 2 }, { q, size: 3, filters: { region: [region] } }]) {
          bounded.clearCache();
          whole.clearCache();
          const before = bounded.engine.boundStats.rankings;
          const beforeWhole = whole.engine.boundStats.rankings;
          expect({ ...bounded.search(request), took_ms: 0 }, JSON.stringify(request)).toEqual({ ...whole.search(request), took_ms: 0 });
          // Ranked from the stored bounds: without them the same request scored every match. (A union of few-record
          // words bounds itself by its exact scores, stored bounds or not: those do not count.)
          if (bounded.engine.boundStats.rankings > before && whole.engine.boundStats.rankings === beforeWhole) viaBounds++;
        }
      }
      // The comparison proves something only if the stored bounds chose answers: under the small window, for most
      // common words and their pages.
      expect(viaBounds, JSON.stringify(options)).toBeGreaterThanOrEqual('rerankWindow' in options ? 60 : 10);
    }
  });

  it('a region keeping few of a common seed word\'s records ranks them by scoring each, exactly as the same snapshot without bounds ranks them', () => {
    // A window of 1 and pages of one hit (the service reads 2, then 4 …) put words in 16 or more seed records on the
    // bounded path. The seeds' regions are one large (山东) and many tiny, so "few" is widened to any share of the
    // word's records (keptRankRatio 1): a region holding more records than the window is ranked by a selection among
    // them (SearchResult.keptTop), never through the blocks. Under the default ratio (a region holding at most an
    // eighth of the word's records) the answers are compared too, and that path is taken there as well.
    const whole = new SearchService(withoutBounds(body), { rerankWindow: 1 });
    // The regions of three or more seed records (a region of one or two never has more than the window to choose from).
    const held = new Map<string, number>();
    for (const r of body.records) for (const g of r.regions) held.set(g, (held.get(g) ?? 0) + 1);
    const regions = [...held].filter(([, n]) => n >= 3).map(([g]) => g);
    expect(regions.length).toBeGreaterThanOrEqual(2);
    for (const keptRankRatio of [1, DEFAULT_ENGINE_OPTIONS.keptRankRatio]) {
      const bounded = new SearchService(body, { rerankWindow: 1, keptRankRatio });
      let selected = 0;
      for (const q of boundedTerms(index).slice(0, 30)) {
        const all = bounded.search({ q, size: 0, collapse: false }).total;
        for (const region of regions) {
          for (const request of [1, 2, 3].map((page) => ({ q, size: 1, page, filters: { region: [region] } }))) {
            bounded.clearCache();
            whole.clearCache();
            const before = bounded.engine.boundStats.kept;
            const got = bounded.search(request);
            expect({ ...got, took_ms: 0 }, JSON.stringify(request)).toEqual({ ...whole.search(request), took_ms: 0 });
            if (bounded.engine.boundStats.kept === before) continue;
            const kept = bounded.search({ ...request, size: 0, collapse: false }).total;
            expect(kept * keptRankRatio, JSON.stringify(request)).toBeLessThanOrEqual(all);
            // More records kept than the first page's window (2): a selection among them, not all of them.
            if (kept > 2 && request.page === 1) selected++;
          }
        }
      }
      expect(bounded.engine.boundStats.kept, `keptRankRatio ${keptRankRatio}`).toBeGreaterThan(0);
      if (keptRankRatio === 1) expect(selected).toBeGreaterThanOrEqual(20);
    }
  });

  it('an engine with other field weights ignores the stored bounds and ranks as the same snapshot without them', () => {
    const weights = { fieldWeights: { ...DEFAULT_ENGINE_OPTIONS.fieldWeights, title: 1, content: 5 } };
    // A window of 5 and a page of three put these words on the bounded path under default weights (checked below).
    const usual = new SearchService(body, { rerankWindow: 5 });
    const bounded = new SearchService(body, { ...weights, rerankWindow: 5 });
    const whole = new SearchService(withoutBounds(body), { ...weights, rerankWindow: 5 });
    const words = ['企业', '监管', '服务', '创新'];
    for (const q of words) {
      usual.search({ q, size: 3 });
      expect({ ...bounded.search({ q, size: 3 }), took_ms: 0 }, q).toEqual({ ...whole.search({ q, size: 3 }), took_ms: 0 });
    }
    expect(usual.engine.boundStats.rankings).toBe(words.length);
    expect(bounded.engine.boundStats.rankings).toBe(whole.engine.boundStats.rankings);
  });

  it('a common seed word less the records of another is ranked through the word\'s own blocks: the best of the records kept, with records outside them never scored', () => {
    const stats = fieldStatsOf(index, true);
    const postings = new Postings(index, 1 << 20);
    const word = bm25(postings.term('企业'), stats, DEFAULT_ENGINE_OPTIONS.bm25, 1) as WordScores;
    const all = word.scores;
    let fewer = 0;
    for (const other of ['登记', '创新', '监管', '服务', '审批']) {
      const out = new Set(postings.termRecords(other));
      const from = Int32Array.from([...word.docs.keys()].filter((i) => !out.has(word.docs[i])));
      expect(from.length, other).toBeGreaterThan(40);
      expect(from.length, other).toBeLessThan(word.docs.length);
      const kept = new KeptScores(bm25(postings.term('企业'), stats, DEFAULT_ENGINE_OPTIONS.bm25, 1), from);
      const blocks = kept.blocks()!;
      // The word's blocks, each holding the kept records of its own.
      expect(blocks.ub.length, other).toBe(word.blockCount);
      for (let j = 0; j < blocks.ub.length; j++) {
        expect(blocks.ub[j]).toBe(word.blockBound(j));
        for (let i = blocks.start[j]; i < blocks.start[j + 1]; i++) expect(Math.floor(from[i] / BOUND_BLOCK), `${other} ${i}`).toBe(j);
      }
      expect(blocks.start[blocks.ub.length]).toBe(from.length);
      const top = new BlockTop(kept, (i) => kept.scoreAt(i), []).top(5)!;
      const score = (i: number) => all[from[i]];
      const want = [...from.keys()].sort((a, b) => score(b) - score(a) || a - b).slice(0, 5);
      expect([...top.idx].sort((a, b) => score(b) - score(a) || a - b), other).toEqual(want);
      if (top.scored < from.length) fewer++;
    }
    expect(fewer).toBeGreaterThan(0);
  });

  it('no seed record scores above its quick bound (fields and position counts with each field\'s smallest norm) for any seed term, and the bound skips most records of a common word', () => {
    const stats = fieldStatsOf(index, true);
    const postings = new Postings(index, 1 << 20);
    let below = 0;
    let records = 0;
    for (const t of boundedTerms(index)) {
      const ds = bm25(postings.term(t), stats, DEFAULT_ENGINE_OPTIONS.bm25, 1) as WordScores;
      const quick = Array.from(ds.docs, (_, i) => ds.quickBound(i));
      const all = ds.scores;
      for (let i = 0; i < all.length; i++) expect(quick[i], `${t} ${i}`).toBeGreaterThanOrEqual(all[i]);
      // The tenth best score is a bar most records' quick bounds fall under (they are never scored).
      const bar = [...all].sort((a, b) => b - a)[Math.min(9, all.length - 1)];
      below += quick.filter((q) => q < bar).length;
      records += all.length;
    }
    expect(below / records).toBeGreaterThan(0.5);
  });

  it('a block ranking asked for more after a first window gives the best of the larger window, scoring no record twice', () => {
    const stats = fieldStatsOf(index, true);
    const postings = new Postings(index, 1 << 20);
    let resumed = 0;
    for (const t of boundedTerms(index)) {
      const ds = bm25(postings.term(t), stats, DEFAULT_ENGINE_OPTIONS.bm25, 1) as WordScores;
      if (ds.docs.length < 80) continue;
      const all = ds.scores;
      const best = (k: number) => [...all.keys()].sort((a, b) => all[b] - all[a] || a - b).slice(0, k);
      const scoredOnce = new Set<number>();
      let twice = 0;
      const ranking = new BlockTop(ds, (i) => (scoredOnce.has(i) ? twice++ : scoredOnce.add(i), ds.scoreAt(i)), []);
      const five = ranking.top(5)!;
      const ten = ranking.top(10)!;
      expect([...five.idx].sort((a, b) => all[b] - all[a] || a - b), t).toEqual(best(5));
      expect([...ten.idx].sort((a, b) => all[b] - all[a] || a - b), t).toEqual(best(10));
      expect(twice, t).toBe(0);
      expect(five.scored + ten.scored, t).toBe(scoredOnce.size);
      if (ten.scored > 0) resumed++;
    }
    expect(resumed).toBeGreaterThan(0);
  });

  it('a ranking read in doubling prefixes (as the service reads it: 20, then 40) gives each prefix exactly as that prefix ranked alone', () => {
    const judged = (JSON.parse(readFileSync(join(ROOT, 'bench', 'queries.dev.json'), 'utf8')) as { query: string }[]).map((q) => q.query);
    // One word, an exclusion, two words, questions with partial matches, and a keyword list whose page is filled with
    // partial ones.
    const queries = [...judged, '企业', '监管', '服务', '企业 -登记', '海关 监管', '企业 服务', '贸易 便利化', '怎样办理跨境电商退货', '如何缩短工程建设项目审批时间', '水产品 出口'];
    for (const options of [{}, { rerankWindow: 5 }]) {
      const service = new SearchService(body, options);
      let deep = 0;
      let small = 0;
      for (const q of queries) {
        service.clearCache();
        const grown = service.engine.search(q);
        const first = grown.order(20);
        const second = grown.order(40);
        expect(second.slice(0, 20), q).toEqual(first);
        service.clearCache();
        expect(second, q).toEqual(service.engine.search(q).order(40));
        service.clearCache();
        expect(first, q).toEqual(service.engine.search(q).order(20));
        if (second.length === 40) deep++;
        // A result of fewer records than the first read was ranked whole by it: the deeper read returns those same
        // entries, not a second selection.
        if (grown.total < 20) {
          expect(second.length, q).toBe(grown.total);
          expect(second.every((e, i) => e === first[i]), q).toBe(true);
          small++;
        }
      }
      // The property is about rankings longer than the re-ranked window: most of these queries have them.
      expect(deep, JSON.stringify(options)).toBeGreaterThanOrEqual(4);
      expect(small, JSON.stringify(options)).toBeGreaterThan(0);
    }
  });

  it('a format-4 snapshot whose bounds are cut short is refused whole, saying to rebuild it', () => {
    const short: IndexData = { ...index, blockBounds: index.blockBounds!.subarray(0, index.blockBounds!.length - 1) };
    const damaged = { ...body, index: { ...(body.index as object), postings: short } } as SnapshotBody;
    expect(() => new SearchService(damaged)).toThrow(/not a positional index of these records \(rebuild the snapshot\)/);
  });
});

describe('strings matched through the bigrams that cover them', () => {
  it('a seed phrase is found exactly where its text is, without decoding the positions of the middle bigrams its first and last leave covered', () => {
    const F = index.fields.length;
    const service = new SearchService(body);
    const texts = searchTexts(body.records);
    const plain = (slot: number) => service.engine.analyzer.normalizer.plain(texts[Math.floor(slot / F)][index.fields[slot % F] as SearchField]);
    // 4-5 characters: the first and last bigram and at most one between cover every character.
    for (const [phrase, skipped] of [['告知承诺制', '承诺'], ['留抵退税', '抵退'], ['知识产权', '识产'], ['一网通办', '网通']] as const) {
      const postings = new Postings(index, 1 << 22);
      const occ = new Matcher(postings, 100, 4).needle(phrase);
      expect(occ.slots.length, phrase).toBeGreaterThan(0);
      // Every occurrence found is the phrase in the text, and every occurrence in the text is found.
      const found = new Set<string>();
      for (let e = 0; e < occ.slots.length; e++) {
        for (let x = occ.starts[e]; x < occ.starts[e + 1]; x++) {
          expect(plain(occ.slots[e]).slice(occ.pos[x], occ.pos[x] + phrase.length), phrase).toBe(phrase);
          found.add(`${occ.slots[e]}:${occ.pos[x]}`);
        }
      }
      let inText = 0;
      for (let slot = 0; slot < index.records * F; slot++) {
        const t = plain(slot);
        for (let p = t.indexOf(phrase); p >= 0; p = t.indexOf(phrase, p + 1)) {
          expect(found.has(`${slot}:${p}`), `${phrase} at ${slot}:${p}`).toBe(true);
          inText++;
        }
      }
      expect(found.size).toBe(inText);
      // The middle bigram was not needed: none of its positions were decoded.
      expect((postings.term(skipped) as TermOccurrences).positionsDecoded, skipped).toBe(0);
    }
  });
});

describe('a stored bound is the least float32 not below the score it bounds', () => {
  it('float32Above(x) is a float32, at least x, and the float32 just below it is below x', () => {
    const below = (f: number) => {
      // The float32 just below a positive float32: one less in its bits.
      const v = new Float32Array([f]);
      new Uint32Array(v.buffer)[0]--;
      return v[0];
    };
    fc.assert(
      fc.property(fc.double({ min: 1e-30, max: 1e30, noNaN: true }), (x) => {
        const f = float32Above(x);
        expect(Math.fround(f)).toBe(f);
        expect(f).toBeGreaterThanOrEqual(x);
        expect(below(f)).toBeLessThan(x);
      }),
      { numRuns: 2000 },
    );
    // The float32 just above a positive float32: one more in its bits.
    const above = (f: number) => {
      const v = new Float32Array([f]);
      new Uint32Array(v.buffer)[0]++;
      return v[0];
    };
    // Calls one after another share nothing: values fround rounds up (kept as rounded), one exact, then one fround
    // rounds down (the next float32 up).
    expect(Math.fround(0.1)).toBeGreaterThan(0.1);
    expect(float32Above(0.1)).toBe(Math.fround(0.1));
    expect(float32Above(0.5)).toBe(0.5);
    expect(Math.fround(1 / 3)).toBeGreaterThan(1 / 3);
    expect(float32Above(1 / 3)).toBe(Math.fround(1 / 3));
    expect(Math.fround(0.7)).toBeLessThan(0.7);
    expect(float32Above(0.7)).toBe(above(Math.fround(0.7)));
  });
});
