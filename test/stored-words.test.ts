import { beforeAll, describe, expect, it } from 'vitest';
import { Normalizer } from '../analysis/normalize.js';
import { normalizedSearchTexts } from '../indexer/fields.js';
import { traditionalToSimplifiedTable } from '../indexer/t2s.js';
import type { EngineIndex } from '../indexer/engine-index.js';
import { coverCost, DEFAULT_WORD_COST, encodeWordPlaces, findWordPlaces, planWords, type WordIndex } from '../indexer/word-postings.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { parseSnapshot, serializeSnapshot } from '../snapshot/file.js';
import { NEAR_GAP } from '../search/analyzer.js';
import { Matcher } from '../search/match.js';
import { Postings, TermOccurrences, type Occurrences } from '../search/postings.js';
import { SearchService, type SearchParams } from '../search/service.js';
import { chunkedIndexFromEntry, offlineChunks } from '../web/src/offline/chunks.js';
import { sha256Hex } from '../web/src/offline/sha256.js';
import { seedSnapshot } from './helpers.js';
import { everyLongWordStored } from './seed-texts.js';

// The seeds are far too small for any word to reach the default cost: their stored words are built here for every word
// of three or more Han characters the corpus prints (cost ≥ 1), so the stored path runs on real text.
let plain: SnapshotBody;
let stored: SnapshotBody;
let words: WordIndex;
let list: string[];
beforeAll(async () => {
  plain = await seedSnapshot();
  const index = plain.index as EngineIndex;
  words = everyLongWordStored(plain);
  stored = { ...plain, index: { ...index, words } };
  list = words.terms.split('\u0000').slice(0, -1);
});

function withoutWords(body: SnapshotBody): SnapshotBody {
  const { words: _w, ...index } = body.index as EngineIndex;
  return { ...body, index };
}

function plainArrays(o: Occurrences) {
  return { slots: Array.from(o.slots), starts: Array.from(o.starts), pos: Array.from(o.pos) };
}

