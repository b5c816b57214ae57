import { beforeAll, describe, expect, it } from 'vitest';
import { contentWords, looseExpansions } from '../analysis/loose.js';
import { buildVocabulary } from '../analysis/segment.js';
import type { EngineIndex } from '../indexer/engine-index.js';
import { buildLoosePostings, type LooseIndex } from '../indexer/loose-postings.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { parseSnapshot, serializeSnapshot } from '../snapshot/file.js';
import { NEAR_GAP } from '../search/analyzer.js';
import { Matcher } from '../search/match.js';
import { Postings, recordsOf } from '../search/postings.js';
import { SearchService, type SearchParams } from '../search/service.js';
import { seedSnapshot } from './helpers.js';
import { indexedTexts } from './seed-texts.js';

// The seeds are far too small for any expansion to reach the default cost: their stored expansions are built here for
// every expansion whose words share a field somewhere (cost ≥ 1, no share limits), so the stored path runs on real text.
let plain: SnapshotBody;
let stored: SnapshotBody;
let loose: LooseIndex;
let keys: string[][];
let terms: string[];
beforeAll(async () => {
  plain = await seedSnapshot();
  const texts = indexedTexts(plain);
  const index = plain.index as EngineIndex;
  const forms = plain.analysis.forms!;
  terms = [...plain.dictionary.synonyms.flat(), ...forms.pairs.flat(), ...forms.shorts];
  const vocab = buildVocabulary(plain.analysis.vocabulary);
  loose = buildLoosePostings(texts, index.postings, index.postings.fields.length, terms, vocab, new Set(plain.dictionary.stopwords), { minCost: 1, share: 1, recordShare: 1 })!;
  stored = { ...plain, index: { ...index, loose } };
  keys = loose.keys.split('\u0000').map((k) => k.split('\u0001'));
});

function withoutLoose(body: SnapshotBody): SnapshotBody {
  const { loose: _l, ...index } = body.index as EngineIndex;
  return { ...body, index };
}

