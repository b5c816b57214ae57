/**
 * The index builder's tokeniser (integer keys for Han bigrams) must give exactly the tokens the search side's
 * tokeniser gives, or a query would look up terms the index never stored.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hanBigramText, positionalTokenKeys, positionalTokens } from '../analysis/terms.js';

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
