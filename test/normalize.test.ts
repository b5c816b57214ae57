/**
 * The fast normaliser (plain, used for every field at index time and for every query) and the one that keeps
 * offsets (normalize, used for highlights) must give the same text, or highlights would mark the wrong characters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Normalizer } from '../analysis/normalize.js';
import { traditionalToSimplifiedTable } from '../indexer/t2s.js';

const t2s = traditionalToSimplifiedTable();

describe('the normaliser', () => {
  it('gives the same text from plain() as from normalize(), whatever the input', () => {
    const pieces = ['中', '臺', '發展', ' ', '\u3000', '\t', 'ａ', 'Ｂ', '１', 'x', 'Y', '—', '～', '、', '，', '𠀀', '\ud800', '\udc00', 'é', 'e\u0301', '.', '5'];
    const text = fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 30 }).map((a) => a.join(''));
    const fast = new Normalizer(t2s);
    const ref = new Normalizer(t2s);
    fc.assert(fc.property(text, (s) => fast.plain(s) === ref.normalize(s).text), { numRuns: 3000 });
  });

  it('keeps a NUL character after a space as normalize() does (a space is not told apart by a marker character)', () => {
    const n = new Normalizer(t2s);
    for (const s of ['\t\u0000', ' \u0000', 'a\t\u0000b', 'ab \u0000 cd']) expect(n.plain(s)).toBe(new Normalizer(t2s).normalize(s).text);
    expect(n.plain('a\t\u0000b')).toBe('a \u0000b');
  });

  it('removes spaces inside Chinese text, keeps one between Latin words, and maps full-width and traditional forms', () => {
    const n = new Normalizer(t2s);
    expect(n.plain('自贸 试验区  Hello   World　臺灣ＡＢＣ１２３')).toBe('自贸试验区hello world台湾abc123');
  });
});
