import { beforeAll, describe, expect, it } from 'vitest';
import { SearchService } from '../search/service.js';
import { recordPlainText, seedService } from './helpers.js';

// How a typed query is read before matching, on the seeds: the words it searches (the analyser's constraints) and
// what the records it returns print. Findings 4, 5 and 12 of the product test (/work/notes/user20.md).
let service: SearchService;
beforeAll(async () => {
  service = await seedService();
}, 120_000);

const words = (q: string) => service.engine.analyse(q).groups.flat().flatMap((c) => c.constraints.map((k) => k.text));

describe('a word the vocabulary lacks is searched whole, never as the one character left after a stop word', () => {
  // 和, 或 and 为 are stop words; the seeds' vocabulary holds none of 和平, 或许, 为民, 与时俱进, so each is cut into
  // lone characters, and the stop word was trimmed, leaving 平 (平台), 许 (许可证), 民 (民用建筑) or 时俱进.
  for (const q of ['和平', '或许', '为民', '和谐', '与时俱进']) {
    it(`searches ${q} as typed`, () => {
      expect(words(q)).toEqual([q]);
    });
  }

  it('finds for 和平 only records that print 和平, not the hundred that print 平台', () => {
    const result = service.search({ q: '和平', size: 100 });
    expect(result.total).toBeLessThan(5);
    for (const h of result.hits.filter((x) => x.missing.length === 0)) expect(recordPlainText(service, h.id), h.title).toContain('和平');
  });

  it('still trims a question word of two characters, but never down to one character typed with it', () => {
    expect(words('如何办')).toEqual(['如何办']);
  });
});

describe('a question frame is the question, not words to find', () => {
  it('reads 有没有地方 as asking where (as 哪些地方 is): the hits for 告知承诺制 lack nothing', () => {
    const q = '有没有地方做过告知承诺制';
    expect(words(q)).toEqual(['告知承诺制']);
    const result = service.search({ q });
    expect(result.hits.length).toBeGreaterThan(0);
    expect(result.hits[0].missing).toEqual([]);
    expect(recordPlainText(service, result.hits[0].id)).toContain('告知承诺');
  });

  it('drops 地方 and the 实行 of 对施工许可实行告知承诺制, keeping the two topics', () => {
    expect(words('有没有地方对施工许可实行告知承诺制')).toEqual(['施工许可', '告知承诺制']);
    // Outside 对 X 实行 Y the verb stays a word.
    expect(words('实行')).toEqual(['实行']);
  });

  it('drops 难怎么解决 closing a question, so the record on 跨境电商 退货 lacks no word', () => {
    const q = '跨境电商退货难怎么解决';
    expect(words(q)).toEqual(['跨境电商', '退货']);
    const hits = service.search({ q }).hits;
    const centre = hits.find((h) => h.title.includes('退货中心仓'));
    expect(centre, hits.map((h) => h.title).join(' / ')).toBeDefined();
    expect(centre!.missing).toEqual([]);
  });
});

describe('a field prefix typed in 繁體 or full width is the field prefix', () => {
  it('reads 標題:確認制 and ＴＩＴＬＥ:确认制 as title:确认制', () => {
    const expected = service.search({ q: 'title:确认制' });
    expect(expected.total).toBeGreaterThan(0);
    for (const q of ['標題:確認制', 'ＴＩＴＬＥ:确认制', '标题：确认制']) {
      const got = service.search({ q });
      expect(got.hits.map((h) => [h.id, h.score, h.missing]), q).toEqual(expected.hits.map((h) => [h.id, h.score, h.missing]));
      expect(words(q)).toEqual(['确认制']);
    }
  });

  it('reads 地區：山東 as a region filter: every hit is a Shandong record about 区块链', () => {
    const result = service.search({ q: '地區：山東 區塊鏈', size: 50 });
    expect(result.total).toBeGreaterThan(0);
    for (const h of result.hits) {
      expect(h.regions, h.title).toContain('山东');
      expect(h.missing, h.title).toEqual([]);
    }
  });
});
