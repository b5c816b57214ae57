import { beforeAll, describe, expect, it } from 'vitest';
import { SearchService } from '../search/service.js';
import { recordPlainText, seedService, seedSnapshot } from './helpers.js';

let service: SearchService;
let tiers: SearchService;
beforeAll(async () => {
  service = await seedService();
  // The ordering before session 16: lacking a rarer word is a tier below, whatever the scores.
  tiers = new SearchService(await seedSnapshot(), { missingIdfDecay: 0 });
}, 120_000);

const ids = (s: SearchService, q: string, size = 20) => s.search({ q, size }).hits.map((h) => h.id);

describe('a keyword list ranks partial matches by score, scaled by how rare the words they lack are', () => {
  it('puts the unmanned-gate reform (无人卡口) first for 无人闸口, above a record that names a 闸口 once in passing', () => {
    const [first] = service.search({ q: '无人闸口', size: 10 }).hits;
    expect(first.title).toContain('无人卡口');
    expect(first.missing).toEqual(['闸口']);
    // In tiers the record printing the rarer word led, however little else it shares with the query.
    const [tierFirst] = tiers.search({ q: '无人闸口', size: 10 }).hits;
    expect(tierFirst.id).not.toBe(first.id);
    expect(recordPlainText(tiers, tierFirst.id)).toContain('闸口');
  });

  it('still ranks records with every word first, and records lacking fewer words before those lacking more', () => {
    for (const q of ['关税担保', '建筑资质', '增值税退税', '进口 冷链 仓储', '海关 担保 保险']) {
      const hits = service.search({ q, size: 30 }).hits;
      expect(hits.length, q).toBeGreaterThan(0);
      for (let i = 1; i < hits.length; i++) expect(hits[i].missing.length, q).toBeGreaterThanOrEqual(hits[i - 1].missing.length);
    }
  });

  it('changes only the order: the same records, total, partial flag and missing words as in tiers', () => {
    for (const q of ['无人闸口', '关税担保', '建筑资质', '家电智造']) {
      const a = service.search({ q, size: 100 });
      const b = tiers.search({ q, size: 100 });
      expect(a.total, q).toBe(b.total);
      expect(a.partial, q).toBe(b.partial);
      const missing = (r: typeof a) => new Map(r.hits.map((h) => [h.id, h.missing.join(' ')]));
      expect(missing(a), q).toEqual(missing(b));
    }
  });

  it('leaves questions, outcome queries and descriptions in their own order', () => {
    for (const q of ['怎么给船员办证更方便', '如何缩短工程建设项目审批时间', '通关时间缩短', '申报材料减少多少', '货物到港直接提走不进堆场']) {
      expect(ids(service, q), q).toEqual(ids(tiers, q));
    }
  });

  it('leaves a question in its own order when its frame is cut and only two keywords remain', () => {
    // 有哪些方式 is cut from the words searched, so nothing but the typed text says 船舶登记有哪些方式 is a question.
    for (const q of ['船舶登记有哪些方式', '关税担保有哪些方式']) {
      const result = service.search({ q, size: 20 });
      expect(result.partial, q).toBe(true);
      expect(ids(service, q), q).toEqual(ids(tiers, q));
    }
  });

  it('leaves results where every hit has every word untouched, scores included', () => {
    for (const q of ['退税', '海关 监管', '审批 服务']) {
      const a = service.search({ q, size: 20 }).hits;
      const b = tiers.search({ q, size: 20 }).hits;
      expect(a.every((h) => h.missing.length === 0), q).toBe(true);
      expect(a.map((h) => [h.id, h.score]), q).toEqual(b.map((h) => [h.id, h.score]));
    }
  });
});
