import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyOf } from '../analysis/terms.js';
import { COMMON_SHINGLE, LOOSE_TITLE, SAME_TEXT, SAME_TITLE, SHARED_TEXT, linkRelated, titleKey } from '../indexer/related.js';
import type { ReformRecord } from '../indexer/schema.js';
import { seedCorpus } from './seed-corpus.js';

/** The definition of a copy, checked on every pair of records (quadratic: fine for 300 records, a reference only). */
function allPairsLinks(records: ReformRecord[]): string[] {
  const grams = (s: string, n: number) => {
    const out = new Set<string>();
    for (let i = 0; i + n <= s.length; i++) out.add(s.slice(i, i + n));
    return out;
  };
  const titles = records.map((r) => grams(titleKey(r.title), 2));
  const bodies = records.map((r) => grams(['content', 'applicableTo', 'process', 'outcome'].map((f) => titleKey((r as any)[f] ?? '')).join(''), 4));
  const df = new Map<string, number>();
  for (const b of bodies) for (const g of b) df.set(g, (df.get(g) ?? 0) + 1);
  const links: string[] = [];
  for (let i = 0; i < records.length; i++) {
    for (let j = i + 1; j < records.length; j++) {
      if (records[i].source.file === records[j].source.file) continue;
      let common = 0;
      for (const g of titles[i]) if (titles[j].has(g)) common++;
      const t = titles[i].size && titles[j].size ? (2 * common) / (titles[i].size + titles[j].size) : 0;
      let shared = 0;
      for (const g of bodies[i]) if (bodies[j].has(g) && df.get(g)! <= COMMON_SHINGLE) shared++;
      const smaller = Math.min(bodies[i].size, bodies[j].size);
      const text = smaller >= 20 ? shared / smaller : 0;
      if (t >= SAME_TITLE || (t >= LOOSE_TITLE && text >= SHARED_TEXT) || text >= SAME_TEXT) links.push([records[i].id, records[j].id].sort().join(' '));
    }
  }
  return links.sort();
}

describe('copy linking', () => {
  const records = seedCorpus().records;
  /** A record of its own document (doc-N.txt) with only this title and content, nothing linked yet. */
  const printing = (id: string, title: string, content: string, doc: number): ReformRecord => ({
    ...records[0],
    id,
    title,
    content,
    process: undefined,
    outcome: undefined,
    applicableTo: undefined,
    source: { ...records[0].source, file: `doc-${doc}.txt` },
    quantities: [],
    related: [],
  });
  const found = records.flatMap((r) => r.related.filter((x) => r.id < x.id).map((x) => `${r.id} ${x.id}`)).sort();

  it('finds exactly the 53 links that comparing every pair of seed records finds', () => {
    expect(found).toEqual(allPairsLinks(records));
    expect(found).toHaveLength(53);
  });

  it('links both ways and never within one document', () => {
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const r of records) {
      for (const x of r.related) {
        expect(x.file).not.toBe(r.source.file);
        expect(byId.get(x.id)!.related.map((y) => y.id)).toContain(r.id);
      }
    }
  });

  it('links by title alone exactly as comparing every pair does, when seed titles are reprinted shortened, cut and joined', () => {
    // Titles that differ by a few characters sit on both sides of the title threshold, so the title walk meets many
    // that nearly reach it (where its bit-signature test drops a title without reading it); no body text, so titles decide.
    const titles = records.map((r) => r.title).filter((t) => titleKey(t).length >= 8).slice(0, 120);
    const variants = titles.flatMap((t, k) => {
      const half = t.length >> 1;
      return [t, t.slice(1), t.slice(0, -2), t.slice(0, half) + t.slice(half + 3), t.slice(3) + titles[(k + 1) % titles.length].slice(0, 3), t.slice(0, half)];
    });
    const printed = variants.map((title, i) => printing(`t-${i}`, title, '', i));
    linkRelated(printed);
    const links = printed.flatMap((r) => r.related.filter((x) => r.id < x.id).map((x) => [r.id, x.id].sort().join(' '))).sort();
    expect(links).toEqual(allPairsLinks(printed));
    expect(links.length).toBeGreaterThan(titles.length);
  });

  it('links records by a passage that COMMON_SHINGLE records print, and by none that one more record prints', () => {
    // Titles and the rest of each text from character ranges of their own, so only the shared passage can link.
    const han = (from: number, length: number) => String.fromCharCode(...Array.from({ length }, (_, k) => 0x4e00 + from + k));
    const passage = han(20000, 60);
    const printedBy = (count: number) =>
      Array.from({ length: count }, (_, i) => printing(`p-${i}`, han(i * 16, 8), passage + han(2000 + i * 16, 8), i));
    const rare = printedBy(COMMON_SHINGLE);
    linkRelated(rare);
    expect(Math.min(...rare.map((r) => r.related.length))).toBeGreaterThan(0);
    const common = printedBy(COMMON_SHINGLE + 1);
    linkRelated(common);
    expect(common.flatMap((r) => r.related)).toEqual([]);
  });

  it('stays bounded when thousands of records print the same title (links capped per record)', () => {
    const base = records[0];
    const copies: ReformRecord[] = Array.from({ length: 3000 }, (_, i) => ({
      ...base,
      id: `copy-${i}`,
      source: { ...base.source, file: `doc-${i}.txt` },
      quantities: [],
      related: [],
    }));
    linkRelated(copies);
    const counts = copies.map((r) => r.related.length);
    expect(Math.max(...counts)).toBeLessThanOrEqual(32);
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });
});

describe('title keys', () => {
  it('keep exactly the ideographs, letters and digits, lower-cased, whatever the text', () => {
    const reference = (s: string) => s.replace(/[^\p{Script=Han}\p{L}\p{N}]/gu, '').toLowerCase();
    const pieces = ['自贸', '（', '“', '”', ' ', 'ＡＢ', 'İ', 'x1', '𠀀', '\ud800', '\udc00', '、', '٣', 'é'];
    const text = fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 2 })), { maxLength: 20 }).map((a) => a.join(''));
    fc.assert(fc.property(text, (s) => titleKey(s) === reference(s)), { numRuns: 3000 });
  });

  it('the search side (keyOf, the exact-title test) keeps the same characters, case untouched', () => {
    const pieces = ['自贸', '（', '“', 'ＡＢ', 'İ', 'x1', '𠀀', '\ud800', '\udc00', '、', '٣'];
    const text = fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ unit: 'binary', maxLength: 2 })), { maxLength: 20 }).map((a) => a.join(''));
    fc.assert(fc.property(text, (s) => keyOf(s) === s.replace(/[^\p{Script=Han}\p{L}\p{N}]/gu, '')), { numRuns: 3000 });
  });
});
