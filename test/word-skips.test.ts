import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDocSkips } from '../indexer/doc-skips.js';
import type { EngineIndex } from '../indexer/engine-index.js';
import { type WordIndex } from '../indexer/word-postings.js';
import { buildWordSkips, wordsAsIndex } from '../indexer/word-skips.js';
import type { DocSkips } from '../indexer/doc-skips.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { parseSnapshot, serializeSnapshot } from '../snapshot/file.js';
import { BlockTerm, BlockWordScores, DocSkipIndex } from '../search/doc-skips.js';
import { engineOptions } from '../search/options.js';
import { Postings } from '../search/postings.js';
import { bm25, normsOf } from '../search/score.js';
import { SearchService, type SearchParams } from '../search/service.js';
import { fieldStatsOf, seedSnapshot } from './helpers.js';
import { everyLongWordStored } from './seed-texts.js';

// The seeds are far below the default thresholds: their stored words are built for every word of three or more Han
// characters (cost ≥ 1), the block starts for every index term and stored word in at least 8 record fields, and the
// engine asks by blocks whenever fewer records are left than the word has (ratio 1), so the new path runs on real text.
let plain: SnapshotBody;
let words: WordIndex;
let wordSkips: DocSkips;
let withStarts: SnapshotBody;
let decodedWhole: SearchService;
let byBlocks: SearchService;
beforeAll(async () => {
  plain = await seedSnapshot();
  const index = plain.index as EngineIndex;
  words = everyLongWordStored(plain);
  const thresholds = { minEntries: 8, share: 1000 };
  wordSkips = buildWordSkips(index.postings, words, thresholds)!;
  const skips = buildDocSkips(index.postings, thresholds)!;
  withStarts = { ...plain, index: { ...index, words, skips, wordSkips } };
  // The same snapshot without the stored words' starts: every stored word is decoded whole, as before them.
  decodedWhole = new SearchService({ ...plain, index: { ...index, words, skips } }, { blockAskRatio: 1 });
  byBlocks = new SearchService(withStarts, { blockAskRatio: 1 });
});

/** A page's JSON without its timing. */
const page = (s: SearchService, p: SearchParams) => JSON.stringify({ ...s.search(p), took_ms: 0 });

describe('block starts of stored words: a common stored word is asked about at a few records by decoding only their blocks', () => {
  it('stores none on a corpus the size of the seeds at the default thresholds, nor without stored words, so the seeds snapshot does not grow', () => {
    const index = (plain.index as EngineIndex).postings;
    expect((plain.index as EngineIndex).wordSkips).toBeUndefined();
    expect(buildWordSkips(index, undefined)).toBeUndefined();
    expect(buildWordSkips(index, words)).toBeUndefined();
  });

  it('reads a stored word block by block with the same record count, scores, entries and positions as the word decoded whole', () => {
    const data = (plain.index as EngineIndex).postings;
    const own = wordsAsIndex(data, words);
    const postings = new Postings(own, 1 << 20);
    const index = new DocSkipIndex(wordSkips, own);
    const options = engineOptions();
    const stats = fieldStatsOf(data, false);
    normsOf(stats, options.bm25);
    expect(wordSkips.terms.length).toBeGreaterThan(20);
    const names = Array.from(wordSkips.terms, (k) => postings.termAt(k));
    // Every one is a stored word (three or more Han characters), not an index bigram.
    expect(names.every((n) => /^[\u4e00-\u9fff]{3,}$/.test(n))).toBe(true);
    expect(names).toContain('知识产权');
    let checked = 0;
    for (let i = 0; i < wordSkips.terms.length; i += 3) {
      const k = wordSkips.terms[i];
      const word = postings.termAt(k);
      const whole = postings.term(word);
      const blocks = new BlockTerm(index, index.of(k), k, () => whole);
      const asked = new BlockWordScores(blocks, stats, options.bm25, 0.4, () => bm25(whole, stats, options.bm25, 0.4));
      const list = bm25(whole, stats, options.bm25, 0.4);
      expect(asked.count, word).toBe(list.docs.length);
      const listed = new Map(Array.from(list.docs, (d, j) => [d, j]));
      for (let d = 0; d < data.records; d++) {
        const s = asked.recordScore(d);
        const j = listed.get(d);
        if (j !== undefined) expect(s, `${word} ${d}`).toBe(list.scores[j]);
        else expect(s, `${word} ${d}`).toBeNaN();
      }
      for (let e = 0; e < whole.slots.length; e++) {
        expect(blocks.entryOf(whole.slots[e]), `${word} ${whole.slots[e]}`).toBe(e);
        const [from, to, pos] = blocks.positionsAt(e);
        expect(Array.from(pos.subarray(from, to)), `${word} ${e}`).toEqual(Array.from(whole.pos.subarray(whole.starts[e], whole.starts[e + 1])));
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(7);
  });

  it('answers the judged dev queries with the same pages as decoding every stored word whole, asking loose expansions\' optional common words by blocks to do it', () => {
    const judged = (JSON.parse(readFileSync(join(__dirname, '..', 'bench', 'queries.dev.json'), 'utf8')) as { query: string }[]).map((q) => q.query);
    const queries = [...judged, '企业如何申请知识产权质押融资', '怎样办理跨境电商退货'];
    const before = byBlocks.engine.looseBlockReads;
    for (const q of queries) {
      for (const extra of [{}, { filters: { region: ['上海'] } }] as Partial<SearchParams>[]) {
        byBlocks.clearCache();
        decodedWhole.clearCache();
        const p: SearchParams = { q, size: 10, ...extra };
        expect(page(byBlocks, p), q).toBe(page(decodedWhole, p));
      }
    }
    expect(byBlocks.engine.looseBlockReads - before).toBeGreaterThan(0);
  });

  it('keeps the stored words\' block starts through the snapshot file, and a snapshot whose starts do not fit its stored words is refused whole', () => {
    const back = parseSnapshot(serializeSnapshot(withStarts));
    const kept = (back.index as EngineIndex).wordSkips!;
    expect(Array.from(kept.terms)).toEqual(Array.from(wordSkips.terms));
    expect(Array.from(kept.bits)).toEqual(Array.from(wordSkips.bits));
    const index = withStarts.index as EngineIndex;
    const damaged = (s: Partial<DocSkips>) => ({ ...plain, index: { ...index, wordSkips: { ...wordSkips, ...s } } });
    expect(() => new SearchService(damaged({ bits: wordSkips.bits.subarray(1) }))).toThrow(/stored words' block starts/);
    const beyond = Uint32Array.from(wordSkips.terms);
    beyond[beyond.length - 1] = words.termEntries.length;
    expect(() => new SearchService(damaged({ terms: beyond }))).toThrow(/stored words' block starts/);
    // Starts without the stored words they describe are refused too.
    const { words: _w, ...withoutWords } = index;
    expect(() => new SearchService({ ...plain, index: { ...withoutWords, wordSkips } })).toThrow(/stored words' block starts/);
  });
});