describe('stored loose expansions: an expansion matched by its words read as its records', () => {
  it('stores no expansion on a corpus the size of the seeds at the default cost, so the seeds snapshot does not grow', () => {
    expect((plain.index as EngineIndex).loose).toBeUndefined();
  });

  it('cuts an expansion into the words query analysis matches it by (跨境电子商务 → 跨境|电子|商务)', () => {
    const vocab = buildVocabulary(plain.analysis.vocabulary);
    const stop = new Set(plain.dictionary.stopwords);
    expect(contentWords('跨境电子商务', vocab, stop)).toEqual(['跨境', '电子', '商务']);
    // Every expansion the analyser makes of a thesaurus term is one the indexer lists, with the same words.
    const service = new SearchService(plain);
    const listed = new Set(looseExpansions(terms, vocab, stop).map((w) => w.join('|')));
    let seen = 0;
    for (const group of plain.dictionary.synonyms.slice(0, 80)) {
      for (const t of group) {
        for (const c of service.engine.analyse(t).groups.flat().flatMap((cl) => cl.constraints)) {
          for (const a of c.alternatives) {
            if (!a.words) continue;
            seen++;
            expect(listed.has(a.words.join('|'))).toBe(true);
          }
        }
      }
    }
    expect(seen).toBeGreaterThan(20);
  });

  it('stores for each expansion exactly the records where all its words share a field, and each word\'s record count', () => {
    expect(keys.length).toBeGreaterThan(50);
    expect(keys.map((k) => k.join('|'))).toContain('跨境|电子|商务');
    const index = (plain.index as EngineIndex).postings;
    const F = index.fields.length;
    const matcher = new Matcher(new Postings(index, 1 << 22), 1 << 12, NEAR_GAP);
    keys.forEach((words, e) => {
      const occs = words.map((w) => matcher.needle(w));
      expect(Array.from(loose.df.subarray(loose.wordStart[e], loose.wordStart[e + 1]))).toEqual(occs.map((o) => recordsOf(o, F).length));
      const shared = new Set(Array.from(occs[0].slots).filter((s) => occs.every((o) => o.slots.includes(s))).map((s) => (s / F) | 0));
      expect(Array.from(loose.records.subarray(loose.recordStart[e], loose.recordStart[e + 1]))).toEqual([...shared].sort((a, b) => a - b));
    });
  });

  it('answers every query naming an expanded term the same with and without the stored expansions, reading the stored ones', () => {
    const withStored = new SearchService(stored);
    const without = new SearchService(withoutLoose(stored));
    // Terms whose expansions are stored, alone, beside another word, behind a field prefix and quoted.
    const named = terms.filter((t) => keys.some((k) => k.join('') === t)).slice(0, 40);
    expect(named.length).toBeGreaterThan(10);
    const queries = [...named, ...named.map((t) => `${t} 企业`), ...named.slice(0, 10).map((t) => `title:${t}`), '跨境电商 退货', '跨境电子商务', '"跨境电商" 退货'];
    for (const q of queries) {
      for (const params of [{ q, size: 10 }, { q, size: 20, page: 2 }] as SearchParams[]) {
        withStored.clearCache();
        without.clearCache();
        expect({ ...withStored.search(params), took_ms: 0 }, q).toEqual({ ...without.search(params), took_ms: 0 });
      }
    }
    expect(withStored.engine.looseStoredReads).toBeGreaterThan(20);
    expect(without.engine.looseStoredReads).toBe(0);
  });

  it('keeps the stored expansions through a snapshot file, and refuses a damaged section', () => {
    const back = parseSnapshot(serializeSnapshot(stored, { compress: true }));
    const kept = (back.index as EngineIndex).loose!;
    expect(kept.keys).toBe(loose.keys);
    expect(Array.from(kept.records)).toEqual(Array.from(loose.records));
    const service = new SearchService(back);
    expect(service.search({ q: '跨境电商 退货', size: 10 }).total).toBe(new SearchService(plain).search({ q: '跨境电商 退货', size: 10 }).total);
    const damaged = { ...loose, df: loose.df.subarray(1) };
    expect(() => new SearchService({ ...plain, index: { ...(plain.index as EngineIndex), loose: damaged } })).toThrow(/stored loose expansions/);
    const outOfRange = { ...loose, records: Int32Array.from(loose.records, (d, i) => (i === 0 ? plain.records.length : d)) };
    expect(() => new SearchService({ ...plain, index: { ...(plain.index as EngineIndex), loose: outOfRange } })).toThrow(/stored loose expansions/);
  });

  it('refuses a section whose values are in range but out of order, since scoring walks records and fields together', () => {
    const refuses = (l: LooseIndex) => expect(() => new SearchService({ ...plain, index: { ...(plain.index as EngineIndex), loose: l } })).toThrow(/stored loose expansions/);
    const swapped = (a: Int32Array, i: number) => {
      const b = a.slice();
      [b[i], b[i + 1]] = [b[i + 1], b[i]];
      return b;
    };
    // Two records of one expansion swapped.
    const e = keys.findIndex((_, k) => loose.recordStart[k + 1] - loose.recordStart[k] >= 2);
    expect(e).toBeGreaterThanOrEqual(0);
    refuses({ ...loose, records: swapped(loose.records, loose.recordStart[e]) });
    // Two fields of one word swapped.
    const w = Array.from(loose.df, (_, k) => k).find((k) => loose.slotStart[k + 1] - loose.slotStart[k] >= 2)!;
    expect(w).toBeDefined();
    refuses({ ...loose, slots: swapped(loose.slots, loose.slotStart[w]) });
    // A word's field moved into a record its expansion does not hold (still in range, order kept).
    const F = (plain.index as EngineIndex).postings.fields.length;
    const last = loose.slotStart[1] - 1;
    const held = new Set(Array.from(loose.records.subarray(loose.recordStart[0], loose.recordStart[1])));
    let d = ((loose.slots[last] / F) | 0) + 1;
    while (held.has(d)) d++;
    expect(d).toBeLessThan(plain.records.length);
    refuses({ ...loose, slots: Int32Array.from(loose.slots, (s, x) => (x === last ? d * F : s)) });
    // The section as built loads.
    expect(() => new SearchService(stored)).not.toThrow();
  });
});
