/**
 * The index builder's tokeniser (integer keys for Han bigrams) must give exactly the tokens the search side's
 * tokeniser gives, or a query would look up terms the index never stored.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hanBigramText, positionalTokenKeys, positionalTokens } from '../analysis/terms.js';
import { buildIndex } from '../indexer/postings.js';
import { Postings } from '../search/postings.js';
import { loadCorpus } from '../indexer/corpus.js';
import { SEEDS } from './helpers.js';

const tokens = (text: string) => {
  const out: [string, number][] = [];
  positionalTokens(text, (t, p) => out.push([t, p]));
  return out;
};
const keyed = (text: string) => {
  const out: [string, number][] = [];
  positionalTokenKeys(text, (t, p) => out.push([typeof t === 'number' ? hanBigramText(t) : t, p]));
  return out;
};

describe('the index builder tokeniser', () => {
  it('gives the same tokens at the same positions as positionalTokens, whatever the text', () => {
    const pieces = ['一', '丁', '龥', '鿿', '䷀', '自贸', '试验区', '𠀀', '𠀁', '\ud800', 'ab', '12.5', '5000万元', ' ', '，', '。', '、', '-', 'é', '㐀'];
    const text = fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 2 })), { maxLength: 25 }).map((a) => a.join(''));
    fc.assert(fc.property(text, (s) => JSON.stringify(keyed(s)) === JSON.stringify(tokens(s))), { numRuns: 3000 });
  });

  it('keys every pair of CJK Unified Ideographs and turns the key back into the pair', () => {
    expect(keyed('留抵退税')).toEqual([['留抵', 0], ['抵退', 1], ['退税', 2], ['税', 3]]);
    expect(hanBigramText(((0x9fff - 0x4e00) * 0x5200 + (0x4e00 - 0x4e00)))).toBe('\u9fff\u4e00');
  });
});

describe('the positional index built from the seeds', () => {
  // Interning grows its bigram table many times over here: every distinct Han character of the seeds' titles is
  // paired with the next one in a long text, so tens of thousands of new bigrams arrive in one build.
  it('stores every Han bigram once, at every position it occurs, however many distinct bigrams there are', async () => {
    const { records } = await loadCorpus(SEEDS);
    const titles = records.map((r) => r.title);
    const han = [...new Set(titles.join('').match(/[\u4e00-\u9fff]/g) ?? [])];
    const pairs = han.flatMap((a, i) => han.slice(i + 1, i + 150).map((b) => a + b));
    const texts = [...titles, pairs.join('，')];
    const index = buildIndex(texts, ['title'], texts.map(() => ''));
    const postings = new Postings(index, 1 << 20);
    const terms = new Set<string>();
    for (let k = 0; k < postings.termCount; k++) terms.add(postings.termAt(k));
    expect(terms.size).toBe(postings.termCount);
    expect(terms.size).toBeGreaterThan(40_000);
    // Every bigram of every text is listed at its slot and position.
    const missing: string[] = [];
    for (let slot = 0; slot < texts.length; slot++) {
      const text = texts[slot];
      for (let p = 0; p + 1 < text.length; p++) {
        const bigram = text.slice(p, p + 2);
        if (!/^[\u4e00-\u9fff]{2}$/.test(bigram)) continue;
        const occ = postings.term(bigram);
        const e = occ.slots.indexOf(slot);
        if (e < 0 || !occ.pos.subarray(occ.starts[e], occ.starts[e + 1]).includes(p)) missing.push(`${bigram}@${slot}:${p}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
