import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchService } from '../search/service.js';
import { seedService } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
});

const search = (q: string) => service.search({ q, size: 100, collapse: false });
/** The words a query searches, in order (one clause each here). */
const words = (q: string) => service.engine.analyse(q).groups.flat().flatMap((c) => c.constraints.map((k) => k.text));
const printed = (t: string) => search(`"${t}"`).hits.length > 0;

describe('a sentence word no record prints is searched by the printed words it is cut into', () => {
  it('searches 用仓单质押贷款 by 仓单 and 质押, which the records print, and ranks first a record printing both', () => {
    // The premises: no record prints 仓单质押 (nor an equivalent), while 仓单 and 质押 are each printed.
    expect(printed('仓单质押')).toBe(false);
    expect(printed('仓单') && printed('质押')).toBe(true);
    const searched = words('用仓单质押贷款');
    expect(searched).toEqual(expect.arrayContaining(['仓单', '质押', '贷款']));
    expect(searched).not.toContain('仓单质押');
    const hits = search('用仓单质押贷款').hits;
    const printing = (t: string) => new Set(search(`"${t}"`).hits.map((h) => h.id));
    expect(printing('仓单').has(hits[0].id) && printing('质押').has(hits[0].id)).toBe(true);
    expect(hits[0].missing).not.toContain('仓单');
    expect(hits[0].missing).not.toContain('质押');
  });

  it('cuts 初创公司 in a sentence to 公司, since no record prints it or its equivalent 初创企业', () => {
    expect(printed('初创公司') || printed('初创企业')).toBe(false);
    const searched = words('科技初创公司同时拿到投资和贷款');
    expect(searched).toContain('公司');
    expect(searched).not.toContain('初创公司');
    // Every word searched is printed by some record: none of them decides nothing.
    for (const w of searched) expect(printed(w)).toBe(true);
  });

  it('keeps a sentence word that one record prints whole (连锁店), and a keyword typed alone whole (仓单质押)', () => {
    expect(printed('连锁店')).toBe(true);
    expect(words('一张营业执照开好几家连锁店')).toContain('连锁店');
    expect(words('仓单质押')).toEqual(['仓单质押']);
  });

  it('keeps an unprinted word whose thesaurus equivalent is printed (大公司 = 大企业)', () => {
    expect(printed('大公司')).toBe(false);
    expect(printed('大企业')).toBe(true);
    expect(words('大公司牵头带动小公司一起搞创新')).toContain('大公司');
  });
});

describe('a stem typed after a character the corpus never cuts alone is split off, not glued to it', () => {
  it('reads 盖民用楼房 as 盖|民用|楼房: 民用 (the start of 民用建筑) is searched, no glued 盖民', () => {
    // The premises: records print 民用 (in 民用建筑), none prints 盖民.
    expect(printed('民用')).toBe(true);
    expect(printed('盖民')).toBe(false);
    const q = '盖民用楼房时防空地下室不再单独报批';
    const searched = words(q);
    expect(searched).toContain('民用');
    expect(searched).not.toContain('盖民');
    // Every record the query brings in that prints 民用 holds it as a word searched, not as a missing one.
    const printing = new Set(search('"民用"').hits.map((h) => h.id));
    const hits = search(q).hits.filter((h) => printing.has(h.id));
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(h.missing).not.toContain('民用');
  });

  it('keeps 一次办完 whole (a term of the 一次办结 group), not 一次办 with 完 dropped', () => {
    expect(words('企业关门注销一次办完')).toContain('一次办完');
    expect(words('企业关门注销一次办完')).not.toContain('一次办');
  });
});

describe('characters the vocabulary never cut alone, glued into a word no record prints, are cut into the words the records print', () => {
  it('reads 基坑先开挖 as 基坑|先|开挖: 基坑 is searched, not the glued 基坑先, and the staged-permit record matches whole', () => {
    // The premises: records print 基坑 (基坑支护和土方开挖), none prints 基坑先, and the vocabulary glued the two.
    expect(printed('基坑')).toBe(true);
    expect(printed('基坑先')).toBe(false);
    expect(service.engine.analyzer.segment('基坑先开挖').map((p) => p.text)).toContain('基坑先');
    const searched = words('基坑先开挖');
    expect(searched).toContain('基坑');
    expect(searched).not.toContain('基坑先');
    const hits = search('基坑先开挖').hits;
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0].missing ?? []).toEqual([]);
    expect(hits[0].title).toContain('分段');
  });

  it('cuts a run glued across two printed words into both (矿产公益: 矿产 and 公益), so the query finds records', () => {
    expect(printed('矿产公益')).toBe(false);
    expect(printed('矿产') && printed('公益')).toBe(true);
    expect(words('矿产公益')).toEqual(['矿产', '公益']);
    expect(search('矿产公益').hits.length).toBeGreaterThan(0);
  });

  it('keeps whole a run none of whose characters a printed string takes (技贸 of 技贸措施, read by its scattered characters)', () => {
    expect(printed('技贸')).toBe(false);
    expect(words('技贸措施')).toContain('技贸');
  });

  it('cuts the issue’s 过境石油 into 过境|石油 where the records print those two, and neither 境石 nor the lone ends', async () => {
    const { printedSpans } = await import('../analysis/segment.js');
    const corpus = new Set(['过境', '石油', '油轮']);
    const spans = printedSpans('过境石油', (s) => corpus.has(s));
    expect(spans.map(([a, b]) => '过境石油'.slice(a, b))).toEqual(['过境', '石油']);
    // A stretch no printed string covers gives no word at all.
    expect(printedSpans('境石', (s) => corpus.has(s))).toEqual([]);
  });
});
