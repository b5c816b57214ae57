import { beforeAll, describe, expect, it } from 'vitest';
import { chineseFigures, sameValueForms } from '../analysis/quantities.js';
import { parseQuery } from '../analysis/query.js';
import { SearchService } from '../search/service.js';
import { seedService } from './helpers.js';

// Figures as a user types them: copied with the documents' spaces (1.7 亿元), spelled in Chinese numerals (五千万元,
// 百分之九十五点零九) or as a range with 至 (1至2个工作日). Each must be the figure the documents print, found whole.
let service: SearchService;
beforeAll(async () => {
  service = await seedService();
});

const search = (q: string) => service.search({ q, size: 100, page: 1, collapse: false });
const ids = (q: string) => search(q).hits.map((h) => h.id);
/** The normalised text of every field of a record a figure may be printed in. */
const textOf = (id: string) => {
  const r = service.reform(id)!;
  return service.engine.analyzer.normalizer.plain([r.title, r.content, r.applicableTo, r.process, r.outcome].join('\n'));
};

describe('a figure copied with the spaces the documents print inside it is one figure', () => {
  for (const [spaced, plain] of [
    ['1.7 亿元', '1.7亿元'],
    ['75 天', '75天'],
    ['1-2 个工作日', '1-2个工作日'],
    ['1 - 2 个工作日', '1-2个工作日'],
    ['5000 万元', '5000万元'],
    ['0.5 亿元', '0.5亿元'],
  ]) {
    it(`${spaced} finds exactly what ${plain} finds, every hit holding the whole figure`, () => {
      const res = search(spaced);
      expect(res.hits.map((h) => h.id)).toEqual(ids(plain));
      expect(res.total).toBeGreaterThan(0);
      for (const h of res.hits) expect(h.missing ?? []).toEqual([]);
    });
  }

  it('reads the figure whatever the script or width: 1.7 億元, １.７ 亿元 and 1.7　亿元 (ideographic space) are 1.7亿元', () => {
    const plain = ids('1.7亿元');
    for (const q of ['1.7 億元', '１.７ 亿元', '1.7\u3000亿元']) expect(ids(q), q).toEqual(plain);
  });

  it('由 75 天压缩至 25 天, copied from the record that prints it, finds that record alone, as typed without spaces', () => {
    const res = search('由 75 天压缩至 25 天');
    expect(res.hits.map((h) => h.id)).toEqual(ids('由75天压缩至25天'));
    expect(res.total).toBe(1);
    expect(textOf(res.hits[0].id).replace(/\s+/g, '')).toContain('由75天压缩至25天');
  });

  it('never marks the unit alone: 75 天 marks no 天 of 天津', () => {
    for (const h of search('75 天').hits) expect(h.highlight.snippet).not.toMatch(/<mark>天<\/mark>/);
  });

  it('keeps a field prefix, an exclusion and OR apart from a figure beside them', () => {
    expect(parseQuery('region:湖南 5000 万元').must).toEqual([[{ text: '湖南', phrase: false, field: 'regions' }], [{ text: '5000 万元', phrase: false }]]);
    expect(parseQuery('-退税 5000 万元').not).toEqual([{ text: '退税', phrase: false }]);
    expect(parseQuery('75 天 OR 25 天').must).toEqual([[{ text: '75 天', phrase: false }, { text: '25 天', phrase: false }]]);
    // A space between two words with no figure beside it still separates them.
    expect(parseQuery('跨境电商 退税').must).toHaveLength(2);
  });

  it('keeps an OR beside a spaced figure to that figure: 出口 1.7 亿元 OR 75 天 asks 出口 and either figure', () => {
    const either = [{ text: '1.7 亿元', phrase: false }, { text: '75 天', phrase: false }];
    expect(parseQuery('出口 1.7 亿元 OR 75 天').must).toEqual([[{ text: '出口', phrase: false }], either]);
    expect(parseQuery('出口 1.7 亿元 | 75 天').must).toEqual([[{ text: '出口', phrase: false }], either]);
    expect(parseQuery('1.7 亿元 OR 75 天 压缩').must).toEqual([either, [{ text: '压缩', phrase: false }]]);
    // Away from an OR the Han text beside a figure still joins it.
    expect(parseQuery('出口 1.7 亿元').must).toEqual([[{ text: '出口 1.7 亿元', phrase: false }]]);
    // A whole match holds 出口, whichever figure it states; a record with a figure but no 出口 is a partial one.
    const res = search('出口 1.7 亿元 OR 75 天');
    expect(res.total).toBeGreaterThan(0);
    for (const h of res.hits) expect(h.missing.includes('出口'), h.title).toBe(!textOf(h.id).includes('出口'));
  });
});

