import { beforeAll, describe, expect, it } from 'vitest';
import { NEAR_GAP, nearStarts, splitCompound } from '../analysis/compounds.js';
import type { EngineIndex } from '../indexer/engine-index.js';
import { buildNearPostings, costlyPairs, nearKey, type NearIndex } from '../indexer/near-postings.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { parseSnapshot, serializeSnapshot } from '../snapshot/file.js';
import { Matcher } from '../search/match.js';
import { Postings, TermOccurrences, type Occurrences } from '../search/postings.js';
import { SearchService, type SearchParams } from '../search/service.js';
import { seedSnapshot } from './helpers.js';
import { everyLongWordStored, indexedTexts } from './seed-texts.js';

// The seeds are far too small for any split to reach the default cost: their stored splits are built here for every
// split of a vocabulary word whose parts both occur (cost ≥ 1), so the stored path runs on real text.
let plain: SnapshotBody;
let stored: SnapshotBody;
let nears: NearIndex;
let pairs: [string, string][];
let texts: string[];
beforeAll(async () => {
  plain = await seedSnapshot();
  // The texts the build indexed (every searched field normalised, in slot order): the splits are found in them.
  texts = indexedTexts(plain);
  const index = plain.index as EngineIndex;
  nears = buildNearPostings(texts, index.postings, plain.analysis.vocabulary, { minCost: 1 })!;
  stored = { ...plain, index: { ...index, nears } };
  pairs = nears.terms.split('\u0000').slice(0, -1).map((k) => k.split('\u0001') as [string, string]);
});

function withoutNears(body: SnapshotBody): SnapshotBody {
  const { nears: _n, ...index } = body.index as EngineIndex;
  return { ...body, index };
}

function plainArrays(o: Occurrences) {
  return { slots: Array.from(o.slots), starts: Array.from(o.starts), pos: Array.from(o.pos) };
}

describe('stored split compounds: costly splits read as one term', () => {
  it('splits a compound where its rarer part is the more common word, and finds it split within one sentence only', () => {
    const counts = new Map(plain.analysis.vocabulary);
    expect(splitCompound('龙头企业', counts)).toEqual(['龙头', '企业']);
    expect(splitCompound('退税', counts)).toBeUndefined();
    const at: number[] = [];
    nearStarts('龙头和企业。龙头企业;龙头\u3000。企业', '龙头', '企业', NEAR_GAP, (x) => at.push(x));
    // 龙头和企业 (one character between) only: 龙头企业 has none between, and a break separates the last pair.
    expect(at).toEqual([0]);
  });

  it('stores no split on a corpus the size of the seeds at the default cost, so the seeds snapshot does not grow', () => {
    expect((plain.index as EngineIndex).nears).toBeUndefined();
    expect(costlyPairs((plain.index as EngineIndex).postings, plain.analysis.vocabulary)).toEqual([]);
  });

  it('finds every stored split at exactly the places the matcher finds it from its parts and the sentence breaks', () => {
    expect(pairs.length).toBeGreaterThan(200);
    expect(pairs).toContainEqual(['龙头', '企业']);
    const index = (stored.index as EngineIndex).postings;
    const fromParts = new Matcher(new Postings(index, 1 << 20), 1 << 12, NEAR_GAP);
    const fromStored = new Matcher(new Postings(index, 1 << 20), 1 << 12, NEAR_GAP, undefined, undefined, new Postings({ ...index, ...nears }, 1 << 20));
    let found = 0;
    for (const [a, b] of pairs) {
      const x = fromParts.near(a, b);
      const y = fromStored.near(a, b);
      // Read from the stored list (a term's lazily decoded postings), not checked position by position.
      expect(y, nearKey(a, b)).toBeInstanceOf(TermOccurrences);
      expect(plainArrays(y), nearKey(a, b)).toEqual(plainArrays(x));
      // Restricted to fields, the same as the parts restricted to them.
      expect(plainArrays(fromStored.near(a, b, [1, 3])), nearKey(a, b)).toEqual(plainArrays(fromParts.near(a, b, [1, 3])));
      if (x.slots.length > 0) found++;
    }
    // Splits that occur somewhere are compared too, not only empty lists.
    expect(found).toBeGreaterThan(20);
  });

  it('finds the same splits when longer parts are read from stored words as when they are found in the text', () => {
    const index = (plain.index as EngineIndex).postings;
    // Every word with a cover stored, so the parts of three or more characters come from the stored words' postings.
    const words = everyLongWordStored(plain, texts);
    const storedParts = new Set(words.terms.split('\u0000'));
    expect(pairs.filter(([a, b]) => storedParts.has(a) || storedParts.has(b)).length).toBeGreaterThan(20);
    const viaWords = buildNearPostings(texts, index, plain.analysis.vocabulary, { minCost: 1, words })!;
    expect(viaWords.terms).toBe(nears.terms);
    for (const key of ['termOffsets', 'termBytes', 'termEntries', 'termPositions', 'postings', 'blockBounds', 'boundStart'] as const) {
      expect(Array.from(viaWords[key]), key).toEqual(Array.from(nears[key]));
    }
  });

  it('answers compounds, several words and questions the same with and without stored splits', () => {
    const a = new SearchService(withoutNears(stored));
    const b = new SearchService(stored);
    const asks: SearchParams[] = [];
    for (const [x, y] of pairs.filter((_, i) => i % 5 === 0)) asks.push({ q: x + y }, { q: `${x + y} 企业` }, { q: `如何办理${x + y}`, size: 5 }, { q: x + y, filters: { region: ['上海'] } });
    asks.push({ q: '知识产权 质押' }, { q: '跨境电商 退货' }, { q: '企业如何申请知识产权质押融资' }, { q: '不动产登记', page: 2 });
    for (const params of asks) {
      a.clearCache();
      b.clearCache();
      expect({ ...b.search(params), took_ms: 0 }, JSON.stringify(params)).toEqual({ ...a.search(params), took_ms: 0 });
    }
  });

  it('keeps stored splits through a snapshot file, ignores them under another gap and refuses a damaged table', () => {
    const back = parseSnapshot(serializeSnapshot(stored));
    const again = (back.index as EngineIndex).nears!;
    expect(again.terms).toBe(nears.terms);
    expect(again.gap).toBe(NEAR_GAP);
    for (const key of ['termOffsets', 'termBytes', 'termEntries', 'termPositions', 'postings', 'blockBounds', 'boundStart'] as const) {
      expect(Array.from(again[key]), key).toEqual(Array.from(nears[key]));
    }
    const params = { q: '知识产权 质押' };
    expect({ ...new SearchService(back).search(params), took_ms: 0 }).toEqual({ ...new SearchService(withoutNears(stored)).search(params), took_ms: 0 });
    // Found with another gap: not what this engine's splits are, so it matches them from the parts (and answers alike).
    const otherGap = new SearchService({ ...stored, index: { ...(stored.index as EngineIndex), nears: { ...nears, gap: NEAR_GAP + 1 } } });
    expect({ ...otherGap.search(params), took_ms: 0 }).toEqual({ ...new SearchService(withoutNears(stored)).search(params), took_ms: 0 });
    const refuses = (damaged: NearIndex) => expect(() => new SearchService({ ...stored, index: { ...(stored.index as EngineIndex), nears: damaged } })).toThrow(/split compounds/);
    refuses({ ...nears, termBytes: nears.termBytes.subarray(1) });
    refuses({ ...nears, gap: 0 });
  });
});