describe('stored words: costly words read as one term', () => {
  it('stores no word on a corpus the size of the seeds at the default cost, so the seeds snapshot does not grow', () => {
    expect((plain.index as EngineIndex).words).toBeUndefined();
    const index = (plain.index as EngineIndex).postings;
    const positions = new Map<string, number>();
    const p = new Postings(index, 0);
    for (let k = 0; k < p.termCount; k++) positions.set(p.termAt(k), index.termPositions[k]);
    const costs = plain.analysis.vocabulary.filter(([w]) => /^[\u4e00-\u9fff]{3,}$/.test(w)).map(([w]) => coverCost(w, (b) => positions.get(b) ?? 0));
    expect(costs.length).toBeGreaterThan(100);
    expect(Math.max(...costs)).toBeLessThan(DEFAULT_WORD_COST);
  });

  it('finds every stored word at exactly the places intersecting its bigrams finds it', () => {
    expect(list.length).toBeGreaterThan(500);
    expect(list).toContain('自由贸易试验区');
    const index = (stored.index as EngineIndex).postings;
    const fromBigrams = new Matcher(new Postings(index, 1 << 20), 1 << 12, NEAR_GAP);
    const fromWords = new Matcher(new Postings(index, 1 << 20), 1 << 12, NEAR_GAP, new Postings({ ...index, ...words }, 1 << 20));
    for (const w of list) {
      const a = fromBigrams.needle(w);
      const b = fromWords.needle(w);
      // Read from the stored list (a term's lazily decoded postings), not intersected.
      expect(b, w).toBeInstanceOf(TermOccurrences);
      expect(a, w).not.toBeInstanceOf(TermOccurrences);
      expect(plainArrays(b), w).toEqual(plainArrays(a));
      expect(Array.from(fromWords.records(w)), w).toEqual(Array.from(fromBigrams.records(w)));
    }
  });

  it('finds the same stored words searching the slots in ranges joined in order as searching them all at once', () => {
    const normalizer = new Normalizer(traditionalToSimplifiedTable());
    const texts = normalizedSearchTexts(plain.records, (t) => normalizer.plain(t), { copies: true });
    const index = (plain.index as EngineIndex).postings;
    const plan = planWords(index, plain.analysis.vocabulary.map(([w]) => w), 1)!;
    const text = (slot: number) => texts[slot];
    // Cuts inside terms' position blocks (a common bigram's entries run over many 64-entry blocks on the seeds), at an
    // odd slot, and an empty range.
    const S = texts.length;
    const cuts = [0, 7, Math.floor(S / 3), Math.floor(S / 3), Math.floor(S / 2) + 1, S];
    const parts = cuts.slice(1).map((to, k) => findWordPlaces(text, index, plan, cuts[k], to));
    expect(parts.filter((p) => p.wordOf.length > 0).length).toBeGreaterThanOrEqual(3);
    const joined = encodeWordPlaces(plan, parts, index);
    expect(joined.terms).toBe(words.terms);
    for (const key of ['termOffsets', 'termBytes', 'termEntries', 'termPositions', 'postings', 'blockBounds', 'boundStart'] as const) {
      expect(Array.from(joined[key])).toEqual(Array.from(words[key]));
    }
  });

  it('answers words, phrases, exclusions, several words and questions the same with and without stored words', () => {
    const a = new SearchService(withoutWords(stored));
    const b = new SearchService(stored);
    const asks: SearchParams[] = [];
    for (const w of list.filter((_, i) => i % 7 === 0)) asks.push({ q: w }, { q: `"${w}"` }, { q: `${w} 企业` }, { q: `企业 -${w}` }, { q: `如何申请${w}`, size: 5 });
    asks.push({ q: '如何缩短工程建设项目审批时间' }, { q: '跨境电商 退货' }, { q: '"综合保税区"' }, { q: '"不动产登记"' }, { q: '企业如何申请知识产权质押融资' });
    for (const params of asks) {
      a.clearCache();
      b.clearCache();
      expect({ ...b.search(params), took_ms: 0 }, JSON.stringify(params)).toEqual({ ...a.search(params), took_ms: 0 });
    }
  });

  it('keeps stored words through a snapshot file and refuses a damaged table', () => {
    const back = parseSnapshot(serializeSnapshot(stored));
    const again = (back.index as EngineIndex).words!;
    expect(again.terms).toBe(words.terms);
    for (const key of ['termOffsets', 'termBytes', 'termEntries', 'termPositions', 'postings', 'blockBounds', 'boundStart'] as const) {
      expect(again[key].constructor, key).toBe(words[key].constructor);
      expect(Array.from(again[key]), key).toEqual(Array.from(words[key]));
    }
    for (const params of [{ q: '"自由贸易试验区"' }, { q: '自由贸易试验区 企业' }, { q: '企业 -综合保税区' }]) {
      expect({ ...new SearchService(back).search(params), took_ms: 0 }, params.q).toEqual({ ...new SearchService(stored).search(params), took_ms: 0 });
    }
    const refuses = (damaged: WordIndex) => expect(() => new SearchService({ ...stored, index: { ...(stored.index as EngineIndex), words: damaged } })).toThrow(/stored words/);
    refuses({ ...words, termBytes: words.termBytes.subarray(1) });
    // Block bounds that do not end where the table says, and term offsets past the end of the terms.
    refuses({ ...words, boundStart: Uint32Array.from(words.boundStart, (x, i) => (i === words.boundStart.length - 1 ? x + 1 : x)) });
    refuses({ ...words, termOffsets: Uint32Array.from(words.termOffsets, (x, i) => (i === words.termOffsets.length - 1 ? x + 1 : x)) });
  });

  it('answers on the offline page, whose entry leaves the stored words out, as the server does with them', async () => {
    const split = offlineChunks(stored, serializeSnapshot, sha256Hex, { postingsBytes: 4096 });
    const files = new Map(split.files.map((f) => [f.file, f.bytes]));
    const page = chunkedIndexFromEntry(serializeSnapshot(split.entry), sha256Hex);
    expect((page.service.body.index as EngineIndex).words).toBeUndefined();
    const server = new SearchService(parseSnapshot(serializeSnapshot(stored)));
    const load = (file: string) => Promise.resolve(files.get(file)!);
    const asks: SearchParams[] = [{ q: '"自由贸易试验区"' }, { q: '如何缩短工程建设项目审批时间' }, { q: '企业 -综合保税区' }];
    // Every stored word alone (a split compound among them reads the sentence breaks), every seventh beside another word.
    list.forEach((w, i) => asks.push(...(i % 7 === 0 ? [{ q: w }, { q: `${w} 企业` }] : [{ q: w }])));
    for (const params of asks) {
      const mine = await page.run((s) => JSON.parse(JSON.stringify({ ...s.search(params), took_ms: 0 })), load, sha256Hex);
      expect(mine, JSON.stringify(params)).toEqual(JSON.parse(JSON.stringify({ ...server.search(params), took_ms: 0 })));
    }
  });
});
