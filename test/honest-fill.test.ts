import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchService } from '../search/service.js';
import { seedService } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
});

const search = (q: string, filters?: Record<string, string[]>) => service.search({ q, size: 100, collapse: false, ...(filters ? { filters } : {}) });
/** A record's text as a word can match it (title, content, applicable to, process, outcome). */
const text = (id: string) => {
  const r = service.reform(id)!;
  return [r.title, r.content, r.applicableTo, r.process, r.outcome].join('\n');
};

describe('a one-word query is never padded with records that share a piece of an equivalent or long form', () => {
  it('finds nothing for 芯片, which no seed record prints, rather than the records that print 集成 of its equivalent 集成电路', () => {
    const res = search('芯片');
    expect(res.total).toBe(0);
    expect(res.hits).toEqual([]);
  });

  it('lists for 环评 only the records that print 环评 or 环境影响评价, none about 评价 alone (信用评价, 人力资本评价)', () => {
    const res = search('环评');
    expect(res.total).toBeGreaterThan(0);
    for (const h of res.hits) expect(h.missing, h.title).toEqual([]);
    for (const h of res.hits) expect(/环评|环境影响评价/.test(text(h.id)), h.title).toBe(true);
  });

  it('lists for APEC only its one real hit, none through 经济 or 合作 of 亚太经济合作组织', () => {
    const res = search('APEC');
    expect(res.total).toBe(res.hits.filter((h) => h.missing.length === 0).length);
    expect(res.hits.map((h) => h.title)).toContain('领事业务“一网通办”');
  });

  it('fills 包容审慎监管 (printed by no record) only with records holding its specific typed part 包容, never 监管 alone', () => {
    const res = search('包容审慎监管');
    expect(res.hits.map((h) => h.title)).toContain('多领域实施包容免罚清单模式');
    for (const h of res.hits) expect(text(h.id), h.title).toContain('包容');
  });

  it('still fills 工改 with records about 工程建设项目, a piece of its long form specific enough to name the subject', () => {
    const lacking = search('工改').hits.filter((h) => h.missing.includes('工改'));
    expect(lacking.length).toBeGreaterThan(0);
    for (const h of lacking) expect(/工程建设项目|审批制度改革|审批改革/.test(text(h.id)), h.title).toBe(true);
  });
});

describe('a field-prefixed clause is a filter under the default matching, as its facet filter is', () => {
  it('keeps region:湖南 跨境电商 to Hunan records, the same records as 跨境电商 filtered by region=湖南', () => {
    const res = search('region:湖南 跨境电商');
    expect(res.total).toBeGreaterThan(0);
    for (const h of res.hits) expect(h.regions, h.title).toContain('湖南');
    for (const h of res.hits) expect(h.missing, h.title).not.toContain('湖南');
    const filtered = search('跨境电商', { region: ['湖南'] }).hits.filter((h) => h.missing.length === 0).map((h) => h.id);
    expect(res.hits.filter((h) => h.missing.length === 0).map((h) => h.id)).toEqual(filtered);
  });

  it('keeps department:省税务局 退税 to records whose own departments name 省税务局, and finds none for 跨境电商 there', () => {
    const res = search('department:省税务局 退税');
    expect(res.total).toBeGreaterThan(0);
    for (const h of res.hits) expect(h.missing, h.title).not.toContain('省税务局');
    // No record of 省税务局 says 跨境电商: the department alone is no partial match of it.
    expect(search('department:省税务局 跨境电商').total).toBe(0);
    expect(search('department:省税务局').total).toBeGreaterThan(0);
  });

  it('keeps a field clause cut into words (title:进口食品怎么快速通关) to records whose title holds one of them', () => {
    const res = search('title:进口食品怎么快速通关');
    expect(res.total).toBeGreaterThan(0);
    // Each hit's title holds one of the words or its equivalent or kind (冰鲜水产品 for 食品): it never lacks them all.
    for (const h of res.hits) expect(h.missing.length, h.title).toBeLessThan(4);
    // With a plain word beside it, a record holding only that word (区块链) is no hit: the clause is a filter.
    const titleWords = ['进口', '食品', '快速', '通关'];
    const withWord = search('title:进口食品怎么快速通关 区块链');
    for (const h of withWord.hits) expect(titleWords.every((w) => h.missing.includes(w)), h.title).toBe(false);
  });

  it('finds nothing for region:湖南 由75个工作日压缩至25个工作日, as without the prefix: the filter is never the evidence', () => {
    expect(search('由75个工作日压缩至25个工作日').total).toBe(0);
    expect(search('region:湖南 由75个工作日压缩至25个工作日').total).toBe(0);
  });

  it('keeps to region:湖南 由 75 天压缩至 25 天 only Hunan records holding a typed word, never one holding only 湖南', () => {
    // Without the prefix the one record stating it (in Shandong) is found; no Hunan record prints either figure.
    expect(search('由 75 天压缩至 25 天').total).toBeGreaterThan(0);
    const res = search('region:湖南 由 75 天压缩至 25 天');
    const filtered = search('由 75 天压缩至 25 天', { region: ['湖南'] });
    expect(res.hits.map((h) => h.id)).toEqual(filtered.hits.map((h) => h.id));
    expect(res.total).toBe(0);
    // The same with a title clause: records whose titles say 确认制 exist, but none states 75 天, so none is a hit.
    expect(search('title:确认制').total).toBeGreaterThan(0);
    expect(search('title:确认制 75 天').total).toBe(0);
  });

  it('finds nothing for region:山东 region:辽宁, as no record is in both, rather than partial matches of either', () => {
    expect(search('region:山东 region:辽宁').total).toBe(0);
  });
});

describe('a query whose topic no record holds is not padded by its change verb', () => {
  it('finds nothing for 由75个工作日压缩至25个工作日 (no record states either figure) rather than every record saying 压缩', () => {
    expect(search('由75个工作日压缩至25个工作日').total).toBe(0);
  });

  it('still finds the record that states 由75天压缩至25天, and still fills 退税时间缩短, whose topic 退税 records hold', () => {
    expect(search('由75天压缩至25天').hits.every((h) => h.missing.length === 0)).toBe(true);
    expect(search('由75天压缩至25天').total).toBeGreaterThan(0);
    const res = search('退税时间缩短');
    expect(res.hits.filter((h) => h.missing.length === 0).length).toBeGreaterThan(0);
    expect(res.hits.some((h) => h.missing.length > 0)).toBe(true);
  });
});
