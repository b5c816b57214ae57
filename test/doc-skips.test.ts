import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineIndex } from '../indexer/engine-index.js';
import { buildDocSkips, type DocSkips } from '../indexer/doc-skips.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { parseSnapshot, serializeSnapshot } from '../snapshot/file.js';
import { BlockTerm, BlockWordScores, DocSkipIndex } from '../search/doc-skips.js';
import { engineOptions } from '../search/options.js';
import { Matcher, NEAR_BLOCK_RATIO, slotEntry } from '../search/match.js';
import { NEAR_GAP } from '../search/analyzer.js';
import { Postings } from '../search/postings.js';
import { bm25, normsOf } from '../search/score.js';
import { SearchService, type SearchParams } from '../search/service.js';
import { fieldStatsOf, seedSnapshot } from './helpers.js';

// The seeds (300 records) are far below the default threshold: block starts are built here for every term in at least
// 8 record fields, and the engine asks by blocks whenever fewer records are left than the word has (ratio 1), so the
// block path runs on real text wherever it can.
let plain: SnapshotBody;
let skipped: SnapshotBody;
let skips: DocSkips;
let withSkips: SearchService;
let without: SearchService;
beforeAll(async () => {
  plain = await seedSnapshot();
  const index = plain.index as EngineIndex;
  skips = buildDocSkips(index.postings, { minEntries: 8, share: 1000 })!;
  skipped = { ...plain, index: { ...index, skips } };
  withSkips = new SearchService(skipped, { blockAskRatio: 1 });
  without = new SearchService(plain);
});

/** A page's JSON without its timing. */
const page = (s: SearchService, p: SearchParams) => JSON.stringify({ ...s.search(p), took_ms: 0 });

