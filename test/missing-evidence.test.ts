import { beforeAll, describe, expect, it } from 'vitest';
import { SearchService } from '../search/service.js';
import { recordPlainText, seedService, seedSnapshot } from './helpers.js';

let service: SearchService;
let outright: SearchService;
beforeAll(async () => {
  service = await seedService();
  // Before session 17: lacking a word counts its whole idf in the decay, whatever evidence of it the record holds.
  outright = new SearchService(await seedSnapshot(), { evidenceCost: 1 });
}, 120_000);

const ids = (s: SearchService, q: string, size = 20) => s.search({ q, size }).hits.map((h) => h.id);

describe('in a keyword list, lacking a word the record holds evidence of costs less than lacking it outright', () => {
  it('puts the record printing 船舶安全检查 first for 船舶安检 (no record prints 安检), above records that only print 船舶', () => {
    const [first] = service.search({ q: '船舶安检', size: 10 }).hits;
    expect(first.missing).toEqual(['安检']);
    expect(recordPlainText(service, first.id)).toContain('船舶安全检查');
    // Counted outright, a record printing 船舶 more often led, with nothing of 安检 in it.
    const [before] = outright.search({ q: '船舶安检', size: 10 }).hits;
    expect(before.id).not.toBe(first.id);
    expect(recordPlainText(outright, before.id)).not.toMatch(/安.{0,3}检/);
  });

  it('changes only the order: the same records, total, partial flag and missing words as when lacking counts outright', () => {
    for (const q of ['船舶安检', '进口生鲜', '铁矿进口', '增值税退税', '水产品 出口']) {
      const a = service.search({ q, size: 100 });
      const b = outright.search({ q, size: 100 });
      expect(a.total, q).toBe(b.total);
      expect(a.partial, q).toBe(b.partial);
      const missing = (r: typeof a) => new Map(r.hits.map((h) => [h.id, h.missing.join(' ')]));
      expect(missing(a), q).toEqual(missing(b));
    }
  });

  it('still ranks records lacking fewer words before those lacking more', () => {
    for (const q of ['船舶安检', '进口生鲜', '铁矿进口', '水产品 出口 检验']) {
      const hits = service.search({ q, size: 30 }).hits;
      expect(hits.length, q).toBeGreaterThan(0);
      for (let i = 1; i < hits.length; i++) expect(hits[i].missing.length, q).toBeGreaterThanOrEqual(hits[i - 1].missing.length);
    }
  });

  it('leaves questions, outcome queries and descriptions in their own order', () => {
    for (const q of ['怎么给船员办证更方便', '如何缩短工程建设项目审批时间', '通关时间缩短', '货物到港直接提走不进堆场']) {
      expect(ids(service, q), q).toEqual(ids(outright, q));
    }
  });

  it('leaves results where every hit has every word untouched, scores included', () => {
    for (const q of ['退税', '审批', '海关 监管']) {
      const a = service.search({ q, size: 20 });
      const b = outright.search({ q, size: 20 });
      expect(a.partial, q).toBe(false);
      expect(a.hits.map((h) => [h.id, h.score]), q).toEqual(b.hits.map((h) => [h.id, h.score]));
    }
  });
});
