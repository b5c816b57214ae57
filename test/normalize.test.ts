/**
 * The fast normaliser (plain, used for every field at index time and for every query) and the one that keeps
 * offsets (normalize, used for highlights) must give the same text, or highlights would mark the wrong characters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Normalizer } from '../analysis/normalize.js';
import { traditionalToSimplifiedTable } from '../indexer/t2s.js';

const t2s = traditionalToSimplifiedTable();

/** The normaliser with offsets as first written (one code point at a time, a string per character): the reference. */
function normalizeByCodePoint(original: string): { text: string; from: number[]; to: number[] } {
  const DASHES: Record<string, string> = { '—': '-', '–': '-', '－': '-', '~': '-', '～': '-', '〜': '-' };
  const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2014\u2018\u2019\u201c\u201d\u2026]/;
  let text = '';
  const from: number[] = [];
  const to: number[] = [];
  let offset = 0;
  let pendingSpace = -1;
  for (const ch of Array.from(original)) {
    const start = offset;
    offset += ch.length;
    if (/\s/.test(ch) || ch === '\u3000') {
      if (pendingSpace < 0) pendingSpace = start;
      continue;
    }
    let mapped = '';
    for (const c of ch.normalize('NFKC')) {
      const s = t2s.get(c) ?? c;
      mapped += DASHES[s] ?? s.toLowerCase();
    }
    if (!mapped) continue;
    if (pendingSpace >= 0) {
      const prev = text[text.length - 1];
      if (prev !== undefined && prev !== ' ' && !CJK.test(prev) && !CJK.test(mapped[0])) {
        text += ' ';
        from.push(pendingSpace);
        to.push(start);
      }
      pendingSpace = -1;
    }
    for (let u = 0; u < mapped.length; u++) from.push(start), to.push(offset);
    text += mapped;
  }
  return { text, from, to };
}

describe('the normaliser', () => {
  it('gives the same text from plain() as from normalize(), whatever the input', () => {
    const pieces = ['中', '臺', '發展', ' ', '\u3000', '\t', 'ａ', 'Ｂ', '１', 'x', 'Y', '—', '～', '、', '，', '𠀀', '\ud800', '\udc00', 'é', 'e\u0301', '.', '5'];
    const text = fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 30 }).map((a) => a.join(''));
    const fast = new Normalizer(t2s);
    const ref = new Normalizer(t2s);
    fc.assert(fc.property(text, (s) => fast.plain(s) === ref.normalize(s).text), { numRuns: 3000 });
  });

  it('maps every normalised character back to the original span it came from, as the per-character normaliser does', () => {
    const pieces = ['中', '臺', '發展', ' ', '\u3000', '\t', 'ａ', 'Ｂ', '１', 'x', 'Y', '—', '～', '、', '㎡', 'ﬁ', '𠀀', '\ud800', '\udc00', 'é', 'e\u0301', '.', '5', '\u0000'];
    const text = fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 30 }).map((a) => a.join(''));
    const n = new Normalizer(t2s);
    fc.assert(
      fc.property(text, (s) => {
        const got = n.normalize(s);
        expect({ text: got.text, from: Array.from(got.from), to: Array.from(got.to) }).toEqual(normalizeByCodePoint(s));
      }),
      { numRuns: 3000 },
    );
    // Real text: a seed sentence with full-width digits, a traditional character and a space inside Chinese.
    const line = '企業開辦時間由５個工作日 壓縮至1个工作日，節約成本約5000万元（㎡）';
    const got = n.normalize(line);
    expect({ text: got.text, from: Array.from(got.from), to: Array.from(got.to) }).toEqual(normalizeByCodePoint(line));
    expect(got.text).toBe('企业开办时间由5个工作日压缩至1个工作日,节约成本约5000万元(m2)');
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