describe('block starts: a common word is asked about at a few records by decoding only their blocks', () => {
  it('stores no block starts on a corpus the size of the seeds at the default threshold, so the seeds snapshot does not grow', () => {
    expect((plain.index as EngineIndex).skips).toBeUndefined();
    expect(buildDocSkips((plain.index as EngineIndex).postings)).toBeUndefined();
  });

  it('reads, block by block, the same positions and BM25 scores as decoding each term whole, and knows its record count undecoded and which fields hold it from its slots alone', () => {
    const data = (plain.index as EngineIndex).postings;
    const postings = new Postings(data, 1 << 20);
    const index = new DocSkipIndex(skips, data);
    const options = engineOptions();
    const stats = fieldStatsOf(data, false);
    normsOf(stats, options.bm25);
    const F = data.fields.length;
    expect(skips.terms.length).toBeGreaterThan(100);
    let checked = 0;
    for (let i = 0; i < skips.terms.length; i += 7) {
      const k = skips.terms[i];
      const term = postings.termAt(k);
      const whole = postings.term(term);
      const blocks = new BlockTerm(index, index.of(k), k, () => whole);
      const words = new BlockWordScores(blocks, stats, options.bm25, 0.7, () => bm25(whole, stats, options.bm25, 0.7));
      const list = bm25(whole, stats, options.bm25, 0.7);
      expect(words.count, term).toBe(list.docs.length);
      const listed = new Set(list.docs);
      // Every record: its score where it has the term (the same number to the last bit), none where it has not.
      for (let d = 0; d < data.records; d++) {
        const s = words.recordScore(d);
        if (listed.has(d)) expect(s, `${term} ${d}`).toBe(list.scores[list.docs.indexOf(d)]);
        else expect(s, `${term} ${d}`).toBeNaN();
      }
      // Every field it occurs in, and the fields of the records around them that it is not in.
      for (let e = 0; e < whole.slots.length; e++) {
        // The engine's "does this field hold the word" (title and proximity bonuses) reads the slots, not the positions:
        // the same entry whether the term is read by blocks or decoded whole.
        expect(blocks.entryOf(whole.slots[e]), `${term} ${whole.slots[e]}`).toBe(e);
        expect(slotEntry(blocks, whole.slots[e]), `${term} ${whole.slots[e]}`).toBe(e);
        expect(slotEntry(whole, whole.slots[e]), `${term} ${whole.slots[e]}`).toBe(e);
        const [from, to, pos] = blocks.positionsAt(e);
        expect(Array.from(pos.subarray(from, to)), `${term} ${whole.slots[e]}`).toEqual(Array.from(whole.pos.subarray(whole.starts[e], whole.starts[e + 1])));
        const next = whole.slots[e] + 1;
        if (e + 1 < whole.slots.length && whole.slots[e + 1] !== next && next % F !== 0) {
          expect(blocks.entryOf(next)).toBe(-1);
          expect(slotEntry(blocks, next)).toBe(-1);
          expect(slotEntry(whole, next)).toBe(-1);
        }
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(15);
  });

  it('reads blocks in any order, more of them and more positions than one chunk of its storage holds, and the positions it handed out before still read right after later blocks filled more chunks', () => {
    const data = (plain.index as EngineIndex).postings;
    const postings = new Postings(data, 1 << 20);
    const index = new DocSkipIndex(skips, data);
    // The seeds' terms in the most record fields: the first has more blocks than a chunk holds (eight of 64 entries),
    // and each more positions than one (1,024 entries).
    const terms = Array.from(skips.terms).sort((a, b) => data.termEntries[b] - data.termEntries[a]).slice(0, 3);
    expect(data.termEntries[terms[0]]).toBeGreaterThan(8 * 64);
    for (const k of terms) expect(data.termPositions[k]).toBeGreaterThan(1024);
    for (const k of terms) {
      const term = postings.termAt(k);
      const whole = postings.term(term);
      const blocks = new BlockTerm(index, index.of(k), k, () => whole);
      const E = whole.slots.length;
      // Last block first, then every fifth entry from the end, then the rest: blocks decoded out of order.
      const order = [E - 1, ...Array.from({ length: E }, (_, i) => E - 1 - i).filter((e) => e % 5 === 0), ...Array.from({ length: E }, (_, e) => e)];
      const handed: { e: number; from: number; to: number; pos: Int32Array }[] = [];
      for (const e of order) {
        expect(blocks.entryOf(whole.slots[e]), `${term} ${e}`).toBe(e);
        const [from, to, pos] = blocks.positionsAt(e);
        handed.push({ e, from, to, pos });
      }
      // Each triple as it was handed out, read after every block was decoded.
      for (const { e, from, to, pos } of handed) {
        expect(Array.from(pos.subarray(from, to)), `${term} ${e}`).toEqual(Array.from(whole.pos.subarray(whole.starts[e], whole.starts[e + 1])));
      }
    }
  });

  it('answers questions and keyword lists with the same pages as decoding every word whole, and asks common words by blocks to do it', () => {
    const queries = [
      '企业如何申请知识产权质押融资',
      '如何缩短工程建设项目审批时间',
      '怎样办理跨境电商退货',
      '企业开办需要多长时间',
      '海关如何监管跨境电商企业',
      '进口食品怎么快速通关',
      '服务企业多少家',
      '海关 监管',
      '企业 登记',
      '船舶 登记 海关',
      '退税 -出口',
    ];
    const before = withSkips.engine.blockAsks;
    for (const q of queries) {
      for (const extra of [{}, { page: 2 }, { filters: { region: ['上海'] } }] as Partial<SearchParams>[]) {
        withSkips.clearCache();
        without.clearCache();
        const p: SearchParams = { q, size: 10, ...extra };
        expect(page(withSkips, p), q).toBe(page(without, p));
      }
    }
    expect(withSkips.engine.blockAsks - before).toBeGreaterThan(0);
  });

  it('merges two common words whole even when both have block starts, with the same page as decoding them whole', () => {
    // Two dense lists: asking the second by blocks would ask about every record of the first, so the merge (bothOf)
    // is the path; block starts must not turn it into an empty walk followed by the general merge.
    const q = '海关 监管';
    withSkips.clearCache();
    without.clearCache();
    const merges = withSkips.engine.pairMerges;
    const asks = withSkips.engine.blockAsks;
    expect(page(withSkips, { q, size: 10 })).toBe(page(without, { q, size: 10 }));
    expect(withSkips.engine.pairMerges - merges).toBeGreaterThanOrEqual(10);
    expect(withSkips.engine.blockAsks).toBe(asks);
  });

  it('keeps its block starts through the snapshot file, and a snapshot whose block starts do not fit its index is refused whole', () => {
    const back = parseSnapshot(serializeSnapshot(skipped));
    const stored = (back.index as EngineIndex).skips!;
    expect(Array.from(stored.terms)).toEqual(Array.from(skips.terms));
    expect(Array.from(stored.bits)).toEqual(Array.from(skips.bits));
    expect(Array.from(stored.slotBefore)).toEqual(Array.from(skips.slotBefore));
    const reloaded = new SearchService(back, { blockAskRatio: 1 });
    const q = '企业如何申请知识产权质押融资';
    expect(page(reloaded, { q })).toBe(page(without, { q }));
    expect(reloaded.engine.blockAsks).toBeGreaterThan(0);
    const damaged = (s: Partial<DocSkips>) => ({ ...plain, index: { ...(plain.index as EngineIndex), skips: { ...skips, ...s } } });
    expect(() => new SearchService(damaged({ bits: skips.bits.subarray(1) }))).toThrow(/block starts/);
    expect(() => new SearchService(damaged({ terms: Uint32Array.from(skips.terms).reverse() }))).toThrow(/block starts/);
    const beyond = Uint32Array.from(skips.terms);
    beyond[beyond.length - 1] = (plain.index as EngineIndex).postings.termEntries.length;
    expect(() => new SearchService(damaged({ terms: beyond }))).toThrow(/block starts/);
    expect(() => new SearchService(damaged({ block: 32 }))).toThrow(/block starts/);
    const first = Uint32Array.from(skips.first);
    first[1] += 1;
    expect(() => new SearchService(damaged({ first }))).toThrow(/block starts/);
  });

  it('finds a split compound (a…b in one sentence) at the same places when its common first part is read by blocks', () => {
    const data = (plain.index as EngineIndex).postings;
    const index = new DocSkipIndex(skips, data);
    const blocked = new Matcher(new Postings(data, 1 << 20), 100, NEAR_GAP, undefined, index);
    const whole = new Matcher(new Postings(data, 1 << 20), 100, NEAR_GAP);
    // Common first parts beside second parts the seeds print rarely (a few fields), and a few of every size.
    const firsts = ['企业', '海关', '进口', '监管', '服务', '工程', '登记', '跨境'];
    const seconds = ['建设项目', '电商', '保税', '通关', '备案', '许可', '审批', '船舶', '知识产权', '退税', '融资', '不动产', '冷链', '检疫', '担保', '区块链', '邮轮', '汽车', '药品', '飞机', '集装箱', '种子', '文物'];
    let byBlocks = 0;
    let found = 0;
    for (const a of firsts) {
      for (const b of seconds) {
        const x = blocked.near(a, b);
        const y = whole.near(a, b);
        expect(Array.from(x.slots), `${a}…${b}`).toEqual(Array.from(y.slots));
        expect(Array.from(x.starts), `${a}…${b}`).toEqual(Array.from(y.starts));
        expect(Array.from(x.pos), `${a}…${b}`).toEqual(Array.from(y.pos));
        expect(x.bound?.entries, `${a}…${b}`).toBe(y.bound?.entries);
        if (x.bound) expect(Array.from(x.bound.record), `${a}…${b}`).toEqual(Array.from(y.bound!.record));
        const first = blocked.blockTerm(a);
        if (first && whole.needle(b).slots.length * NEAR_BLOCK_RATIO < first.entries) byBlocks++;
        if (y.slots.length > 0) found++;
      }
    }
    // The block path ran, and the pairs are not all empty.
    expect(byBlocks).toBeGreaterThan(3);
    expect(found).toBeGreaterThan(10);
  });
});