describe('figures spelled in Chinese numerals in a query are the figures the documents print in digits', () => {
  it('五千万元 finds the record printing 5000万元, and 节约五千万元成本 finds it alone', () => {
    const hit = ids('五千万元');
    expect(hit.length).toBeGreaterThan(0);
    for (const id of hit) expect(textOf(id)).toContain('5000万元');
    expect(ids('节约五千万元成本')).toEqual(hit.slice(0, 1));
  });

  it('五千萬元 and 兩個工作日 in 繁體 are read as their simplified forms are', () => {
    expect(ids('五千萬元')).toEqual(ids('五千万元'));
    for (const id of ids('五千萬元')) expect(textOf(id)).toContain('5000万元');
    expect(ids('兩個工作日')).toEqual(ids('两个工作日'));
    for (const h of search('兩個工作日').hits) expect(h.missing ?? []).toEqual([]);
  });

  it('reads a figure in any 繁體 unit the analyser converts (3 總噸, 五千萬歐元), not only a listed few', () => {
    const normalizer = service.engine.analyzer.normalizer;
    expect(parseQuery('3 總噸', normalizer).must).toEqual([[{ text: '3 總噸', phrase: false }]]);
    expect(parseQuery('五千萬歐元', normalizer).must).toEqual([[{ text: '五千萬歐元', phrase: true }, { text: '5000万欧元', phrase: false }]]);
    expect(ids('节约 3 總噸')).toEqual(ids('节约 3 总吨'));
  });

  it('两个工作日 finds the records printing 2 个工作日, each a whole match', () => {
    const res = search('两个工作日');
    expect(res.total).toBeGreaterThan(0);
    for (const h of res.hits) {
      expect(h.missing ?? []).toEqual([]);
      expect(textOf(h.id).replace(/\s+/g, '')).toMatch(/(?<![\d.])2个?工作日|两个工作日/);
    }
  });

  it('the Chinese printing still counts: 十亿元 finds the record printing 近十亿元', () => {
    const res = search('十亿元');
    expect(res.hits.length).toBeGreaterThan(0);
    expect(textOf(res.hits[0].id)).toContain('十亿元');
  });

  it('百分之九十五点零九 is 95.09%, never 95%', () => {
    const res = search('百分之九十五点零九');
    expect(res.hits.map((h) => h.id)).toEqual(ids('95.09%'));
    for (const h of res.hits) expect(textOf(h.id)).toContain('95.09%');
    expect(sameValueForms('95.09%')).toContain('百分之九十五点零九');
  });

  it('a duration of one and a date are left as typed (一小时办结 is a slogan), counts are never read', () => {
    expect(chineseFigures('一小时办结')).toEqual([]);
    expect(chineseFigures('一周办结')).toEqual([]);
    expect(chineseFigures('二〇二〇年')).toEqual([]);
    expect(chineseFigures('第二天')).toEqual([]);
    expect(chineseFigures('两步申报')).toEqual([]);
    expect(chineseFigures('一点五亿元').map((f) => f.digits)).toEqual(['1.5亿元']);
    expect(parseQuery('一小时办结').must).toEqual([[{ text: '一小时办结', phrase: false }]]);
  });
});

describe('a range typed with 至 or 到 is the range printed with a dash', () => {
  it('1至2个工作日 and 1到2个工作日 find what 1-2个工作日 finds (the record printing 1-2 个工作日)', () => {
    const dash = ids('1-2个工作日');
    expect(dash.length).toBeGreaterThan(0);
    expect(ids('1至2个工作日')).toEqual(dash);
    expect(ids('1到2个工作日')).toEqual(dash);
  });
});

describe('a year, an article number and a lone filler character are read as what they are (user21 findings 9, 13)', () => {
  it('2023 年, typed with the space, finds what 2023年 finds (the year), never every record printing 年', () => {
    const plain = ids('2023年');
    expect(plain.length).toBeGreaterThan(0);
    expect(ids('2023 年')).toEqual(plain);
    for (const id of ids('2023 年')) expect(textOf(id)).toMatch(/2023/);
    expect(ids('2023 年 通关')).toEqual(ids('2023年 通关'));
  });

  it('第3条, 第 3 条 and 第三条 are an article number searched whole: no seed record prints one, so none is found', () => {
    for (const q of ['第3条', '第 3 条', '第三条']) {
      expect(search(q).total, q).toBe(0);
    }
    // An ordinal a record prints is found, and only there (第一批 whole, not 一批 of other records).
    const first = search('第一批');
    expect(first.total).toBe(1);
    expect(JSON.stringify(service.reform(first.hits[0].id))).toContain('第一批');
  });

  it('an ordinal glued to other words is taken out whole (第3条税收 is the phrase 第3条 and 税收); 第三方 is no ordinal', () => {
    expect(parseQuery('第3条税收').must.map((g) => g.map((c) => [c.text, c.phrase]))).toEqual([[['税收', false]], [['第3条', true]]]);
    expect(search('第三方').total).toBeGreaterThan(0);
  });

  it('的, 了, 之 typed alone (or together) find nothing; quoted, or a longer stop word such as 模式, is still searched', () => {
    for (const q of ['的', '了', '之', '的 了']) {
      const res = search(q);
      expect(res.total, q).toBe(0);
      expect(res.hits).toEqual([]);
    }
    expect(search('"的"').total).toBeGreaterThan(0);
    expect(search('模式').total).toBeGreaterThan(0);
  });
});
